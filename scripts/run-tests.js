#!/usr/bin/env node
// Runs the test suite. Detects PostgreSQL, Redis and S3; suites that need an absent service are
// skipped with the reason printed. With PICTOR_REQUIRE_SERVICES=1 (set by .ci/run) a missing
// service is a failure instead.
//
// Two passes: everything on the embedded stores (SQLite + files), then the API and delivery suites
// again on the scaled stores (PostgreSQL + S3; PICTOR_TEST_ENGINE=scaled, see
// test/helpers/test-engine.ts), leaving out suites named *.embedded.test.ts. The scaled pass runs
// when PostgreSQL and S3 are both reachable. PICTOR_TEST_ENGINES=embedded (or =scaled) runs one.
// Arguments go to vitest in both passes (`npm test -- test/api/auth` runs that suite twice).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const require = process.env.PICTOR_REQUIRE_SERVICES === '1';
const engines = (process.env.PICTOR_TEST_ENGINES ?? 'embedded,scaled').split(',');
const SCALED_SUITES = ['test/api', 'test/delivery'];

function reachable(url, fallbackPort) {
  return new Promise((resolve) => {
    let u;
    try {
      u = new URL(url);
    } catch {
      return resolve(false);
    }
    const socket = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || fallbackPort) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// The layering rules (.dependency-cruiser.cjs) run first: a broken rule fails the run before any suite.
const layering = spawnSync('npm', ['run', 'lint:deps', '--silent'], { stdio: 'inherit' });
if (layering.status !== 0) process.exit(layering.status ?? 1);

const services = [
  { name: 'PostgreSQL', env: 'TEST_DATABASE_URL', fallback: 'postgres://postgres@127.0.0.1:5432/test', port: 5432 },
  { name: 'Redis', env: 'TEST_REDIS_URL', fallback: 'redis://127.0.0.1:6379', port: 6379 },
  { name: 'S3', env: 'TEST_S3_ENDPOINT', fallback: undefined, port: 80 },
];

const missing = [];
for (const s of services) {
  const url = process.env[s.env] ?? s.fallback;
  const ok = url !== undefined && (await reachable(url, s.port));
  if (ok) {
    process.env[s.env] = url;
    console.log(`[pictor tests] ${s.name}: ${url}`);
  } else {
    delete process.env[s.env];
    const why = url === undefined ? `${s.env} is not set` : `${url} is not reachable`;
    missing.push(`${s.name} (${why})`);
  }
}
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (fs.existsSync(chromium)) console.log(`[pictor tests] Chromium: ${chromium}`);
else missing.push(`Chromium (no ${chromium}; apt-get install chromium)`);

if (missing.length) {
  const message = `[pictor tests] suites needing ${missing.join(', ')} are SKIPPED`;
  if (require) {
    console.error(`${message} — but PICTOR_REQUIRE_SERVICES=1 requires every service. Failing.`);
    process.exit(1);
  }
  console.warn(message);
}

const args = process.argv.slice(2);
const passes = [];
// The hostile suite asserts that /healthz answers within 100 ms throughout: it runs alone, after
// the others, so the bound measures Pictor's event loop rather than two suites sharing two cores.
const HOSTILE_SUITE = 'test/hostile';
if (engines.includes('embedded')) {
  if (args.length) passes.push({ engine: 'embedded', args });
  else passes.push({ engine: 'embedded', args: ['--exclude', `${HOSTILE_SUITE}/**`] }, { engine: 'embedded', name: 'hostile', args: [HOSTILE_SUITE] });
}
if (engines.includes('scaled')) {
  if (process.env.TEST_DATABASE_URL && process.env.TEST_S3_ENDPOINT) {
    passes.push({ engine: 'scaled', args: [...(args.length ? args : SCALED_SUITES), '--exclude', '**/*.embedded.test.ts'] });
  } else {
    console.warn('[pictor tests] the scaled pass (API and delivery suites on PostgreSQL + S3) is SKIPPED: it needs PostgreSQL and S3');
  }
}

const results = [];
for (const pass of passes) {
  console.log(`\n[pictor tests] === ${pass.name ?? pass.engine} pass: vitest run ${pass.args.join(' ')}`);
  const started = Date.now();
  const { status, output } = await runVitest(pass.args, { ...process.env, PICTOR_TEST_ENGINE: pass.engine });
  results.push({ engine: pass.name ?? pass.engine, status, seconds: Math.round((Date.now() - started) / 1000), output });
}

console.log('');
for (const r of results) console.log(`[pictor tests] ${r.engine} pass: ${r.status === 0 ? 'passed' : `FAILED (${r.status})`} in ${r.seconds} s`);
if (missing.length) console.warn(`[pictor tests] reminder: skipped suites needing ${missing.join(', ')}`);
// A failure scrolls far up behind the later passes (and CI shows only the tail of its log): its
// report is printed again here, last, and written to PICTOR_TEST_FAILURES for .ci/run to repeat.
const failures = results.filter((r) => r.status !== 0).map((r) => `[pictor tests] what failed in the ${r.engine} pass (node ${process.version}):\n${failureReport(r.output)}`);
if (failures.length) {
  console.log(`\n${failures.join('\n')}`);
  if (process.env.PICTOR_TEST_FAILURES) fs.appendFileSync(process.env.PICTOR_TEST_FAILURES, `${failures.join('\n')}\n`);
}
process.exit(results.every((r) => r.status === 0) && results.length > 0 ? 0 : 1);

// Runs vitest with its output passed through as it comes, and kept for failureReport.
function runVitest(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], { stdio: ['inherit', 'pipe', 'pipe'], env });
    const chunks = [];
    for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      from.on('data', (chunk) => {
        to.write(chunk);
        chunks.push(chunk);
      });
    }
    child.on('close', (code, signal) => resolve({ status: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks).toString('utf8') }));
  });
}

// The part of a vitest run's output that says what went wrong: the failed test lines (×) and
// vitest's closing sections (Failed Tests, Unhandled Errors, ...; they hold the FAIL lines) up to
// its summary, colours stripped and cut to a length a CI log tail keeps.
function failureReport(output, maxLines = 80) {
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const failed = lines.filter((line) => /^\s*×\s/.test(line));
  const sectionStart = lines.findIndex((line) => /⎯{3,}\s*(Failed|Unhandled|Errors)/.test(line));
  const summaryStart = lines.findIndex((line, i) => i > sectionStart && /^\s*Test Files\s/.test(line));
  const sections = sectionStart < 0 ? [] : lines.slice(sectionStart, summaryStart < 0 ? undefined : summaryStart + 3);
  const report = [...new Set(failed), ...sections];
  if (!report.length) report.push(...lines.slice(-30));
  return report.length > maxLines ? [...report.slice(0, maxLines), `… ${report.length - maxLines} more lines above, in the full log`].join('\n') : report.join('\n');
}
