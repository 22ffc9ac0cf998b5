/**
 * WorkerPool: runs CPU-heavy pure functions (parsing hostile documents) on worker threads, so the
 * event loop that answers every other request never waits for them. Each task has a deadline: a
 * worker past it is terminated (the only way to stop synchronous code) and replaced. Each worker
 * has a bounded heap, so one input cannot grow the process without limit; a worker that dies
 * (out of memory, crash) fails its task and is replaced.
 *
 * The worker side calls serveTasks(handler) with a function of (input) => output; inputs and
 * outputs are structured-cloned (Buffers arrive as Uint8Array).
 */
import { parentPort, Worker } from 'node:worker_threads';

export class WorkerTaskError extends Error {}

interface Task {
  readonly input: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  timer: NodeJS.Timeout | undefined;
}

export interface WorkerPoolOptions {
  /** The worker script (resolved by workerScript()). */
  readonly script: () => Promise<string>;
  readonly size: number;
  readonly timeoutMs: number;
  readonly maxHeapMb: number;
}

export class WorkerPool<In, Out> {
  private readonly idle: Slot[] = [];
  private readonly busy = new Set<Slot>();
  private readonly waiting: Task[] = [];
  private script: Promise<string> | undefined;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  run(input: In): Promise<Out> {
    if (this.closed) return Promise.reject(new WorkerTaskError('the worker pool is closed'));
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ input, resolve: resolve as (value: unknown) => void, reject });
      void this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.waiting.splice(0)) task.reject(new WorkerTaskError('the worker pool is closed'));
    const slots = [...this.idle.splice(0), ...this.busy];
    await Promise.all(slots.map((slot) => this.retire(slot, new WorkerTaskError('the worker pool is closed'))));
  }

  private async dispatch(): Promise<void> {
    while (this.waiting.length > 0 && !this.closed) {
      let slot = this.idle.pop();
      if (!slot && this.busy.size < this.options.size) {
        try {
          slot = await this.spawn();
        } catch (error) {
          this.waiting.shift()?.reject(new WorkerTaskError(`no worker could be started: ${(error as Error).message}`));
          continue;
        }
      }
      if (!slot) return;
      const task = this.waiting.shift();
      if (!task) {
        this.idle.push(slot);
        return;
      }
      this.start(slot, task);
    }
  }

  private async spawn(): Promise<Slot> {
    this.script ??= this.options.script();
    const slot: Slot = { worker: undefined as unknown as Worker, task: undefined, timer: undefined };
    this.busy.add(slot);
    try {
      slot.worker = new Worker(await this.script, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } });
    } catch (error) {
      this.busy.delete(slot);
      throw error;
    }
    slot.worker.unref();
    slot.worker.on('message', (message: { ok: boolean; value?: unknown; error?: string }) => {
      const task = this.finish(slot);
      if (!task) return;
      if (message.ok) task.resolve(message.value);
      else task.reject(new WorkerTaskError(message.error ?? 'the worker failed'));
      this.idle.push(slot);
      this.busy.delete(slot);
      void this.dispatch();
    });
    const lost = (error: Error) => void this.retire(slot, new WorkerTaskError(`the worker stopped: ${error.message}`));
    slot.worker.on('error', lost);
    slot.worker.on('exit', (code) => lost(new Error(`exit code ${code}`)));
    return slot;
  }

  private start(slot: Slot, task: Task): void {
    this.busy.add(slot);
    slot.task = task;
    // A running task keeps the process alive; an idle worker does not.
    slot.worker.ref();
    slot.timer = setTimeout(() => void this.retire(slot, new WorkerTaskError(`the task took longer than ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    slot.worker.postMessage(task.input);
  }

  private finish(slot: Slot): Task | undefined {
    const task = slot.task;
    clearTimeout(slot.timer);
    slot.task = undefined;
    slot.timer = undefined;
    slot.worker.unref();
    return task;
  }

  /** Ends a worker: its task (if any) fails with `reason`; waiting tasks get a fresh worker. */
  private async retire(slot: Slot, reason: Error): Promise<void> {
    if (!this.busy.delete(slot) && !this.idle.includes(slot)) return;
    const at = this.idle.indexOf(slot);
    if (at !== -1) this.idle.splice(at, 1);
    this.finish(slot)?.reject(reason);
    slot.worker.removeAllListeners();
    await slot.worker.terminate();
    void this.dispatch();
  }
}

/** The worker side: answers each message with handler(message). */
export function serveTasks<In, Out>(handler: (input: In) => Out): void {
  if (!parentPort) throw new Error('serveTasks() runs on a worker thread');
  const port = parentPort;
  port.on('message', (input: In) => {
    try {
      port.postMessage({ ok: true, value: handler(input) });
    } catch (error) {
      port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
