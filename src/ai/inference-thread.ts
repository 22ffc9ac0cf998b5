/**
 * The main-thread side of the inference thread: one worker per process, started on the first
 * request, that loads each model once on first use and keeps it. Pixels are transferred, not
 * copied. If the worker dies (a native crash, out of memory), the requests in flight fail and the
 * next request starts a fresh one.
 */
import { Worker } from 'node:worker_threads';
import type { InferenceReply, InferenceRequest, InferenceKind, InferenceResult } from './inference-protocol.js';
import type { RgbImage } from './vision.js';

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

export class InferenceThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly workerData: { segmentationModel: string | undefined }) {}

  run<K extends InferenceKind>(kind: K, image: RgbImage): Promise<InferenceResult[K]> {
    const worker = this.started();
    const id = this.nextId++;
    // Always a copy of its own, then moved: a view may share a pooled buffer, and memory sharp
    // allocated natively cannot be transferred at all (Node 24 throws DataCloneError). The copy
    // costs about a millisecond; the inference takes tens.
    const data = new Uint8Array(image.data);
    const request: InferenceRequest = { id, kind, image: { data, width: image.width, height: image.height } };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      worker.postMessage(request, [data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerScript(), { workerData: this.workerData });
    // An idle inference thread must not keep the process alive.
    worker.unref();
    worker.on('message', ({ id, result, error }: InferenceReply) => {
      const pending = this.pending.get(id);
      this.pending.delete(id);
      if (error !== undefined) pending?.reject(new Error(error));
      else pending?.resolve(result as never);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the inference thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

/**
 * The compiled worker beside this module. Under vitest this module runs from its .ts source, which
 * a worker thread cannot load, so the build's copy is used (`npm test` builds first).
 */
function workerScript(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/src/ai/inference-worker.js', here) : new URL('./inference-worker.js', here);
}
