// `npm run bench [-- --quick] [--rounds N] [--systems a,b] [--scenarios x,y]`
// Installs what it needs, builds the corpus, runs every scenario against every system in
// interleaved rounds, and writes the results (see bench/README.md).
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import { SCENARIOS, timingFor } from './scenarios.mjs';
import { SYSTEMS, systemById } from './systems/index.mjs';
import { ensureDebianTools } from './setup/debian-tools.mjs';
import { ensureNpmPeers } from './setup/npm-peers.mjs';
import { prepareCorpus } from './corpus.mjs';
import { measureThroughput } from './measure/throughput.mjs';
import { measureHerd } from './measure/herd.mjs';
import { measureFormats } from './measure/formats.mjs';
import { machineFacts } from './lib/machine.mjs';
import { TMP_DIR } from './lib/paths.mjs';
import { coldnessWarning, num } from './report/format.mjs';
import { writeResults, writeDocs } from './report.mjs';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    systems: { type: 'string' },
    scenarios: { type: 'string' },
  },
});
const mode = flags.quick ? 'quick' : 'full';
const startedAt = new Date();
const log = (message) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}`);
const listFlag = (value) => (value ? value.split(',').map((s) => s.trim()) : null);

const scenarioFilter = listFlag(flags.scenarios);
const systemFilter = listFlag(flags.systems);
systemFilter?.forEach(systemById); // reject unknown names early
// With a baseline build (PICTOR_BASELINE_MAIN), it runs wherever `pictor` does, right after it.
const withBaseline = (ids) => (SYSTEMS.some((s) => s.id === 'pictor-baseline') ? ids.flatMap((id) => (id === 'pictor' ? [id, 'pictor-baseline'] : [id])) : ids);
const scenarios = SCENARIOS.filter((s) => !scenarioFilter || scenarioFilter.includes(s.id))
  .map((s) => ({ ...s, systems: withBaseline(s.systems).filter((id) => !systemFilter || systemFilter.includes(id)) }))
  .filter((s) => s.systems.length > 0);
const rounds = Number(flags.rounds ?? timingFor(scenarios[0] ?? SCENARIOS[0], mode).rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number ≥ 1, got "${flags.rounds}"`);

function rotate(list, by) {
  const shift = by % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
}

function describeMetrics(scenario, m) {
  if (scenario.kind === 'formats') return m.cases.map((c) => `${c.id}: ${c.ok ? 'ok' : 'NO'} (${c.got})`).join('; ');
  if (scenario.kind === 'herd') {
    return `${m.transformsEstimated ? '≈' : ''}${num(m.transforms)} transforms, last answer ${num(m.totalMs)} ms, other CPU ${num(m.otherCpuCores)}`;
  }
  const warnings = [m.errors ? `${m.errors} errors` : '', coldnessWarning(scenario, m.transformsPerRequest)].filter(Boolean).join(', ');
  return `${num(m.rps)} req/s, p50 ${num(m.p50Ms)} ms, p99 ${num(m.p99Ms)} ms, RSS ${num(m.peakRssMb)} MB, other CPU ${num(m.otherCpuCores)}${warnings ? ` ⚠ ${warnings}` : ''}`;
}

async function prepareSystems(ids) {
  const systems = {};
  for (const id of ids) {
    const system = systemById(id);
    try {
      systems[id] = { label: system.label, role: system.role, available: true, ...(await system.prepare()) };
      log(`${id}: ${systems[id].version}`);
    } catch (error) {
      systems[id] = { label: system.label, role: system.role, available: false, reason: error.message };
      log(`${id}: UNAVAILABLE (${error.message.split('\n')[0]})`);
    }
  }
  return systems;
}

async function runCell(scenario, system, round) {
  const timing = timingFor(scenario, mode);
  const measure = { herd: measureHerd, formats: measureFormats }[scenario.kind] ?? measureThroughput;
  const cell = { scenario: scenario.id, system: system.id, round };
  try {
    cell.metrics = await measure({ system, scenario, timing });
    cell.ok = true;
    log(`  ${system.id.padEnd(19)} ${describeMetrics(scenario, cell.metrics)}`);
  } catch (error) {
    cell.ok = false;
    // fetch() says only "fetch failed"; the reason is in its cause.
    cell.error = error.cause?.message ? `${error.message} (${error.cause.message})` : error.message;
    log(`  ${system.id.padEnd(19)} FAILED: ${cell.error.split('\n').slice(0, 3).join(' / ')}`);
  }
  return cell;
}

log(`pictor bench, ${mode} mode, ${rounds} round(s)`);
await ensureDebianTools(log);
await ensureNpmPeers(log);
const corpus = await prepareCorpus(log);
const systemIds = SYSTEMS.map((s) => s.id).filter((id) => scenarios.some((s) => s.systems.includes(id)));
const systems = await prepareSystems(systemIds);
const machine = machineFacts();

const cells = [];
for (let round = 0; round < rounds; round++) {
  for (const scenario of scenarios) {
    log(`round ${round + 1}/${rounds} · ${scenario.id}`);
    for (const id of rotate(scenario.systems, round)) {
      if (systems[id].available) cells.push(await runCell(scenario, systemById(id), round));
    }
  }
}
rmSync(TMP_DIR, { recursive: true, force: true });

const results = {
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  mode,
  rounds,
  startedAt: startedAt.toISOString(),
  elapsedSec: (Date.now() - startedAt) / 1000,
  machine,
  systems,
  corpus,
  scenarios,
  timing: Object.fromEntries(scenarios.map((s) => [s.id, { ...timingFor(s, mode), rounds }])),
  cells,
};
const resultsFile = writeResults(results);
log(`results: ${resultsFile}`);
if (mode === 'full') log(`docs: ${writeDocs(results, resultsFile).join(', ')}`);

// Quick mode is the CI smoke run: every selected system must be there and answer correctly.
const failed = cells.filter((c) => !c.ok);
const unavailable = Object.entries(systems).filter(([, s]) => !s.available).map(([id]) => id);
if (mode === 'quick' && (failed.length || unavailable.length)) {
  console.error(`bench smoke FAILED: ${failed.length} failed cell(s)${unavailable.length ? `; unavailable: ${unavailable.join(', ')}` : ''}`);
  process.exit(1);
}
log(`done: ${cells.length - failed.length}/${cells.length} cells answered correctly`);
