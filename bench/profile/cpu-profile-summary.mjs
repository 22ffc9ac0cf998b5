// Reads a V8 .cpuprofile (node --cpu-prof) and says where the main thread's time went inside a
// time window: self time per function, and per area (Pictor's code, each npm package, Node's
// internals, garbage collection, idle).

/** The area a profile node's code belongs to. */
export function areaOf(callFrame) {
  const { functionName, url } = callFrame;
  if (!url) return /^\((idle|garbage collector|program)\)$/.test(functionName) ? functionName : 'native / V8';
  if (url.startsWith('node:')) return 'Node internals';
  const packageMatch = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (packageMatch) return packageMatch[1];
  if (url.includes('/dist/src/')) return 'Pictor'; // this checkout's build, or PICTOR_MAIN's
  return 'other';
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

function where(callFrame, repoDir) {
  const file = callFrame.url.replace(`file://${repoDir}/`, '').replace(/^file:\/\//, '');
  return file ? `${file}:${callFrame.lineNumber + 1}` : '';
}

/**
 * @param {object} profile   the parsed .cpuprofile
 * @param {{fromUs?: number, toUs?: number, repoDir: string}} options  window in the profile's clock (µs, CLOCK_MONOTONIC)
 */
export function summarizeCpuProfile(profile, { fromUs = -Infinity, toUs = Infinity, repoDir }) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  // A sample stands for the time since the previous one, but when the sampler stalls (it does
  // under some loads) one sample would swallow seconds: cap it at ten sampling intervals and
  // report the rest as missed.
  const maxWeight = 10 * median(profile.timeDeltas.filter((d) => d > 0));
  const selfUs = new Map();
  let at = profile.startTime;
  let windowUs = 0;
  let missedUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) continue;
    const weight = Math.min(delta, maxWeight);
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + weight);
    windowUs += weight;
    missedUs += delta - weight;
  }
  const functions = new Map();
  const areas = new Map();
  for (const [id, us] of selfUs) {
    const { callFrame } = nodes.get(id);
    const key = `${callFrame.functionName || '(anonymous)'}\t${where(callFrame, repoDir)}`;
    const area = areaOf(callFrame);
    const entry = functions.get(key) ?? { name: callFrame.functionName || '(anonymous)', where: where(callFrame, repoDir), area, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const share = (us) => (windowUs > 0 ? us / windowUs : 0);
  return {
    windowMs: windowUs / 1000,
    missedMs: missedUs / 1000,
    areas: [...areas].map(([area, us]) => ({ area, share: share(us) })).sort((a, b) => b.share - a.share),
    functions: [...functions.values()].map((f) => ({ ...f, share: share(f.us) })).sort((a, b) => b.us - a.us),
  };
}
