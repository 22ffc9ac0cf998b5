/**
 * HEVC-coded HEIC (phone photos) through heic-decode, libheif compiled to WebAssembly, on worker
 * threads (heic-decode-worker.ts on the shared WorkerPool): a 12 MP photo takes seconds of CPU that
 * would otherwise hold the event loop. Workers start on first use, at most one per core; callers
 * are already bounded by the transform and upload-inspection slots. A decode past its deadline has
 * its worker terminated, and a worker that fails (out of memory, a crash in the decoder) is
 * replaced: neither can take the process down. The image's size is read before any pixel is
 * decoded, so the pixels never exceed `maxPixels`.
 */
import os from 'node:os';
import { WorkerDeadlineError, WorkerPool, WorkerTaskError } from '../util/worker-pool.js';
import { workerScript } from '../util/worker-script.js';

export interface DecodedHeic {
  readonly width: number;
  readonly height: number;
  /** RGBA, upright. */
  readonly data: Buffer;
}

export interface HeicDecodeOptions {
  readonly maxPixels: number;
  /** The worker is terminated and the decode rejected after this long (default: DEFAULT_TIMEOUT_MS). */
  readonly timeoutMs?: number | undefined;
}

/** What crosses to the worker and back. */
export interface HeicTask {
  readonly bytes: Uint8Array;
  readonly maxPixels: number;
}
export interface DecodedPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export class HeicDecodeError extends Error {}

/** The decode ran past its deadline. */
export class HeicDecodeTimeout extends HeicDecodeError {}

/** A decode given no deadline still ends: the longest transform timeout PICTOR_TRANSFORM_TIMEOUT_MS allows. */
const DEFAULT_TIMEOUT_MS = 600_000;
/** A worker left idle this long is stopped: the WebAssembly memory of a big decode never shrinks. */
const IDLE_MS = 30_000;
/** V8 heap of a worker (input bytes and bookkeeping; the decoder's memory is WebAssembly's own). */
const WORKER_HEAP_MB = 128;

let pool: WorkerPool<HeicTask, DecodedPixels> | undefined;

/** Decodes the first image of a HEIC file to RGBA on a worker thread. */
export async function decodeHeic(bytes: Buffer, { maxPixels, timeoutMs }: HeicDecodeOptions): Promise<DecodedHeic> {
  pool ??= new WorkerPool({
    script: () => workerScript(import.meta.url, './heic-decode-worker'),
    size: Math.max(1, os.availableParallelism()),
    timeoutMs: DEFAULT_TIMEOUT_MS,
    maxHeapMb: WORKER_HEAP_MB,
    idleMs: IDLE_MS,
  });
  // A copy of just this view (a Buffer may share a larger pool), moved rather than cloned.
  const copy = new Uint8Array(bytes);
  try {
    const { width, height, data } = await pool.run({ bytes: copy, maxPixels }, { timeoutMs, transfer: [copy.buffer] });
    return { width, height, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    if (error instanceof WorkerDeadlineError) throw new HeicDecodeTimeout(`the HEIC decode took longer than ${timeoutMs} ms`, { cause: error });
    if (error instanceof WorkerTaskError) throw new HeicDecodeError(`the HEIC decoder failed: ${error.message}`, { cause: error });
    throw error;
  }
}
