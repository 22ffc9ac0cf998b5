// Order statistics used for latencies and for combining rounds.

export function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

export function median(values) {
  const present = values.filter((v) => v !== null && v !== undefined && !Number.isNaN(v));
  if (present.length === 0) return null;
  const sorted = [...present].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function range(values) {
  const present = values.filter((v) => v !== null && v !== undefined);
  return present.length ? [Math.min(...present), Math.max(...present)] : null;
}

export function ratio(numerator, denominator) {
  return numerator && denominator ? numerator / denominator : null;
}
