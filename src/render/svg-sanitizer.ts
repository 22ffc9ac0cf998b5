/**
 * sanitizeSvgOffThread: sanitizeSvg on a worker thread with a deadline and a bounded heap.
 * A 10 MB SVG costs the sanitizer seconds; on the main thread that stalled every request of the
 * process. Refusals (syntax, complexity, time, memory) come back as SvgRefusal.
 */
import os from 'node:os';
import { limits } from '../limits.js';
import { WorkerPool, WorkerTaskError } from '../util/worker-pool.js';
import { workerScript } from '../util/worker-script.js';
import { SvgRefusal } from './svg-sanitize.js';

export type SanitizeOutcome = { body: Uint8Array } | { refusal: string; tooComplex: boolean };

const pool = new WorkerPool<Uint8Array, SanitizeOutcome>({
  script: () => workerScript(import.meta.url, './svg-sanitize-worker'),
  size: Math.max(1, Math.min(2, os.availableParallelism() - 1)),
  timeoutMs: limits.render.svg.sanitizeTimeoutMs,
  maxHeapMb: limits.render.svg.workerHeapMb,
});

export async function sanitizeSvgOffThread(bytes: Uint8Array): Promise<Buffer> {
  let outcome: SanitizeOutcome;
  try {
    outcome = await pool.run(bytes);
  } catch (error) {
    if (!(error instanceof WorkerTaskError)) throw error;
    // Out of time or memory: the input is what made it so.
    throw Object.assign(new SvgRefusal(`sanitizing it failed (${error.message})`, true), { cause: error });
  }
  if ('refusal' in outcome) throw new SvgRefusal(outcome.refusal, outcome.tooComplex);
  return Buffer.from(outcome.body.buffer, outcome.body.byteOffset, outcome.body.byteLength);
}
