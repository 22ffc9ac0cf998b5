/**
 * Delivery throughput of cached renditions with 1 worker and with PICTOR_WORKERS workers, on the
 * embedded stores and with PostgreSQL metadata. A cached hit is what this measures: the rendition
 * is warm in every worker, so the difference between rows is the process layout and, once purges
 * cross processes, the PostgreSQL bus's confirmations (docs/deployment.md, "Caching").
 * Needs wrk (apt-get install wrk). Run:
 *   npm run build && node dist/bench/scale/delivery-throughput.js [seconds] [connections]
 * PostgreSQL is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); it gets a
 * fresh database per run. Blobs stay in files: a cached hit never reads them.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import sharp from 'sharp';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = Number(process.argv[3] ?? 32);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const TOKEN = 'pictor-bench-token-0123456789abcdef';
const CORES = os.availableParallelism();
const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/main.js');

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(text).finally(() => client.end());
}

async function start(env: Record<string, string>): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, [main, 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', PICTOR_LOG_LEVEL: 'warn', PICTOR_API_RATE_LIMIT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /Pictor is listening on (\S+)/.exec(output);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`pictor exited with ${code}: ${output}`)));
  });
  return { child, origin };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** wrk's requests/s and latency percentiles (ms). */
function wrk(url: string, seconds: number): { rps: number; p50: number; p99: number } {
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-H', 'Accept: image/webp', url], { encoding: 'utf8' });
  const ms = (label: string) => {
    const [, value, unit] = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)$`, 'm').exec(out)!;
    return Number(value) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit!]!;
  };
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (errors) throw new Error(`wrk saw ${errors[1]} error responses:\n${out}`);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]), p50: ms('50'), p99: ms('99') };
}

interface Scenario {
  stores: 'SQLite + files' | 'PostgreSQL + files';
  workers: number;
}

async function run({ stores, workers }: Scenario, image: Buffer): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pictor-bench-delivery-'));
  const database = stores.startsWith('PostgreSQL') ? `pictor_bench_delivery_${process.pid}` : undefined;
  const env: Record<string, string> = { PICTOR_DATA_DIR: dataDir, PICTOR_WORKERS: String(workers), PICTOR_ACCOUNT_ID: ACCOUNT, PICTOR_API_TOKEN: TOKEN };
  if (database) {
    await adminQuery(`drop database if exists ${database}`);
    await adminQuery(`create database ${database}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
  }
  const { child, origin } = await start(env);
  try {
    const form = new FormData();
    form.append('file', new Blob([image]), 'photo.jpg');
    const res = await fetch(`${origin}/client/v4/accounts/${ACCOUNT}/images/v1`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TOKEN}` } });
    const { result } = (await res.json()) as { result: { variants: string[] } };
    const url = result.variants[0]!;
    wrk(url, 2); // warm: every worker renders and caches it
    const { rps, p50, p99 } = wrk(url, SECONDS);
    // Embedded workers acknowledge every purge before the API answers, so they cache like one
    // process; PostgreSQL nodes cache accounts while their listener confirms it is caught up.
    const policy = database ? 'cached while the bus confirms' : 'all cached';
    return `| ${stores} | ${workers} | ${policy} | ${rps.toFixed(0)} | ${p50.toFixed(2)} | ${p99.toFixed(2)} |`;
  } finally {
    await stop(child);
    if (database) await adminQuery(`drop database ${database} with (force)`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A photo-sized JPEG with smooth structure, so the WebP rendition has a realistic size. */
async function photo(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    pixels.set([128 + 100 * Math.sin(x / 37), (y * 255) / height, (x * y) % 251], i * 3);
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

const image = await photo(1200, 800);
const scenarios: Scenario[] = [
  { stores: 'SQLite + files', workers: 1 },
  { stores: 'SQLite + files', workers: CORES },
  { stores: 'PostgreSQL + files', workers: 1 },
  { stores: 'PostgreSQL + files', workers: CORES },
];
console.log(`Cached delivery of one 1200x800 image as WebP: wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${CORES} cores (wrk shares them)\n`);
console.log('| stores | workers | delivery metadata | requests/s | p50 ms | p99 ms |');
console.log('| --- | ---: | --- | ---: | ---: | ---: |');
for (const scenario of scenarios) console.log(await run(scenario, image));
