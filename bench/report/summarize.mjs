// Combines the rounds of each (scenario, system) into medians, and computes the ratios:
// × limit (this ÷ the limit) and Pictor ÷ this.
import { median, range, ratio } from '../lib/stats.mjs';

const LOWER_IS_BETTER = new Set(['totalMs', 'peakRssMb']);

function combineRounds(cells) {
  const ok = cells.filter((c) => c.ok).map((c) => c.metrics);
  const pick = (key) => ok.map((m) => m[key]).filter((v) => v !== null && v !== undefined);
  return {
    roundsOk: ok.length,
    failures: cells.filter((c) => !c.ok).map((c) => `round ${c.round + 1}: ${c.error}`),
    rps: median(pick('rps')),
    rpsRange: range(pick('rps')),
    p50Ms: median(pick('p50Ms')),
    p99Ms: median(pick('p99Ms')),
    totalMs: median(pick('totalMs')),
    transforms: median(pick('transforms')),
    transformsEstimated: ok.some((m) => m.transformsEstimated),
    transformsPerRequest: median(pick('transformsPerRequest')),
    // The worst round: peak memory is a bound, not a typical value.
    peakRssMb: pick('peakRssMb').length ? Math.max(...pick('peakRssMb')) : null,
    outputBytes: median(ok.map((m) => m.sample?.bytes).filter(Boolean)),
    errors: pick('errors').reduce((a, b) => a + b, 0),
    otherCpuCores: median(pick('otherCpuCores')),
    serverCpuSec: median(pick('serverCpuSec')),
    cases: ok[0]?.cases ?? null,
  };
}

/** How much better `a` is than `b` on `metric` (> 1 means a is better). */
function advantage(metric, a, b) {
  return LOWER_IS_BETTER.has(metric) ? ratio(b, a) : ratio(a, b);
}

export function summarize(results) {
  return results.scenarios.map((scenario) => {
    const rows = scenario.systems.map((systemId) => {
      const info = results.systems[systemId] ?? { available: false, reason: 'not selected' };
      const cells = results.cells.filter((c) => c.scenario === scenario.id && c.system === systemId);
      return { system: systemId, label: info.label ?? systemId, role: info.role, available: info.available, reason: info.reason, ...combineRounds(cells) };
    });
    const metric = scenario.chartMetric;
    const limit = rows.find((r) => r.system === scenario.limit);
    const pictor = rows.find((r) => r.system === (scenario.subject ?? 'pictor'));
    for (const row of rows) {
      // Throughput against the limit; the memory scenario still compares req/s here.
      row.vsLimit = limit && metric !== 'totalMs' ? ratio(row.rps, limit.rps) : null;
      row.pictorAdvantage = pictor && row !== pictor ? advantage(metric, pictor[metric], row[metric]) : null;
      row.pictorRpsRatio = pictor && row !== pictor ? ratio(pictor.rps, row.rps) : null;
    }
    return { ...scenario, rows };
  });
}
