// Number formatting shared by the Markdown and SVG reports.

export function num(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function times(value) {
  if (value === null || value === undefined) return '–';
  // Keep tiny ratios (a server with no cache against nginx) from printing as 0.00×.
  return `${value > 0 && value < 0.01 ? value.toPrecision(2) : value.toFixed(2)}×`;
}

/** "1 transform", "100 transforms", "≈ 96 transforms" (estimated). */
export function transformCount({ transforms, transformsEstimated }) {
  const count = Math.round(transforms);
  return `${transformsEstimated ? '≈ ' : ''}${count} transform${count === 1 ? '' : 's'}`;
}

/** A cold scenario should transform once per request; fewer means something cached or coalesced. */
export function coldnessWarning(scenario, transformsPerRequest) {
  return scenario.uniqueUrls && transformsPerRequest != null && transformsPerRequest < 0.98
    ? `${transformsPerRequest.toFixed(2)} transforms/request`
    : '';
}

export const METRIC_LABEL = {
  rps: 'req/s (higher is better)',
  totalMs: 'ms until the last answer (lower is better)',
  peakRssMb: 'peak RSS, MB (lower is better)',
};
