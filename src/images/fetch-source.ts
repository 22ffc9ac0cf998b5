/**
 * Fetches the source of an upload by URL without letting the URL reach into the network Pictor
 * runs in (SSRF). Every hop's scheme and address are checked again, the address at dial time;
 * one deadline covers connect, redirects and the whole body; the size cap holds while streaming.
 */
import dns from 'node:dns';
import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import { errors, ImagesError } from '../errors.js';
import { limits } from '../limits.js';
import { createAddressPolicy, type AddressPolicy } from '../net/address-policy.js';
import { AddressRefusedError } from '../net/guarded-lookup.js';
import { guardedRequest, hostOf, hostRefusal } from '../net/guarded-request.js';
import { checkDeclaredLength, readCappedBody, type BodyFailures } from './source-body.js';

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

/**
 * How each failure is reported. Upload by URL answers in the API's codes; /cdn-cgi/image/ in
 * Cloudflare's transformation codes (src/origins/origin-errors.ts). Messages name only what the
 * user supplied.
 */
export interface FetchFailures extends BodyFailures {
  invalidUrl(): ImagesError;
  unsupportedProtocol(protocol: string): ImagesError;
  refused(reason: string, cause?: unknown): ImagesError;
  /** Connection-level failures; `dns` is set when the host name could not be resolved. */
  unreachable(reason: string, cause: unknown, dns: boolean): ImagesError;
  tooManyRedirects(max: number): ImagesError;
  badRedirect(): ImagesError;
  timeout(timeoutMs: number): ImagesError;
}

export const uploadFetchFailures: FetchFailures = {
  invalidUrl: errors.invalidSourceUrl,
  unsupportedProtocol: errors.unsupportedProtocol,
  refused: errors.sourceRefused,
  unreachable: (reason, cause) => errors.sourceFetchFailed(reason, cause),
  tooManyRedirects: (max) => errors.sourceFetchFailed(`it redirected more than ${max} times`),
  badRedirect: () => errors.sourceFetchFailed('it redirected to an invalid URL'),
  timeout: errors.sourceTimeout,
  tooLarge: errors.sourceTooLarge,
  failed: (reason) => errors.sourceFetchFailed(reason),
};

export interface OriginFetchOptions extends FetchSourceOptions {
  failures: FetchFailures;
  /** Extra request headers (conditional ones for revalidation); they go to every hop. */
  headers?: Record<string, string>;
  userAgent: string;
}

/** The final response of an origin fetch: the body only for 2xx (none for a 304 or an error). */
export interface OriginResponse {
  status: number;
  headers: IncomingHttpHeaders;
  bytes: Buffer | undefined;
  finalUrl: URL;
}

export async function fetchSource(url: string, options: FetchSourceOptions): Promise<FetchedSource> {
  const { status, headers, bytes, finalUrl } = await fetchFromOrigin(url, { ...options, failures: uploadFetchFailures, userAgent: 'Pictor (upload by URL)' });
  if (!bytes) {
    const reason = STATUS_CODES[status];
    throw errors.sourceFetchFailed(`the origin responded with HTTP ${status}${reason ? ` ${reason}` : ''}`);
  }
  return {
    bytes,
    contentType: headers['content-type'],
    filename: filenameOf(finalUrl),
    finalUrl: withoutCredentials(finalUrl).href,
  };
}

/** One guarded fetch, every redirect followed and checked; any final status is returned, not thrown. */
export async function fetchFromOrigin(url: string, options: OriginFetchOptions): Promise<OriginResponse> {
  const { failures } = options;
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
      failures,
      headers: { ...requestHeaders, 'user-agent': options.userAgent, ...options.headers },
    };
    const { response, url: finalUrl } = await followRedirects(parseSourceUrl(url, failures), context);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      response.destroy();
      return { status, headers: response.headers, bytes: undefined, finalUrl };
    }
    checkDeclaredLength(response, options.maxBytes, failures);
    const bytes = await readCappedBody(response, options.maxBytes, failures);
    return { status, headers: response.headers, bytes, finalUrl };
  } catch (error) {
    if (error instanceof ImagesError) throw error;
    if (timedOut) throw failures.timeout(options.timeoutMs);
    if (options.signal?.aborted) throw options.signal.reason;
    const { reason, dns: unresolved } = describeConnectionError(error);
    throw failures.unreachable(reason, error, unresolved);
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
  failures: FetchFailures;
  headers: Record<string, string>;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

async function followRedirects(start: URL, context: FetchContext): Promise<{ response: IncomingMessage; url: URL }> {
  let url = start;
  let authorization = basicAuthorization(start);
  for (let redirects = 0; ; redirects += 1) {
    const redirected = redirects > 0;
    checkTarget(url, context, redirected);
    const response = await get(url, authorization, context).catch((error: unknown) => {
      if (!(error instanceof AddressRefusedError)) throw error;
      throw context.failures.refused(`${subject(url, redirected, 'resolves to')} ${error.refusal}`, error);
    });
    const location = redirectStatuses.has(response.statusCode ?? 0) ? response.headers.location : undefined;
    if (location === undefined) return { response, url };
    response.destroy();
    if (redirects === context.maxRedirects) throw context.failures.tooManyRedirects(context.maxRedirects);
    const next = parseRedirect(location, url, context.failures);
    // Credentials were given for one origin; a redirect elsewhere must not receive them.
    authorization = basicAuthorization(next) ?? (next.origin === url.origin ? authorization : undefined);
    url = next;
  }
}

function parseSourceUrl(text: string, failures: FetchFailures): URL {
  try {
    return new URL(text);
  } catch {
    throw failures.invalidUrl();
  }
}

function parseRedirect(location: string, base: URL, failures: FetchFailures): URL {
  try {
    return new URL(location, base);
  } catch {
    throw failures.badRedirect();
  }
}

/** Checks that need no DNS: scheme, refused names, IP literals (lookup is never called for those). */
function checkTarget(url: URL, { policy, failures }: FetchContext, redirected: boolean): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw failures.unsupportedProtocol(url.protocol);
  const refusal = hostRefusal(url, policy);
  if (refusal) throw failures.refused(`${subject(url, redirected, 'is')} ${refusal}`);
}

/** Names the host only if the user typed it: a redirect target may be internal knowledge. */
function subject(url: URL, redirected: boolean, verb: string): string {
  return redirected ? 'it redirects to' : `${hostOf(url)} ${verb}`;
}

const requestHeaders = {
  accept: 'image/*, */*;q=0.8',
  // Compressed bodies could hide a bomb; the few servers that compress anyway are decoded under the cap.
  'accept-encoding': 'identity',
};

function get(url: URL, authorization: string | undefined, context: FetchContext): Promise<IncomingMessage> {
  return guardedRequest(url, {
    method: 'GET',
    headers: authorization ? { ...context.headers, authorization } : context.headers,
    policy: context.policy,
    resolve: context.resolve,
    signal: context.signal,
  });
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
function describeConnectionError(error: unknown): { reason: string; dns: boolean } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA') return { reason: 'the host name could not be resolved', dns: true };
  const reason = (() => {
    if (code === 'ECONNREFUSED') return 'the connection was refused';
    if (code.startsWith('Z_')) return 'the compressed body could not be decoded';
    if (code === 'EPROTO' || /CERT|SIGNATURE|TLS|SSL/.test(code)) return 'the TLS handshake failed or the certificate could not be verified';
    if (code === 'ECONNRESET') return 'the connection was closed before the image was received';
    return 'the connection failed';
  })();
  return { reason, dns: false };
}
