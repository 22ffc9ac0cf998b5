#!/usr/bin/env node
// Soak: mixed load (uploads, hot and cold deliveries, PATCHes, deletes and purges, list calls) on
// one Pictor with 2 workers for a long while, sampling RSS, errors and p99 over time. Exits 1 on
// any failed request or when RSS keeps growing over the second half (a leak; judged for runs of
// 10 minutes or more). Writes a JSON report and an SVG chart: to docs/ for a full-length run, else
// to bench/.work/soak/.
//
//   npm run soak                      # 30 minutes, the committed report (docs/soak.json, docs/soak.svg)
//   npm run soak -- --minutes 2       # smoke run
// Other options: --rate <ops/s> --concurrency <n> --workers <n> --sample-seconds <s>
// --leak-bound <MB/min> --out <dir>. See docs/benchmarks.md, "Soak".
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { DOCS_DIR, TMP_DIR, WORK_DIR } from './lib/paths.mjs';
import { freePort } from './lib/free-port.mjs';
import { machineFacts } from './lib/machine.mjs';
import { startServer } from './lib/server-process.mjs';
import { ensurePictorBuild, PICTOR_BUILD_DIR } from './systems/pictor.mjs';
import { startOrigin } from './soak/origin.mjs';
import { ImagePool } from './soak/image-pool.mjs';
import { createMix, WEIGHTS } from './soak/mix.mjs';
import { createRecorder } from './soak/recorder.mjs';
import { soakVerdict } from './soak/verdict.mjs';
import { soakChart } from './soak/chart.mjs';

const FULL_MINUTES = 30;
const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: String(FULL_MINUTES) },
    rate: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
    workers: { type: 'string', default: '2' },
    'sample-seconds': { type: 'string' },
    'leak-bound': { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const minutes = Number(args.minutes);
const settings = {
  minutes,
  rateOpsPerSecond: Number(args.rate),
  concurrency: Number(args.concurrency),
  workers: Number(args.workers),
  sampleSeconds: Number(args['sample-seconds'] ?? Math.min(15, Math.max(2, (minutes * 60) / 60))),
  leakBoundMbPerMinute: Number(args['leak-bound']),
  // Lowered from 256 and 64 MiB so the caches are full within the first half: RSS that still
  // grows in the second half is then not a cache filling up.
  serverEnv: { PICTOR_CACHE_MEMORY_MB: '16', PICTOR_ORIGINALS_CACHE_MB: '16' },
  weights: WEIGHTS,
};
const outDir = args.out ? path.resolve(args.out) : minutes >= FULL_MINUTES ? DOCS_DIR : path.join(WORK_DIR, 'soak');

/** Eight distinct 1024x768 JPEGs of about 100 KB to upload. */
function uploadBodies() {
  return Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      sharp(randomBytes(64 * 48 * 3), { raw: { width: 64, height: 48, channels: 3 } })
        .resize(1024, 768, { kernel: 'cubic' })
        .blur(1 + i / 4)
        .jpeg({ quality: 85 })
        .toBuffer(),
    ),
  );
}

async function main() {
  await ensurePictorBuild();
  const origin = await startOrigin();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const accountId = randomBytes(16).toString('hex');
  const token = `soak-${randomBytes(16).toString('hex')}`;
  const dataDir = path.join(TMP_DIR, `soak-${randomBytes(4).toString('hex')}`);
  mkdirSync(dataDir, { recursive: true });
  const server = await startServer({
    name: 'soak-pictor',
    command: process.execPath,
    args: [path.join(PICTOR_BUILD_DIR, 'main.js'), 'serve'],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      PICTOR_DATA_DIR: dataDir,
      PICTOR_ACCOUNT_ID: accountId,
      PICTOR_API_TOKEN: token,
      PICTOR_WORKERS: String(settings.workers),
      PICTOR_LOG_LEVEL: 'warn',
      PICTOR_API_RATE_LIMIT: '0',
      PICTOR_TRANSFORM_ORIGIN: origin.base,
      ...settings.serverEnv,
    },
    readyUrl: `${baseUrl}/healthz`,
    readyTimeoutMs: 180_000, // a shared, loaded machine may take long to start 2 workers
  });
  const startedAt = new Date().toISOString();
  try {
    const pool = new ImagePool({ permanent: 10, max: 200 });
    const mix = createMix({ baseUrl, accountId, token, origin, pool, uploads: await uploadBodies(), random: Math.random });
    await mix.prepare(20);
    const recorder = createRecorder({ pid: server.pid });
    const counts = Object.fromEntries(Object.keys(WEIGHTS).map((name) => [name, 0]));
    const endAt = performance.now() + minutes * 60_000;
    const interval = (settings.concurrency / settings.rateOpsPerSecond) * 1000;
    const loop = async () => {
      let nextStart = performance.now();
      while (performance.now() < endAt) {
        const { name, run } = mix.next();
        const began = performance.now();
        let error;
        try {
          await run();
        } catch (e) {
          error = e;
        }
        recorder.record(name, performance.now() - began, error);
        counts[name]++;
        nextStart = Math.max(nextStart + interval, performance.now());
        await sleep(nextStart - performance.now());
      }
    };
    const sampler = setInterval(() => {
      const s = recorder.sample();
      console.log(`[soak] ${s.minute.toFixed(1)} min  RSS ${s.rssMb} MB  ${s.operations} ops  ${s.errors} errors  p99 ${s.p99Ms} ms  hot p99 ${s.hotP99Ms} ms`);
      for (const message of s.firstErrors ?? []) console.log(`[soak]   ${message}`);
    }, settings.sampleSeconds * 1000);
    await Promise.all(Array.from({ length: settings.concurrency }, loop));
    clearInterval(sampler);
    recorder.sample();
    return { startedAt, counts, samples: recorder.samples };
  } finally {
    await server.stop();
    await origin.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const run = await main();
const verdict = soakVerdict(run.samples, { leakBoundMbPerMinute: settings.leakBoundMbPerMinute });
const report = { kind: 'soak', startedAt: run.startedAt, machine: machineFacts(), settings, operations: run.counts, verdict, samples: run.samples };
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'soak.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(path.join(outDir, 'soak.svg'), soakChart(report));
const slope = verdict.rssSlope.mbPerMinute;
if (!verdict.rssSlope.judged) console.log('[soak] under 10 minutes: the RSS slope is warm-up, reported but not judged');
console.log(
  `[soak] ${Object.values(run.counts).reduce((a, b) => a + b, 0)} operations, ${verdict.errors} errors, RSS slope over the second half ${slope?.toFixed(2)} MB/min (bound ${settings.leakBoundMbPerMinute}); wrote ${path.relative(process.cwd(), outDir) || '.'}/soak.json and soak.svg`,
);
if (!verdict.ok) {
  for (const failure of verdict.failures) console.error(`[soak] FAIL: ${failure}`);
  process.exit(1);
}
console.log('[soak] PASS');
