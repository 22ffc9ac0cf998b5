import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slope, soakVerdict } from '../soak/verdict.mjs';

const series = (minutes, rssAt, errorsAt = () => 0) =>
  Array.from({ length: minutes * 4 + 1 }, (_, i) => ({ minute: i / 4, rssMb: rssAt(i / 4), errors: errorsAt(i / 4) }));

test('slope is the least-squares fit', () => {
  assert.equal(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]), 2);
  assert.equal(slope([{ x: 1, y: 1 }]), null);
});

test('a soak that grows while warming up, then stays flat, passes', () => {
  const verdict = soakVerdict(series(30, (m) => (m < 10 ? 300 + 10 * m : 400 + Math.sin(m * 7) * 3)), { leakBoundMbPerMinute: 1 });
  assert.equal(verdict.ok, true, verdict.failures.join('; '));
  assert.equal(verdict.rssSlope.fromMinute, 15);
});

test('RSS still growing over the second half above the bound is a leak', () => {
  const verdict = soakVerdict(series(30, (m) => 300 + 1.5 * m), { leakBoundMbPerMinute: 1 });
  assert.equal(verdict.ok, false);
  assert.match(verdict.failures[0], /RSS grew 1\.50 MB\/min over the second half \(bound 1 MB\/min\): a leak/);
});

test('any failed request fails the soak', () => {
  const verdict = soakVerdict(series(30, () => 400, (m) => (m === 20 ? 2 : 0)), { leakBoundMbPerMinute: 1 });
  assert.deepEqual([verdict.ok, verdict.errors, verdict.failures], [false, 2, ['2 request(s) failed']]);
});

test('a run too short to tell a leak from warm-up reports its slope without failing on it', () => {
  const verdict = soakVerdict(series(2, (m) => 300 + 50 * m), { leakBoundMbPerMinute: 1 });
  assert.deepEqual([verdict.ok, verdict.rssSlope.judged, Math.round(verdict.rssSlope.mbPerMinute)], [true, false, 50]);
});
