import { expect, it } from 'vitest';
import { mergeExpositions } from '../../src/metrics/cluster-metrics.js';

it('sums identical series across workers, keeps HELP/TYPE once and drops per-process gauges', () => {
  const worker = (slot: number, hits: number) =>
    [
      '# HELP pictor_rendition_cache_total lookups',
      '# TYPE pictor_rendition_cache_total counter',
      `pictor_rendition_cache_total{result="hit",tier="memory"} ${hits}`,
      '# HELP pictor_worker_slot which worker',
      '# TYPE pictor_worker_slot gauge',
      `pictor_worker_slot ${slot}`,
      `process_resident_memory_bytes ${100 + slot}`,
      '',
    ].join('\n');
  const merged = mergeExpositions([worker(0, 3), worker(1, 4)]);
  expect(merged.split('\n')).toEqual([
    '# HELP pictor_rendition_cache_total lookups',
    '# TYPE pictor_rendition_cache_total counter',
    'pictor_rendition_cache_total{result="hit",tier="memory"} 7',
    'process_resident_memory_bytes 201',
    '# HELP pictor_workers Worker processes that contributed to these metrics',
    '# TYPE pictor_workers gauge',
    'pictor_workers 2',
    '',
  ]);
});
