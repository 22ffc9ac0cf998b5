// Placeholder until the SSRF-safe fetcher (branch `fetch`) lands: plain fetch with the byte cap.
import { errors } from '../errors.js';

export interface FetchSourceOptions {
  timeoutMs: number;
  maxRedirects: number;
  maxBytes: number;
  allow: string[];
}

export async function fetchSource(url: string, options: FetchSourceOptions) {
  const res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) }).catch(() => {
    throw errors.badRequest(`Could not fetch ${url}`);
  });
  if (!res.ok) throw errors.badRequest(`Fetching ${url} failed with HTTP ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > options.maxBytes) throw errors.fileTooLarge(options.maxBytes);
  const filename = decodeURIComponent(new URL(res.url).pathname.split('/').pop() || 'image');
  return { bytes, contentType: res.headers.get('content-type') ?? undefined, filename, finalUrl: res.url };
}
