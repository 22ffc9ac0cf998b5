// What is measured: each scenario, the systems it compares, and the load. Durations are sized so
// that a full run (3 rounds) fits in 30 minutes on the 2-core project machine.

/** Seconds of warm-up and measurement per cell; a scenario may override. */
export const TIMING = {
  full: { rounds: 3, warmupSec: 2, durationSec: 8 },
  quick: { rounds: 1, warmupSec: 0, durationSec: 1 },
};

// Formats' Accept headers, sent to every system: Next.js picks its output format from Accept.
export const ACCEPT = {
  jpeg: 'image/jpeg,image/*;q=0.8',
  webp: 'image/webp,image/*;q=0.8',
  avif: 'image/avif,image/*;q=0.8',
};

const FORMAT_NAME = { jpeg: 'JPEG', webp: 'WebP', avif: 'AVIF' };

const COLD_SYSTEMS = ['pictor', 'sharp', 'ipx', 'next'];

// The targets of issues 6 and 16; AVIF encoder effort differs between the peers, so compare bytes there too.
const COLD_TARGETS = {
  jpeg: '≥ 0.95× raw sharp, ≥ 1.3× IPX and Next.js',
  webp: '≥ 0.95× raw sharp, ≥ 1.3× IPX and Next.js',
  avif: '≥ 0.95× raw sharp, ≥ 1.3× IPX and Next.js (compare output bytes too)',
};

const HIT_TRANSFORM = { source: 'photo-2k.jpg', width: 512, format: 'webp', quality: 80 };
const COLD_JPEG = { source: 'photo-2k.jpg', width: 512, format: 'jpeg', quality: 80 };

/** Cached hits, as in `hit`, for rows that differ in one respect (see each scenario's systems). */
function hitVariant({ id, title, systems, limit, subject, target, ...rest }) {
  return { id, title, kind: 'throughput', cache: 'on', uniqueUrls: false, transform: HIT_TRANSFORM, connections: 64, limit, subject, chartMetric: 'rps', target, systems, ...rest };
}

function coldTransform(format) {
  return {
    id: `cold-${format}`,
    title: `Cold transform: 2K JPEG → 512 px ${FORMAT_NAME[format]}`,
    kind: 'throughput',
    // Every request must transform: caches off where they can be, unique URLs where they cannot.
    cache: 'off',
    uniqueUrls: true,
    transform: { source: 'photo-2k.jpg', width: 512, format, quality: 80 },
    connections: 4,
    limit: 'sharp',
    chartMetric: 'rps',
    target: COLD_TARGETS[format],
    // nginx image_filter (libgd) keeps the input format: it can only answer the JPEG case.
    systems: format === 'jpeg' ? [...COLD_SYSTEMS, 'nginx-image-filter'] : COLD_SYSTEMS,
  };
}

function remoteSource(scenario) {
  return {
    kind: 'throughput',
    remote: true,
    cache: 'on',
    transform: { source: 'photo-2k.jpg', width: 512, format: 'webp', quality: 80 },
    limit: null,
    chartMetric: 'rps',
    systems: ['pictor', 'ipx', 'next'],
    ...scenario,
  };
}

