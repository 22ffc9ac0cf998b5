/**
 * Fetches the source of an upload by URL without letting the URL reach into the network Pictor
 * runs in (SSRF). Every hop's scheme and address are checked again, the address at dial time;
 * one deadline covers connect, redirects and the whole body; the size cap holds while streaming.
 */
import dns from 'node:dns';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import { errors, ImagesError } from '../errors.js';
import { limits } from '../limits.js';
import { createAddressPolicy, type AddressPolicy } from '../net/address-policy.js';
import { AddressRefusedError } from '../net/guarded-lookup.js';
import { guardedRequest, hostOf, hostRefusal } from '../net/guarded-request.js';
import { checkDeclaredLength, readCappedBody } from './source-body.js';

export interface FetchSourceOptions {
  /** The whole fetch: connect, every redirect and the body. */
  timeoutMs: number;
  maxRedirects: number;
  /** Enforced while streaming; a declared Content-Length above it is refused before reading. */
  maxBytes: number;
  /** Host names or CIDRs (IPv4/IPv6) exempt from the private-address refusal. */
  allow: string[];
  /** DNS resolver override (tests); called with `all: true`. Defaults to dns.lookup. */
  lookup?: LookupFunction;
  signal?: AbortSignal;
}

export interface FetchedSource {
  bytes: Buffer;
  contentType: string | undefined;
  /** Decoded last path segment of the final URL, or `image`. */
  filename: string;
  /** Where the bytes came from after redirects, without credentials. */
  finalUrl: string;
}

export async function fetchSource(url: string, options: FetchSourceOptions): Promise<FetchedSource> {
  // Outside the try: a malformed allow-list is a configuration error, not the user's fetch failing.
  const policy = createAddressPolicy(options.allow);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const cancel = () => controller.abort();
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    options.signal?.throwIfAborted();
    const context: FetchContext = {
      policy,
      resolve: options.lookup ?? dns.lookup,
      maxRedirects: options.maxRedirects,
      signal: controller.signal,
    };
    const { response, url: finalUrl } = await followRedirects(parseSourceUrl(url), context);
    checkStatus(response);
    checkDeclaredLength(response, options.maxBytes);
    const bytes = await readCappedBody(response, options.maxBytes);
    return {
      bytes,
      contentType: response.headers['content-type'],
      filename: filenameOf(finalUrl),
      finalUrl: withoutCredentials(finalUrl).href,
    };
  } catch (error) {
    if (error instanceof ImagesError) throw error;
    if (timedOut) throw errors.sourceTimeout(options.timeoutMs);
    if (options.signal?.aborted) throw options.signal.reason;
    throw errors.sourceFetchFailed(describeConnectionError(error), error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
    // Closes whatever connection is still open (a refused or abandoned response).
    controller.abort();
  }
}

interface FetchContext {
  policy: AddressPolicy;
  resolve: LookupFunction;
  maxRedirects: number;
  signal: AbortSignal;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

async function followRedirects(start: URL, context: FetchContext): Promise<{ response: IncomingMessage; url: URL }> {
  let url = start;
  let authorization = basicAuthorization(start);
  for (let redirects = 0; ; redirects += 1) {
    const redirected = redirects > 0;
    checkTarget(url, context.policy, redirected);
    const response = await get(url, authorization, context).catch((error: unknown) => {
      if (!(error instanceof AddressRefusedError)) throw error;
      throw errors.sourceRefused(`${subject(url, redirected, 'resolves to')} ${error.refusal}`, error);
    });
    const location = redirectStatuses.has(response.statusCode ?? 0) ? response.headers.location : undefined;
    if (location === undefined) return { response, url };
    response.destroy();
    if (redirects === context.maxRedirects) {
      throw errors.sourceFetchFailed(`it redirected more than ${context.maxRedirects} times`);
    }
    const next = parseRedirect(location, url);
    // Credentials were given for one origin; a redirect elsewhere must not receive them.
    authorization = basicAuthorization(next) ?? (next.origin === url.origin ? authorization : undefined);
    url = next;
  }
}

function parseSourceUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw errors.invalidSourceUrl();
  }
}

function parseRedirect(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw errors.sourceFetchFailed('it redirected to an invalid URL');
  }
}

/** Checks that need no DNS: scheme, refused names, IP literals (lookup is never called for those). */
function checkTarget(url: URL, policy: AddressPolicy, redirected: boolean): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw errors.unsupportedProtocol(url.protocol);
  const refusal = hostRefusal(url, policy);
  if (refusal) throw errors.sourceRefused(`${subject(url, redirected, 'is')} ${refusal}`);
}

/** Names the host only if the user typed it: a redirect target may be internal knowledge. */
function subject(url: URL, redirected: boolean, verb: string): string {
  return redirected ? 'it redirects to' : `${hostOf(url)} ${verb}`;
}

const requestHeaders = {
  accept: 'image/*, */*;q=0.8',
  // Compressed bodies could hide a bomb; the few servers that compress anyway are decoded under the cap.
  'accept-encoding': 'identity',
  'user-agent': 'Pictor (upload by URL)',
};

function get(url: URL, authorization: string | undefined, context: FetchContext): Promise<IncomingMessage> {
  return guardedRequest(url, {
    method: 'GET',
    headers: authorization ? { ...requestHeaders, authorization } : requestHeaders,
    policy: context.policy,
    resolve: context.resolve,
    signal: context.signal,
  });
}

function checkStatus(response: IncomingMessage): void {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return;
  const reason = STATUS_CODES[status];
  throw errors.sourceFetchFailed(`the origin responded with HTTP ${status}${reason ? ` ${reason}` : ''}`);
}

function basicAuthorization(url: URL): string | undefined {
  if (!url.username && !url.password) return undefined;
  const credentials = `${safeDecode(url.username)}:${safeDecode(url.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

function withoutCredentials(url: URL): URL {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy;
}

function filenameOf(url: URL): string {
  const lastSegment = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  // Control characters (a decoded %00) are unusable in a stored name; PostgreSQL text rejects NUL.
  const name = safeDecode(lastSegment).replace(/[\u0000-\u001f\u007f]/g, '');
  return Array.from(name || 'image').slice(0, limits.maxFilenameLength).join('');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Public wording for socket, DNS and TLS failures; the original error is kept as the cause. */
function describeConnectionError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA') return 'the host name could not be resolved';
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code.startsWith('Z_')) return 'the compressed body could not be decoded';
  if (code === 'EPROTO' || /CERT|SIGNATURE|TLS|SSL/.test(code)) return 'the TLS handshake failed or the certificate could not be verified';
  if (code === 'ECONNRESET') return 'the connection was closed before the image was received';
  return 'the connection failed';
}
