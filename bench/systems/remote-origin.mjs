// The origin web server of the remote-source scenarios: nginx serving the corpus over loopback
// as a site would, with Cache-Control, ETag and Last-Modified, so each system fetches the source
// by URL. The query is ignored by nginx, so `?v=<n>` makes a URL unique without a new file.
import { CORPUS_DIR } from '../lib/paths.mjs';
import { startNginx } from './nginx.mjs';

/** What the origin tells caches: an hour, a typical setting for site images. */
export const ORIGIN_CACHE_CONTROL = 'public, max-age=3600';

/**
 * Starts the origin and checks that `source` is served as the scenarios claim (caching headers,
 * a 304 to a conditional request); returns { baseUrl, pid, stop() }.
 */
export async function startRemoteOrigin(source) {
  const origin = await startNginx({ name: 'remote-origin', root: CORPUS_DIR, serverDirectives: `add_header Cache-Control "${ORIGIN_CACHE_CONTROL}";` });
  try {
    await checkOrigin(`${origin.baseUrl}/${source}`);
  } catch (error) {
    await origin.stop();
    throw error;
  }
  return origin;
}

async function checkOrigin(url) {
  const response = await fetch(url);
  await response.arrayBuffer();
  const etag = response.headers.get('etag');
  const cacheControl = response.headers.get('cache-control');
  if (response.status !== 200 || !etag || cacheControl !== ORIGIN_CACHE_CONTROL || !response.headers.get('last-modified')) {
    throw new Error(`origin ${url} answered ${response.status}, ETag ${etag}, Cache-Control ${cacheControl}: not the origin the remote scenarios need`);
  }
  const conditional = await fetch(url, { headers: { 'If-None-Match': etag } });
  await conditional.arrayBuffer();
  if (conditional.status !== 304) throw new Error(`origin ${url} answered ${conditional.status} to If-None-Match, not 304`);
}

/** The scenario as one cell sees it: its transform names the running origin. */
export function withOrigin(scenario, originUrl) {
  return { ...scenario, transform: { ...scenario.transform, origin: originUrl } };
}

/**
 * The source's absolute URL on the origin, with "{n}" where each request may be made unique
 * (wrk fills it in cold runs; cached runs repeat one value). Each system encodes it its own way.
 */
export function remoteSourceUrl({ origin, source }) {
  return `${origin}/${source}?v={n}`;
}
