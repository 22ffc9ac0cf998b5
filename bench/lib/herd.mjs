// Fires N identical requests at once, each on its own connection, and times them.
import http from 'node:http';
import { quantile } from './stats.mjs';

function getOnce(url, headers) {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode, body: Buffer.concat(chunks), ms: performance.now() - startedAt }),
      );
      response.on('error', (error) => resolve({ status: 0, error, ms: performance.now() - startedAt }));
    });
    request.on('error', (error) => resolve({ status: 0, error, ms: performance.now() - startedAt }));
    request.setTimeout(120_000, () => request.destroy(new Error('timeout')));
  });
}

/**
 * @returns {Promise<{totalMs:number, ok:number, failed:number, p50Ms:number, p99Ms:number, firstBody:Buffer|null, firstError:string|null}>}
 */
export async function fireHerd(url, headers, count) {
  const startedAt = performance.now();
  const results = await Promise.all(Array.from({ length: count }, () => getOnce(url, headers)));
  const totalMs = performance.now() - startedAt;
  const ok = results.filter((r) => r.status === 200);
  const failure = results.find((r) => r.status !== 200);
  return {
    totalMs,
    ok: ok.length,
    failed: results.length - ok.length,
    p50Ms: quantile(results.map((r) => r.ms), 0.5),
    p99Ms: quantile(results.map((r) => r.ms), 0.99),
    firstBody: ok[0]?.body ?? null,
    firstError: failure ? failure.error?.message ?? `status ${failure.status}: ${failure.body?.subarray(0, 200)}` : null,
  };
}