export const SCENARIOS = [
  coldTransform('jpeg'),
  coldTransform('webp'),
  coldTransform('avif'),
  // What users get: the default caches on and a new URL per request, so every cold request also
  // stores its rendition (memory and disk).
  {
    id: 'cold-jpeg-cached',
    title: 'Cold transform, default caches on: 2K JPEG → 512 px JPEG, new URL per request',
    kind: 'throughput',
    cache: 'on',
    uniqueUrls: true,
    transform: COLD_JPEG,
    connections: 4,
    limit: 'sharp',
    chartMetric: 'rps',
    target: '≥ 0.9× raw sharp',
    systems: ['pictor', 'sharp'],
  },
  // IPX has no result cache: its row shows what a repeated URL costs without one.
  hitVariant({ id: 'hit', title: 'Cached hit: 512 px WebP rendition, same URL', limit: 'nginx-static', target: '≥ 0.8× nginx static', systems: ['pictor', 'nginx-static', 'node-static', 'ipx', 'next'] }),
  // Per-core efficiency: one Pictor process against one nginx worker.
  hitVariant({ id: 'hit-1p', title: 'Cached hit, one process: PICTOR_WORKERS=1 vs one nginx worker', limit: 'nginx-static-1w', subject: 'pictor-1p', target: '≥ 0.45× one nginx worker', systems: ['pictor-1p', 'nginx-static-1w', 'node-static-1p'] }),
  // What the access log costs: × limit of the logged row is its share of the unlogged throughput.
  hitVariant({ id: 'hit-logged', title: 'Cached hit with the access log on (level info) vs off (warn)', limit: 'pictor', subject: 'pictor-logged', target: 'logged ≥ 0.95× unlogged', systems: ['pictor', 'pictor-logged'] }),
  // A cached face crop is served as any cached rendition: the loaded face model costs hits nothing.
  hitVariant({ id: 'hit-face', title: 'Cached hit of a gravity=face crop (face model loaded) vs a plain rendition', limit: 'pictor', subject: 'pictor-face', target: 'face-crop hits ≥ 0.95× plain hits', systems: ['pictor', 'pictor-face'] }),
  // Hits while cold requests (a new JPEG rendition each) keep the transform queue full.
  hitVariant({
    id: 'hit-isolation',
    title: 'Cached hits under cold transform load (16 connections of new renditions) vs unloaded',
    limit: 'pictor',
    subject: 'pictor-loaded',
    target: 'loaded p99 < 10 ms and ≥ 0.5× unloaded req/s',
    systems: ['pictor', 'pictor-loaded'],
    coldLoad: { transform: COLD_JPEG, connections: 16 },
    coldLoadFor: ['pictor-loaded'],
  }),
  {
    id: 'herd',
    title: 'Thundering herd: 100 concurrent requests for one cold rendition',
    kind: 'herd',
    cache: 'on',
    transform: COLD_JPEG,
    requests: 100,
    timing: { quick: { requests: 20 } }, // the smoke run only checks the answers
    limit: null, // the ideal is one transform
    chartMetric: 'totalMs',
    target: '1 transform; the last answer about one transform after the first request',
    systems: ['pictor', 'ipx', 'next', 'nginx-image-filter'],
  },
  {
    id: 'upload',
    title: 'Upload: SDK-shaped multipart, 1 MB JPEG',
    kind: 'upload',
    cache: 'on',
    source: 'upload-1mb.jpg',
    connections: 8,
    limit: 'sharp', // sharp.metadata + durable write, in-process
    chartMetric: 'rps',
    target: '≥ 0.35× raw sharp.metadata() + durable write',
    systems: ['pictor', 'sharp', 'sharp-validated'],
  },
  {
    id: 'memory',
    title: 'Memory: 16 concurrent cold transforms of a 24 MP JPEG → 512 px JPEG',
    kind: 'throughput',
    cache: 'off',
    uniqueUrls: true,
    transform: { source: 'photo-24mp.jpg', width: 512, format: 'jpeg', quality: 80 },
    connections: 16,
    timeoutSec: 120,
    timing: { full: { durationSec: 10 } },
    limit: 'sharp',
    chartMetric: 'peakRssMb',
    target: 'peak RSS ≤ IPX',
    // Every peer is one process; Pictor's default is one worker per core plus a supervising
    // primary, each with its own V8 and libvips baseline. Both rows are measured.
    systems: ['pictor', 'pictor-1p', 'sharp', 'ipx', 'next', 'nginx-image-filter'],
    // The ratios compare like with like: one process against one process.
    subject: 'pictor-1p',
  },
  // Images that stay on the user's own web server (issue 14): each system fetches the 2K JPEG by
  // URL from an nginx origin on loopback (systems/remote-origin.mjs), each with its caches on.
  remoteSource({
    id: 'remote-cold',
    title: 'Remote source, cold: fetch from the origin + transform → 512 px WebP, unique URL per request',
    uniqueUrls: true,
    connections: 4,
    target: '≥ 1.1× the better of IPX and Next.js',
  }),
  remoteSource({
    id: 'remote-cached',
    title: 'Remote source, cached: 512 px WebP of an origin image, same URL',
    uniqueUrls: false,
    connections: 64,
    target: '≥ 5× the better of IPX and Next.js',
  }),
  // Not timed: does each system give the right kind of image for the rest of the corpus?
  {
    id: 'formats',
    title: 'Correctness: PNG with alpha, animated GIF, SVG',
    kind: 'formats',
    cache: 'on',
    cases: [
      { id: 'PNG alpha → WebP', transform: { source: 'alpha.png', width: 256, format: 'webp', quality: 80 }, expect: { hasAlpha: true } },
      { id: 'animated GIF → WebP', transform: { source: 'animated.gif', width: 256, format: 'webp', quality: 80 }, expect: { animated: true } },
      // Cloudflare serves SVG as is rather than resizing it, so any decodable image counts.
      { id: 'SVG', transform: { source: 'logo.svg', width: 256, format: 'png', quality: 80 }, expect: { anyImage: true } },
    ],
    // A failed case fails the run only for these; for peers it is a finding.
    requiredFor: ['pictor'],
    systems: ['pictor', 'ipx', 'next'],
  },
];

/** The corpus files a scenario delivers (what Pictor must have uploaded). */
export function sourcesOf(scenario) {
  if (scenario.remote) return []; // fetched from the origin instead
  if (scenario.cases) return scenario.cases.map((c) => c.transform.source);
  return scenario.transform ? [scenario.transform.source] : [];
}

export function timingFor(scenario, mode) {
  return { ...TIMING[mode], ...(scenario.timing?.[mode] ?? {}) };
}
