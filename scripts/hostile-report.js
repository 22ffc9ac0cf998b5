#!/usr/bin/env node
// Runs the hostile corpus (test/hostile) once and prints the figures docs/security.md quotes:
// inputs by family, 5xx and unanswered requests, the slowest /healthz answer, peak RSS, and the
// failing entries with their issue tags. Arguments and env pass through (e.g.
// PICTOR_TEST_ENGINE=scaled, PICTOR_HOSTILE_SKIP_TAGGED=1). Exits with vitest's status.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pictor-hostile-')), 'report.json');
const command = 'npm run build --silent && node scripts/hostile-report.js';
const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/hostile', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, HOSTILE_REPORT_FILE: reportFile },
});
if (!fs.existsSync(reportFile)) {
  console.error('The suite wrote no report (it failed before the corpus ran).');
  process.exit(run.status ?? 1);
}
const r = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const families = Object.entries(r.byFamily);
const total = (key) => families.reduce((n, [, f]) => n + f[key], 0);

console.log(`\nHostile corpus — ${r.engine} stores${r.skipTagged ? ', entries tagged with an issue item left out' : ''}`);
console.log('family      inputs  requests  5xx  unanswered');
for (const [name, f] of families) console.log(`${name.padEnd(10)} ${String(f.inputs).padStart(7)} ${String(f.requests).padStart(9)} ${String(f.serverErrors).padStart(4)} ${String(f.noAnswer).padStart(11)}`);
console.log(`${'total'.padEnd(10)} ${String(total('inputs')).padStart(7)} ${String(total('requests')).padStart(9)} ${String(total('serverErrors')).padStart(4)} ${String(total('noAnswer')).padStart(11)}`);
console.log(`/healthz: ${r.healthzProbes} probes, slowest ${Number.isFinite(r.maxHealthzMs) ? `${r.maxHealthzMs.toFixed(1)} ms` : 'unanswered'}, ${r.slowProbes.length} over 100 ms`);
for (const p of r.slowProbes) console.log(`  ${p.ms} ms during: ${p.during.join(' | ') || '(between entries)'}`);
console.log(`RSS: baseline ${mib(r.baselineRss)}, peak ${mib(r.peakRssBytes)} (+${mib(r.peakRssBytes - r.baselineRss)}; bound +${mib(r.rssBound)})`);
if (r.failures.length) {
  console.log(`Failing entries (${r.failures.length}):`);
  for (const f of r.failures) console.log(`  [${f.issue === undefined ? 'untagged' : f.issue === 'new' ? 'new finding' : `issue 10.${f.issue}`}] ${f.family}: ${f.name} — ${f.error.slice(0, 160)}`);
}
console.log(`Reproduce: ${command}`);
process.exit(run.status ?? 1);
