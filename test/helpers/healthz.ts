/** Watches /healthz while other work runs on the same server: the event loop must stay free. */
import { expect } from 'vitest';

/**
 * Generous for a shared 2-core machine running other suites; decoding a 12 MP HEIC on the event
 * loop stalls /healthz for 2–5 s.
 */
export const HEALTHZ_BOUND_MS = 500;

/** Polls /healthz one request at a time until `work` settles; returns the slowest answer, ms. */
export async function slowestHealthz<T>(origin: string, work: Promise<T>): Promise<{ result: T; slowestMs: number; polls: number }> {
  let settled = false;
  const finished = work.finally(() => (settled = true));
  let slowestMs = 0;
  let polls = 0;
  while (!settled) {
    const started = performance.now();
    const res = await fetch(`${origin}/healthz`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    slowestMs = Math.max(slowestMs, performance.now() - started);
    polls++;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { result: await finished, slowestMs, polls };
}
