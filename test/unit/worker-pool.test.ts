/**
 * WorkerPool's failure paths: a task past its deadline, a worker that exits, runs out of heap or
 * cannot even load each fail their own task with a clear WorkerTaskError; the worker is replaced and
 * the next task succeeds, and this process (the test runner: an uncaught error fails the run) is
 * never taken down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool, WorkerTaskError } from '../../src/util/worker-pool.js';
import { workerScript } from '../../src/util/worker-script.js';
import type { PoolTestTask } from '../fixtures/workers/pool-test-worker.js';

const pools: WorkerPool<PoolTestTask, number>[] = [];

/** One worker, so a replaced worker shows as a new thread id. */
function pool(timeoutMs = 10_000, maxHeapMb = 32) {
  const created = new WorkerPool<PoolTestTask, number>({
    script: () => workerScript(new URL('../fixtures/workers/', import.meta.url).href, './pool-test-worker'),
    size: 1,
    timeoutMs,
    maxHeapMb,
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
