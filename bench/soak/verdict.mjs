// The soak's pass/fail rule, kept pure so bench/test/ can check it on made-up series.

/** Least-squares slope of y over x (units of y per unit of x); null with fewer than 2 points. */
export function slope(points) {
  if (points.length < 2) return null;
  const n = points.length;
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - meanX) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((s, p) => s + (p.x - meanX) * (p.y - meanY), 0) / sxx;
}

/**
 * RSS slope over the second half of the run, MB per minute: the first half is warm-up (caches and
 * pools filling up to their caps), so growth that goes on after it is what a leak looks like.
 */
export function rssSlopeLastHalf(samples) {
  const end = samples.at(-1)?.minute ?? 0;
  const lastHalf = samples.filter((s) => s.minute >= end / 2).map((s) => ({ x: s.minute, y: s.rssMb }));
  return { fromMinute: end / 2, mbPerMinute: slope(lastHalf) };
}

/**
 * Failures of a finished soak: any error, or RSS still growing faster than the bound. A run
 * shorter than `leakMinMinutes` is all warm-up (caches filling): its slope is reported, not judged.
 */
export function soakVerdict(samples, { leakBoundMbPerMinute, leakMinMinutes = 10 }) {
  const errors = samples.reduce((sum, s) => sum + s.errors, 0);
  const { fromMinute, mbPerMinute } = rssSlopeLastHalf(samples);
  const failures = [];
  if (errors > 0) failures.push(`${errors} request(s) failed`);
  const judged = (samples.at(-1)?.minute ?? 0) >= leakMinMinutes;
  if (judged && mbPerMinute === null) failures.push('too few samples in the second half to measure the RSS slope');
  else if (judged && mbPerMinute > leakBoundMbPerMinute) {
    failures.push(`RSS grew ${mbPerMinute.toFixed(2)} MB/min over the second half (bound ${leakBoundMbPerMinute} MB/min): a leak`);
  }
  return { errors, rssSlope: { fromMinute, mbPerMinute, boundMbPerMinute: leakBoundMbPerMinute, judged }, ok: failures.length === 0, failures };
}
