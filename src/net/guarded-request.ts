/**
 * One HTTP(S) request to a user-supplied URL that cannot reach into the network Pictor runs in:
 * refused names and IP literals are checked before connecting, resolved addresses at dial time.
 * Used for upload-by-URL sources and for webhook deliveries.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isRefusedHostName, type AddressPolicy } from './address-policy.js';
import { guardedLookup } from './guarded-lookup.js';

/** URL.hostname keeps IPv6 brackets; sockets and the address policy want the bare address. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Why the URL's host is refused without any DNS (a refused name or IP literal), or undefined. */
export function hostRefusal(url: URL, policy: AddressPolicy): string | undefined {
  const host = hostOf(url);
  if (policy.exemptsHost(host)) return undefined;
  if (isRefusedHostName(host)) return 'an internal host name';
  // WHATWG parsing already turned 0x7f.1, 2130706433 and 127.1 into 127.0.0.1.
  return isIP(host) ? policy.refusalFor(host) : undefined;
}

export interface GuardedRequestOptions {
  method: 'GET' | 'POST';
  headers: OutgoingHttpHeaders;
  body?: Buffer;
  policy: AddressPolicy;
  resolve: LookupFunction;
  signal: AbortSignal;
}

/** Sends the request; resolves with the response head. Rejects with AddressRefusedError at dial time. */
export function guardedRequest(url: URL, options: GuardedRequestOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request({
      method: options.method,
      hostname: hostOf(url),
      port: url.port || undefined,
      path: url.pathname + url.search,
      headers: options.headers,
      // A fresh connection each time: a pooled socket would skip the dial-time address check.
      agent: false,
      lookup: guardedLookup(options.policy, options.resolve),
      signal: options.signal,
    });
    request.on('response', resolve);
    request.on('error', reject);
    request.end(options.body);
  });
}
