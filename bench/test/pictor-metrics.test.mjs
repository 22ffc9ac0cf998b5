import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTransformCount } from '../systems/pictor.mjs';

test('sums every labelled sample of the transform counter', () => {
  const metrics = `# HELP pictor_transforms_total Renditions computed
# TYPE pictor_transforms_total counter
pictor_transforms_total{format="jpeg"} 12
pictor_transforms_total{format="webp"} 3
pictor_transforms_totally_different 99
process_resident_memory_bytes 1.2e8
`;
  assert.equal(parseTransformCount(metrics), 15);
});

test('an unlabelled counter is read too', () => {
  assert.equal(parseTransformCount('pictor_transforms_total 7\n'), 7);
});

test('no counter gives null, so the herd falls back to a CPU estimate', () => {
  assert.equal(parseTransformCount('process_cpu_seconds_total 1\n'), null);
});
