/**
 * The import's client-side rate limit holds as the server counts: by arrival, wherever between
 * the client's start and the answer a request happens to arrive.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseRateLimit, RequestWindow } from '../../src/cli/import/request-window.js';

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

/** Runs `count` requests on `lanes` concurrent callers; each takes `latency(i)` ms and arrives at `arrival(i)` of it. */
async function run(window: RequestWindow, count: number, lanes: number, latency: (i: number) => number, arrivalShare: (i: number) => number) {
  const arrivals: number[] = [];
  const starts: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const slot = await window.acquire();
      starts.push(Date.now());
      const ms = latency(i);
      arrivals.push(Date.now() + ms * arrivalShare(i));
      await new Promise((resolve) => setTimeout(resolve, ms));
      slot.answered();
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, lane));
  await vi.runAllTimersAsync();
  await done;
  return { arrivals: arrivals.sort((a, b) => a - b), starts };
}

function mostInAnyWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (const t of times) most = Math.max(most, times.filter((u) => u >= t && u < t + windowMs).length);
  return most;
}

describe('RequestWindow', () => {
  it('never lets the server see more than the limit in a window, whatever the delay before arrival', async () => {
    // The first ten arrive late (slow first connections), the rest at once: counting start times
    // alone lets 20 arrive within one window here.
    const window = new RequestWindow(10, 1000, () => Date.now());
    const { arrivals } = await run(window, 40, 10, (i) => (i < 10 ? 900 : 1 + (i % 7) * 40), (i) => (i < 10 ? 1 : (i % 3) / 2));
    expect(arrivals).toHaveLength(40);
    expect(mostInAnyWindow(arrivals, 1000)).toBeLessThanOrEqual(10);
  });

  it('uses the whole limit: a burst of `limit` starts at once, the next waits for the window after the first answer', async () => {
    const window = new RequestWindow(5, 1000, () => Date.now());
    const { starts } = await run(window, 6, 6, () => 100, () => 0);
    expect(starts.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(starts[5]).toBe(1100);
  });

  it('a request still in flight keeps its slot however long it takes', async () => {
    const window = new RequestWindow(2, 100, () => Date.now());
    const { starts } = await run(window, 3, 3, (i) => (i < 2 ? 5000 : 1), () => 0);
    expect(starts[2]).toBe(5100);
  });

  it('a Retry-After pause holds back every caller', async () => {
    const window = new RequestWindow(100, 1000, () => Date.now());
    window.pauseFor(2500);
    const { starts } = await run(window, 3, 3, () => 1, () => 0);
    expect(starts).toEqual([2500, 2500, 2500]);
  });

  it('parses requests per seconds and refuses the rest', () => {
    expect(parseRateLimit('1200/300')).toEqual({ limit: 1200, windowMs: 300_000 });
    expect(parseRateLimit('30/0.5')).toEqual({ limit: 30, windowMs: 500 });
    for (const bad of ['0/10', '10/0', '10', 'a/b', '-1/5']) expect(parseRateLimit(bad)).toBeUndefined();
  });
});
