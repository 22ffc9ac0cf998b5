import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, quantile, ratio } from '../lib/stats.mjs';

test('median of odd and even counts, ignoring missing values', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([null, 5, undefined]), 5);
  assert.equal(median([]), null);
});

test('quantile picks the nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(quantile(values, 0.5), 50);
  assert.equal(quantile(values, 0.99), 99);
});

test('ratio is null when a side is missing', () => {
  assert.equal(ratio(10, 4), 2.5);
  assert.equal(ratio(null, 4), null);
  assert.equal(ratio(10, 0), null);
});
