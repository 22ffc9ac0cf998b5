// The soak report's chart: RSS (with the second half's fitted slope), p99 latency, errors.
import { renderTimeSeries } from '../report/svg-timeseries.mjs';

export function soakChart({ startedAt, settings, verdict, samples, operations }) {
  const points = (key) => samples.map((s) => ({ x: s.minute, y: s[key] }));
  const { fromMinute, mbPerMinute } = verdict.rssSlope;
  const end = samples.at(-1)?.minute ?? 0;
  const secondHalf = samples.filter((s) => s.minute >= fromMinute);
  const meanX = secondHalf.reduce((sum, s) => sum + s.minute, 0) / (secondHalf.length || 1);
  const meanY = secondHalf.reduce((sum, s) => sum + s.rssMb, 0) / (secondHalf.length || 1);
  const fitted = mbPerMinute == null ? [] : [fromMinute, end].map((x) => ({ x, y: meanY + mbPerMinute * (x - meanX) }));
  const achieved = Object.values(operations).reduce((a, b) => a + b, 0) / ((end || 1) * 60);
  const slopeLabel = mbPerMinute == null ? 'no fit' : `${mbPerMinute.toFixed(2)} MB/min (bound ${settings.leakBoundMbPerMinute})`;
  return renderTimeSeries({
    title: `Pictor soak · ${startedAt.slice(0, 10)} · ${settings.workers} workers · mixed load, ${settings.rateOpsPerSecond} ops/s asked, ${achieved.toFixed(1)} achieved · ${verdict.ok ? 'pass' : 'FAIL'}`,
    minutes: Math.ceil(end),
    panels: [
      {
        title: 'Resident memory, primary + workers',
        unit: 'MB',
        series: [
          { label: 'RSS', color: '#e8590c', points: points('rssMb') },
          { label: `second-half slope: ${slopeLabel}`, color: '#495057', points: fitted, dashed: true },
        ],
      },
      {
        title: `Latency per ${settings.sampleSeconds} s interval`,
        unit: 'ms',
        series: [
          { label: 'p99, all operations', color: '#4263eb', points: points('p99Ms') },
          { label: 'p99, hot deliveries', color: '#2f9e44', points: points('hotP99Ms') },
        ],
      },
      {
        title: `Errors per ${settings.sampleSeconds} s interval (total ${verdict.errors})`,
        unit: 'count',
        series: [{ label: 'failed requests', color: '#c92a2a', points: points('errors') }],
      },
    ],
  });
}
