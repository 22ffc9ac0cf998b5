/**
 * WorkerPool's failure paths: a task past its deadline (the pool's or its own), a worker that
 * exits, runs out of heap or cannot even load each fail their own task with a clear WorkerTaskError;
 * the worker is replaced and the next task succeeds, and this process (the test runner: an uncaught
 * error fails the run) is never taken down. Also: async handlers, moved buffers, idle workers stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerDeadlineError, WorkerPool, WorkerTaskError } from '../../src/util/worker-pool.js';
import { workerScript } from '../../src/util/worker-script.js';
import type { PoolTestTask } from '../fixtures/workers/pool-test-worker.js';

const pools: WorkerPool<PoolTestTask, number>[] = [];

/** One worker, so a replaced worker shows as a new thread id. */
function pool(timeoutMs = 10_000, maxHeapMb = 32, idleMs?: number) {
  const created = new WorkerPool<PoolTestTask, number>({
    script: () => workerScript(new URL('../fixtures/workers/', import.meta.url).href, './pool-test-worker'),
    size: 1,
    timeoutMs,
    maxHeapMb,
    ...(idleMs === undefined ? {} : { idleMs }),
  });
  pools.push(created);
  return created;
}

async function failure(task: Promise<unknown>): Promise<WorkerTaskError> {
  const error = await task.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WorkerTaskError);
  return error as WorkerTaskError;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  delete process.env.PICTOR_POOL_TEST_FAIL_ON_LOAD;
});

describe('WorkerPool', () => {
  it('reuses its worker while tasks succeed or are refused by the handler', async () => {
    const workers = pool();
    const first = await workers.run('thread');
    expect((await failure(workers.run('refuse'))).message).toBe('the handler refused this input');
    expect(await workers.run('thread')).toBe(first);
  });

  it('rejects a task past its deadline, replaces the worker and serves the task queued behind it', async () => {
    const workers = pool(300);
    const first = await workers.run('thread');
    const stuck = workers.run('spin');
    const queued = workers.run('thread');
    expect((await failure(stuck)).message).toBe('the task took longer than 300 ms');
    const replacement = await queued;
    expect(replacement).not.toBe(first);
    expect(await workers.run('thread')).toBe(replacement);
  });

  it("kills a task at its own deadline, well before the pool's, and the next task still works", async () => {
    // The pool's deadline would outlast the test's own timeout: only the task's can end it in time.
    const workers = pool(60_000);
    const first = await workers.run('thread');
    const stuck = await failure(workers.run('spin', { timeoutMs: 200 }));
    expect(stuck).toBeInstanceOf(WorkerDeadlineError);
    expect(stuck.message).toBe('the task took longer than 200 ms');
    const replacement = await workers.run('thread');
    expect(replacement).not.toBe(first);
    expect(await workers.run('later')).toBe(replacement);
  }, 20_000);

  it('moves a transferred buffer to the worker instead of copying it', async () => {
    const workers = pool();
    const bytes = new Uint8Array(4096).fill(7);
    expect(await workers.run({ measure: bytes }, { transfer: [bytes.buffer] })).toBe(4096);
    expect(bytes.byteLength).toBe(0);
    const kept = new Uint8Array(16);
    expect(await workers.run({ measure: kept })).toBe(16);
    expect(kept.byteLength).toBe(16);
  });

  it('stops a worker idle longer than idleMs; the next task starts a new one', async () => {
    const workers = pool(10_000, 32, 50);
    const first = await workers.run('thread');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await workers.run('thread')).not.toBe(first);
    // Back to back, a worker is reused.
    const second = await workers.run('thread');
    expect(await workers.run('thread')).toBe(second);
  });

  it('rejects the task of a worker that exits, and the next task gets a new worker', async () => {
    const workers = pool();
    const first = await workers.run('thread');
    expect((await failure(workers.run('exit'))).message).toBe('the worker exited with code 7');
    expect(await workers.run('thread')).not.toBe(first);
  });

  it('rejects the task of a worker that passes its heap cap, and the next task gets a new worker', async () => {
    const workers = pool(30_000, 32);
    const first = await workers.run('thread');
    expect((await failure(workers.run('hoard'))).message).toMatch(/^the worker crashed: .*memory limit/);
    expect(await workers.run('thread')).not.toBe(first);
  }, 40_000);

  it('rejects the task of a worker whose script throws while loading, and recovers once it loads', async () => {
    const workers = pool();
    process.env.PICTOR_POOL_TEST_FAIL_ON_LOAD = '1';
    expect((await failure(workers.run('thread'))).message).toBe('no worker could be started: the script failed while loading');
    delete process.env.PICTOR_POOL_TEST_FAIL_ON_LOAD;
    expect(await workers.run('thread')).toEqual(expect.any(Number));
  });

  it('rejects a task whose worker cannot be started, and every task after close()', async () => {
    const broken = new WorkerPool<PoolTestTask, number>({ script: () => Promise.reject(new Error('no such script')), size: 1, timeoutMs: 1000, maxHeapMb: 32 });
    pools.push(broken);
    const [a, b] = [broken.run('thread'), broken.run('thread')];
    expect((await failure(a)).message).toBe('no worker could be started: no such script');
    expect((await failure(b)).message).toBe('no worker could be started: no such script');

    const workers = pool();
    const running = workers.run('spin');
    const queued = workers.run('thread');
    await workers.close();
    expect((await failure(running)).message).toBe('the worker pool is closed');
    expect((await failure(queued)).message).toBe('the worker pool is closed');
    expect((await failure(workers.run('thread'))).message).toBe('the worker pool is closed');
  });
});
