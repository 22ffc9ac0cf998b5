import { test } from 'node:test';
import assert from 'node:assert/strict';
import { areaOf, summarizeCpuProfile } from '../profile/cpu-profile-summary.mjs';

const REPO = '/repo';
const frame = (functionName, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
// Three nodes; samples at t = 110, 120, 130, 140 µs (start 100, deltas of 10).
const profile = {
  startTime: 100,
  nodes: [
    { id: 1, callFrame: frame('(idle)') },
    { id: 2, callFrame: frame('deliver', `file://${REPO}/dist/src/delivery/delivery-service.js`, 25) },
    { id: 3, callFrame: frame('Reply.send', `file://${REPO}/node_modules/fastify/lib/reply.js`, 155) },
  ],
  samples: [2, 2, 3, 1],
  timeDeltas: [10, 10, 10, 10],
};

test('self time per function and per area, as shares of the samples', () => {
  const summary = summarizeCpuProfile(profile, { repoDir: REPO });
  assert.equal(summary.windowMs, 0.04);
  assert.deepEqual(summary.areas, [
    { area: 'Pictor', share: 0.5 },
    { area: 'fastify', share: 0.25 },
    { area: '(idle)', share: 0.25 },
  ]);
  assert.deepEqual(
    summary.functions.map((f) => [f.name, f.where, f.share]),
    [
      ['deliver', 'dist/src/delivery/delivery-service.js:26', 0.5],
      ['Reply.send', 'node_modules/fastify/lib/reply.js:156', 0.25],
      ['(idle)', '', 0.25],
    ],
  );
});

test('only samples inside the window count', () => {
  const summary = summarizeCpuProfile(profile, { fromUs: 125, toUs: 145, repoDir: REPO });
  assert.deepEqual(summary.areas.map((a) => [a.area, a.share]), [['fastify', 0.5], ['(idle)', 0.5]]);
});

test('a stalled sampler does not hand its gap to one function', () => {
  const stalled = { ...profile, samples: [2, 2, 2, 3], timeDeltas: [10, 10, 10, 5000] };
  const summary = summarizeCpuProfile(stalled, { repoDir: REPO });
  assert.equal(summary.missedMs, (5000 - 100) / 1000);
  // fastify's sample weighs 10 intervals (100 µs), Pictor's three 30 µs: 100/130 and 30/130.
  assert.deepEqual(summary.areas.map((a) => [a.area, a.share.toFixed(3)]), [['fastify', '0.769'], ['Pictor', '0.231']]);
});

test('areas: Node internals, scoped packages, native code', () => {
  assert.equal(areaOf(frame('emit', 'node:events')), 'Node internals');
  assert.equal(areaOf(frame('x', `file://${REPO}/node_modules/@fastify/multipart/index.js`)), '@fastify/multipart');
  assert.equal(areaOf(frame('writev')), 'native / V8');
  assert.equal(areaOf(frame('(garbage collector)')), '(garbage collector)');
});
