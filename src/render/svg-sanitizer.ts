/**
 * SvgSanitizer: sanitizeSvg on worker threads with a deadline and a bounded heap. A 10 MB SVG
 * costs the sanitizer seconds; on the main thread that stalled every request of the process.
 * Refusals (syntax, complexity, time, memory) come back as SvgRefusal. The composition root owns
 * one per process (upload inspection and delivery share its workers) and closes it.
 */
import os from 'node:os';
import sharp from 'sharp';
import { limits } from '../limits.js';
import { WorkerPool, WorkerTaskError } from '../util/worker-pool.js';
import { workerScript } from '../util/worker-script.js';
import { SvgRefusal, type SanitizedSvg } from './svg-sanitize.js';

export type SanitizeOutcome = { body: Uint8Array; outline: Uint8Array } | { refusal: string; tooComplex: boolean };

export class SvgSanitizer {
  /** Workers start on the first SVG: a process that never sees one never starts them. */
  private readonly pool = new WorkerPool<Uint8Array, SanitizeOutcome>({
    script: () => workerScript(import.meta.url, './svg-sanitize-worker'),
    size: Math.max(1, Math.min(2, os.availableParallelism() - 1)),
    timeoutMs: limits.render.svg.sanitizeTimeoutMs,
    maxHeapMb: limits.render.svg.workerHeapMb,
  });

  /** `timeoutMs` shortens the sanitizer's own limit (limits.render.svg.sanitizeTimeoutMs), never lengthens it. */
  async sanitize(bytes: Uint8Array, timeoutMs = Infinity): Promise<SanitizedSvg> {
    let outcome: SanitizeOutcome;
    try {
      outcome = await this.pool.run(bytes, { timeoutMs: Math.min(limits.render.svg.sanitizeTimeoutMs, timeoutMs) });
    } catch (error) {
      if (!(error instanceof WorkerTaskError)) throw error;
      // Out of time or memory: the input is what made it so.
      throw Object.assign(new SvgRefusal(`sanitizing it failed (${error.message})`, true), { cause: error });
    }
    if ('refusal' in outcome) throw new SvgRefusal(outcome.refusal, outcome.tooComplex);
    return { body: asBuffer(outcome.body), outline: asBuffer(outcome.outline) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Buffers cross the thread boundary as Uint8Arrays. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The document's size as librsvg reads it, from the root element alone; 0×0 if it has none. */
export async function svgSize({ outline }: SanitizedSvg): Promise<{ width: number; height: number }> {
  const { width = 0, height = 0 } = await sharp(outline, { unlimited: false })
    .metadata()
    .catch(() => ({ width: 0, height: 0 }));
  return { width, height };
}
