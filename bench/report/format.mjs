// Number formatting shared by the Markdown and SVG reports.

export function num(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function times(value) {
  return value === null || value === undefined ? '–' : `${value.toFixed(2)}×`;
}

export const METRIC_LABEL = {
  rps: 'req/s (higher is better)',
  totalMs: 'ms until the last answer (lower is better)',
  peakRssMb: 'peak RSS, MB (lower is better)',
};
