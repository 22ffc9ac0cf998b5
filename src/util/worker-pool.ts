/**
 * WorkerPool: runs CPU-heavy pure functions (parsing or decoding hostile input) on worker threads,
 * so the event loop that answers every other request never waits for them. Each task has a
 * deadline (the pool's, or its own): a worker past it is terminated (the only way to stop
 * synchronous code or WebAssembly) and replaced.
 * Each worker has a bounded heap, so one input cannot grow the process without limit; a worker that
 * dies (out of memory, uncaught exception, exit) fails its task with a WorkerTaskError and is
 * replaced. Workers start on demand, so a pool nobody uses costs nothing, and (with `idleMs`) stop
 * once idle that long, giving back memory a worker's heap or WebAssembly never shrinks.
 *
 * The worker side calls serveTasks(handler) with a function of (input) => output (or a promise of
 * it); inputs and outputs are structured-cloned (Buffers arrive as Uint8Array), or moved when
 * listed as transferables.
 */
import { parentPort, type TransferListItem, Worker } from 'node:worker_threads';

export class WorkerTaskError extends Error {}

/** The task ran past its deadline; its worker was terminated. */
export class WorkerDeadlineError extends WorkerTaskError {}

export interface RunOptions {
  /** This task's deadline, ms (default: the pool's timeoutMs). */
  readonly timeoutMs?: number | undefined;
  /** Moved to the worker instead of copied (the sender's views of them become empty). */
  readonly transfer?: readonly TransferListItem[];
}

interface Task {
  readonly input: unknown;
  readonly options: RunOptions;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  task: Task | undefined;
  timer: NodeJS.Timeout | undefined;
}

export interface WorkerPoolOptions {
  /** The worker script (resolved by workerScript()). */
  readonly script: () => Promise<string>;
  readonly size: number;
  /** A task's deadline, ms. */
  readonly timeoutMs: number;
  /** A worker's time to load its script, ms (default 30 s: loading is slow on a busy machine). */
  readonly startTimeoutMs?: number;
  readonly maxHeapMb: number;
  /** A worker idle this long is stopped (default: idle workers stay, unreferenced). */
  readonly idleMs?: number;
}

type Reply = { ok: true; value: unknown } | { ok: false; error: string };

export class WorkerPool<In, Out> {
  private readonly idle: Slot[] = [];
  private readonly busy = new Set<Slot>();
  private readonly waiting: Task[] = [];
  /** Workers being started: they count against `size` before they exist. */
  private starting = 0;
  private script: Promise<string> | undefined;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  run(input: In, options: RunOptions = {}): Promise<Out> {
    if (this.closed) return Promise.reject(new WorkerTaskError('the worker pool is closed'));
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ input, options, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const reason = new WorkerTaskError('the worker pool is closed');
    for (const task of this.waiting.splice(0)) task.reject(reason);
    await Promise.all([...this.idle, ...this.busy].map((slot) => this.retire(slot, reason)));
  }

  private dispatch(): void {
    while (this.waiting.length > 0 && !this.closed) {
      const slot = this.idle.pop();
      if (slot) this.start(slot, this.waiting.shift()!);
      else if (this.busy.size + this.starting < this.options.size) void this.spawn();
      else return;
    }
  }

  /** Starts one worker; once it is ready it takes the next waiting task, if any is left. */
  private async spawn(): Promise<void> {
    this.starting++;
    let worker: Worker;
    try {
      worker = await this.startWorker();
    } catch (error) {
      this.starting--;
      // The task that asked for the worker fails, so a script that cannot load is not retried forever.
      this.waiting.shift()?.reject(new WorkerTaskError(`no worker could be started: ${(error as Error).message}`));
      return this.dispatch();
    }
    this.starting--;
    const slot: Slot = { worker, task: undefined, timer: undefined };
    worker.unref();
    worker.on('message', (reply: Reply) => this.answer(slot, reply));
    worker.on('error', (error) => void this.retire(slot, new WorkerTaskError(`the worker crashed: ${error.message}`)));
    worker.on('exit', (code) => void this.retire(slot, new WorkerTaskError(`the worker exited with code ${code}`)));
    if (this.closed) return void this.retire(slot, new WorkerTaskError('the worker pool is closed'));
    this.park(slot);
    this.dispatch();
  }

  /**
   * A new worker, once its script has loaded (serveTasks() says so): loading is not part of any
   * task's deadline.
   */
  private async startWorker(): Promise<Worker> {
    this.script ??= this.options.script();
    const worker = new Worker(await this.script, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } });
    // (Listeners are removed one by one: removeAllListeners() would also drop the Worker's own.)
    let ready!: () => void;
    let failed!: (error: Error) => void;
    const exited = (code: number) => failed(new Error(`it exited with code ${code}`));
    const loading = new Promise<void>((resolve, reject) => ([ready, failed] = [resolve, reject]));
    const { startTimeoutMs = 30_000 } = this.options;
    const timer = setTimeout(() => failed(new Error(`it did not load within ${startTimeoutMs} ms`)), startTimeoutMs);
    worker.once('message', ready).on('error', failed).once('exit', exited);
    try {
      await loading;
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
      // The error listener stays until the worker is ended: an unheard 'error' would be thrown here.
      worker.off('message', ready).off('exit', exited);
    }
    worker.off('error', failed);
    return worker;
  }

  private start(slot: Slot, task: Task): void {
    clearTimeout(slot.timer);
    this.busy.add(slot);
    slot.task = task;
    // A running task keeps the process alive; an idle worker does not.
    slot.worker.ref();
    const timeoutMs = Math.max(0, task.options.timeoutMs ?? this.options.timeoutMs);
    slot.timer = setTimeout(() => void this.retire(slot, new WorkerDeadlineError(`the task took longer than ${Math.round(timeoutMs)} ms`)), timeoutMs);
    slot.worker.postMessage(task.input, task.options.transfer);
  }

  /** Idle, until the next task or (with idleMs) until it is stopped. */
  private park(slot: Slot): void {
    this.idle.push(slot);
    const { idleMs } = this.options;
    if (idleMs !== undefined) slot.timer = setTimeout(() => void this.retire(slot, new WorkerTaskError('idle')), idleMs).unref();
  }

  private answer(slot: Slot, reply: Reply): void {
    const task = this.finish(slot);
    if (!task) return;
    this.busy.delete(slot);
    this.park(slot);
    if (reply.ok) task.resolve(reply.value);
    else task.reject(new WorkerTaskError(reply.error));
    this.dispatch();
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
    const at = this.idle.indexOf(slot);
    if (at !== -1) this.idle.splice(at, 1);
    else if (!this.busy.delete(slot)) return;
    // The worker's listeners stay: they find it retired and do nothing.
    this.finish(slot)?.reject(reason);
    this.dispatch();
    await slot.worker.terminate();
  }
}

/**
 * The worker side: answers each message with handler(message); `transfer` names the parts of an
 * output to move rather than copy (decoded pixels).
 */
export function serveTasks<In, Out>(handler: (input: In) => Out | Promise<Out>, transfer?: (output: Out) => TransferListItem[]): void {
  if (!parentPort) throw new Error('serveTasks() runs on a worker thread');
  const port = parentPort;
  port.on('message', async (input: In) => {
    let reply: Reply;
    let moved: TransferListItem[] = [];
    try {
      const value = await handler(input);
      reply = { ok: true, value };
      if (transfer) moved = transfer(value);
    } catch (error) {
      reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply, moved);
  });
  port.postMessage('ready');
}
