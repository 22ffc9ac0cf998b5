/**
 * HEVC-coded HEIC (phone photos) through heic-decode, libheif compiled to WebAssembly, on worker
 * threads: a 12 MP photo takes seconds of CPU that would otherwise hold the event loop. Workers
 * start on first use, at most one per core; callers are already bounded by the transform and
 * upload-inspection slots. A worker that overruns its time is terminated, and one that fails
 * (out of memory, a crash in the decoder) is replaced: neither can take the process down. The
 * image's size is read before any pixel is decoded, so the pixels never exceed `maxPixels`.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker } from 'node:worker_threads';

export interface DecodedHeic {
  readonly width: number;
  readonly height: number;
  /** RGBA, upright. */
  readonly data: Buffer;
}

export interface HeicDecodeOptions {
  readonly maxPixels: number;
  /** The worker is terminated and the decode rejected after this long. */
  readonly timeoutMs?: number | undefined;
}

export class HeicDecodeError extends Error {}

// A plain script, not a module file: it runs the same from dist/ and from the TypeScript sources
// under test. Structured-clone replies; the pixels' buffer is transferred, not copied.
const WORKER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const decoder = require(workerData.decoderPath);
parentPort.on('message', async ({ bytes, maxPixels }) => {
  try {
    const images = await decoder.all({ buffer: new Uint8Array(bytes) });
    try {
      const { width, height } = images[0];
      if (!(width * height <= maxPixels)) throw new Error('the image is ' + width + 'x' + height + ', more than ' + maxPixels + ' pixels');
      const { data } = await images[0].decode();
      parentPort.postMessage({ width, height, data }, [data.buffer]);
    } finally {
      images.dispose();
    }
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
});
`;

/** A worker left idle this long is stopped: the WebAssembly memory of a big decode never shrinks. */
const IDLE_MS = 30_000;
/** V8 heap of a worker (input bytes and bookkeeping; the decoder's memory is WebAssembly's own). */
const WORKER_HEAP_MB = 128;

type Reply = { width: number; height: number; data: Uint8Array } | { error: string };

class HeicWorkers {
  private readonly idle: Array<{ worker: Worker; timer: NodeJS.Timeout }> = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private running = 0;

  constructor(private readonly size: number) {}

  async decode(bytes: Buffer, options: HeicDecodeOptions): Promise<DecodedHeic> {
    const worker = await this.take();
    let healthy = false;
    try {
      const reply = await this.ask(worker, bytes, options);
      healthy = true;
      if ('error' in reply) throw new HeicDecodeError(reply.error);
      return { width: reply.width, height: reply.height, data: Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength) };
    } finally {
      this.give(worker, healthy);
    }
  }

  private ask(worker: Worker, bytes: Buffer, { maxPixels, timeoutMs }: HeicDecodeOptions): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onFailure).off('exit', onFailure);
      };
      const onMessage = (reply: Reply) => {
        done();
        resolve(reply);
      };
      const onFailure = (cause: unknown) => {
        done();
        reject(new HeicDecodeError('the HEIC decoder failed', { cause }));
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              done();
              reject(new HeicDecodeError(`the HEIC decode took longer than ${timeoutMs} ms`));
            }, Math.max(0, timeoutMs));
      worker.on('message', onMessage).once('error', onFailure).once('exit', onFailure);
      // A copy of just this view (a Buffer may share a larger pool), moved rather than cloned.
      const copy = new Uint8Array(bytes);
      worker.postMessage({ bytes: copy, maxPixels }, [copy.buffer]);
    });
  }

  private async take(): Promise<Worker> {
    const parked = this.idle.pop();
    if (parked) {
      clearTimeout(parked.timer);
      return parked.worker;
    }
    if (this.running < this.size) {
      this.running++;
      return this.start();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Back to the pool; a worker that failed or overran is terminated and a fresh one takes its turn. */
  private give(worker: Worker, healthy: boolean): void {
    if (!healthy) {
      void worker.terminate();
      this.running--;
      const next = this.waiting.shift();
      if (next) {
        this.running++;
        next(this.start());
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) return next(worker);
    const timer = setTimeout(() => {
      const at = this.idle.findIndex((entry) => entry.worker === worker);
      if (at !== -1) this.idle.splice(at, 1);
      this.running--;
      void worker.terminate();
    }, IDLE_MS).unref();
    this.idle.push({ worker, timer });
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SCRIPT, {
      eval: true,
      workerData: { decoderPath: createRequire(import.meta.url).resolve('heic-decode') },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    // Errors are handled per decode; between decodes an idle worker has nothing to fail.
    worker.on('error', () => undefined);
    // An idle worker must not keep the process alive.
    worker.unref();
    return worker;
  }
}

let workers: HeicWorkers | undefined;

/** Decodes the first image of a HEIC file to RGBA on a worker thread. */
export function decodeHeic(bytes: Buffer, options: HeicDecodeOptions): Promise<DecodedHeic> {
  workers ??= new HeicWorkers(Math.max(1, os.availableParallelism()));
  return workers.decode(bytes, options);
}
