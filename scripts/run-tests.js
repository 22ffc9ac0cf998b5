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
import { spawnSync } from 'node:child_process';
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
  const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...pass.args], {
    stdio: 'inherit',
    env: { ...process.env, PICTOR_TEST_ENGINE: pass.engine },
  });
  results.push({ engine: pass.name ?? pass.engine, status: result.status ?? 1, seconds: Math.round((Date.now() - started) / 1000) });
}

console.log('');
for (const r of results) console.log(`[pictor tests] ${r.engine} pass: ${r.status === 0 ? 'passed' : `FAILED (${r.status})`} in ${r.seconds} s`);
if (missing.length) console.warn(`[pictor tests] reminder: skipped suites needing ${missing.join(', ')}`);
process.exit(results.every((r) => r.status === 0) && results.length > 0 ? 0 : 1);
