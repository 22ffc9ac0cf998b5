// `npm run bench:profile -- [--scenario cold-jpeg] [--seconds 10]`
// Where Pictor's CPU goes under one scenario's load: one process (PICTOR_WORKERS=1) with V8's
// sampling profiler on (`--cpu-prof`). Prints the CPU per thread (the JavaScript main thread vs
// libuv's pool, where sharp/libvips work) and, for the main thread, the areas and functions with
// the most self time during the measured window; keeps the .cpuprofile for a flame graph
// (Chrome DevTools → Performance → Load profile, or speedscope).
import { parseArgs } from 'node:util';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SCENARIOS, timingFor } from './scenarios.mjs';
import { pictorSystem } from './systems/pictor.mjs';
import { prepareCorpus } from './corpus.mjs';
import { requestFor, checkAnswer } from './measure/requests.mjs';
import { runWrk } from './lib/wrk.mjs';
import { waitUntilIdle } from './lib/proc.mjs';
import { REPO_DIR, WORK_DIR } from './lib/paths.mjs';
import { ensureDebianTools } from './setup/debian-tools.mjs';
import { threadCpuByName, threadCoresBetween } from './profile/thread-cpu.mjs';
import { summarizeCpuProfile } from './profile/cpu-profile-summary.mjs';
import { startRemoteOrigin, withOrigin } from './systems/remote-origin.mjs';

// --log-level info profiles with the access log on (the bench's rows run at warn, without it).
const { values: flags } = parseArgs({
  options: { scenario: { type: 'string', default: 'cold-jpeg' }, seconds: { type: 'string', default: '10' }, 'log-level': { type: 'string', default: 'warn' } },
});
const scenario = SCENARIOS.find((s) => s.id === flags.scenario);
const profilable = SCENARIOS.filter((s) => s.kind !== 'herd' && s.kind !== 'formats').map((s) => s.id);
if (!scenario || !profilable.includes(scenario.id)) throw new Error(`--scenario must be one of ${profilable.join(', ')}`);
const durationSec = Number(flags.seconds);

const outDir = path.join(WORK_DIR, 'profile', `${scenario.id}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(outDir, { recursive: true });
const system = pictorSystem({
  id: 'pictor-profiled',
  label: 'Pictor under --cpu-prof',
  role: 'subject',
  env: { PICTOR_WORKERS: '1', PICTOR_LOG_LEVEL: flags['log-level'] },
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${outDir}`],
});

await ensureDebianTools(console.log);
await prepareCorpus(console.log);
console.log((await system.prepare()).version);
// Remote-source scenarios fetch the source from an origin server of their own.
const origin = scenario.remote ? await startRemoteOrigin(scenario.transform.source) : null;
const cell = origin ? withOrigin(scenario, origin.baseUrl) : scenario;
const { baseUrl, pid } = await system.start({ scenario: cell });
let load, window, threads;
try {
  const request = requestFor(system, cell);
  await checkAnswer(baseUrl, request, cell);
  load = { ...request, baseUrl, connections: scenario.connections };
  await runWrk({ ...load, durationSec: timingFor(scenario, 'full').warmupSec });
  await waitUntilIdle(pid);
  const before = threadCpuByName(pid);
  const fromUs = Number(process.hrtime.bigint() / 1000n); // V8's profile clock is CLOCK_MONOTONIC too
  const result = await runWrk({ ...load, durationSec });
  window = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n), result };
  threads = threadCoresBetween(before, threadCpuByName(pid), (window.toUs - fromUs) / 1e6);
} finally {
  await system.stop(); // SIGTERM: the server exits normally and V8 writes the profile
  await origin?.stop();
}

const profileFile = readdirSync(outDir).find((f) => f.endsWith('.cpuprofile'));
if (!profileFile) throw new Error(`no .cpuprofile in ${outDir}: did the server exit normally?`);
const summary = summarizeCpuProfile(JSON.parse(readFileSync(path.join(outDir, profileFile), 'utf8')), { ...window, repoDir: REPO_DIR });

const pct = (share) => `${(share * 100).toFixed(1)} %`;
const lines = [
  `# Profile: ${scenario.title}`,
  '',
  `\`npm run bench:profile -- --scenario ${scenario.id} --seconds ${durationSec}\`: Pictor with PICTOR_WORKERS=1, wrk -c${scenario.connections};`,
  `${window.result.rps.toFixed(1)} req/s over ${((window.toUs - window.fromUs) / 1e6).toFixed(1)} s.`,
  '',
  '## CPU per thread (cores)',
  '',
  '| thread | cores |',
  '| --- | ---: |',
  ...threads.map((t) => `| ${t.name} | ${t.cores.toFixed(2)} |`),
  '',
  `## Main thread by area (${summary.windowMs.toFixed(0)} ms of samples${summary.missedMs > 0 ? `; the sampler stalled for ${summary.missedMs.toFixed(0)} ms, not counted` : ''})`,
  '',
  '| area | share |',
  '| --- | ---: |',
  ...summary.areas.slice(0, 12).map((a) => `| ${a.area} | ${pct(a.share)} |`),
  '',
  '## Main thread: top functions by self time',
  '',
  '| function | where | area | share |',
  '| --- | --- | --- | ---: |',
  ...summary.functions.slice(0, 20).map((f) => `| ${f.name} | ${f.where} | ${f.area} | ${pct(f.share)} |`),
  '',
  `Flame graph: load \`${path.relative(REPO_DIR, path.join(outDir, profileFile))}\` in Chrome DevTools or speedscope.`,
];
writeFileSync(path.join(outDir, 'summary.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
