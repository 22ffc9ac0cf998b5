import { describe, expect, it } from 'vitest';
import { FreshReads } from '../../src/util/fresh-reads.js';

/** A load whose reads finish only when the test says so, recording the value at each read's start. */
function controlledLoad() {
  let value = 0;
  const reads: Array<{ key: string; seen: number; finish: () => void; fail: (e: Error) => void }> = [];
  const load = (key: string) =>
    new Promise<number>((resolve, reject) => {
      const seen = value;
      reads.push({ key, seen, finish: () => resolve(seen), fail: reject });
    });
  return { load, reads, setValue: (v: number) => void (value = v) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FreshReads', () => {
  it('answers callers that arrive during a read from the next read, which starts after they arrived', async () => {
    const { load, reads, setValue } = controlledLoad();
    const fresh = new FreshReads(load);
    const first = fresh.read('a');
    setValue(1); // a change commits after the first read began
    const late = [fresh.read('a'), fresh.read('a'), fresh.read('a')];
    expect(reads).toHaveLength(1);
    reads[0]!.finish();
    expect(await first).toBe(0);
    await tick();
    expect(reads).toHaveLength(2); // the three late callers share one read
    reads[1]!.finish();
    expect(await Promise.all(late)).toEqual([1, 1, 1]);
  });

  it('does not let a caller join a queued read once it has started', async () => {
    const { load, reads, setValue } = controlledLoad();
    const fresh = new FreshReads(load);
    void fresh.read('a');
    const second = fresh.read('a');
    reads[0]!.finish();
    await tick();
    expect(reads).toHaveLength(2);
    setValue(2); // committed while the second read runs
    const third = fresh.read('a');
    reads[1]!.finish();
    expect(await second).toBe(0);
    await tick();
    expect(reads).toHaveLength(3);
    reads[2]!.finish();
    expect(await third).toBe(2);
  });

  it('keeps keys apart and starts a read at once when none runs', async () => {
    const { load, reads } = controlledLoad();
    const fresh = new FreshReads(load);
    const a = fresh.read('a');
    const b = fresh.read('b');
    expect(reads.map((r) => r.key)).toEqual(['a', 'b']);
    reads[0]!.finish();
    reads[1]!.finish();
    await Promise.all([a, b]);
    void fresh.read('a');
    expect(reads).toHaveLength(3);
  });

  it('passes a failure to the callers of that read only', async () => {
    const { load, reads } = controlledLoad();
    const fresh = new FreshReads(load);
    const first = fresh.read('a');
    const second = fresh.read('a');
    reads[0]!.fail(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await tick();
    reads[1]!.finish();
    expect(await second).toBe(0);
  });
});
