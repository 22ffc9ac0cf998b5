/**
 * images/v2 list latency (p50/p99, through HTTP) at 100k and 1M images, on SQLite and on
 * PostgreSQL: first pages, deep pages (keyset cursors anywhere in the account), both orders, the
 * creator filter and a metadata filter; plus `stats` (a count, which every upload runs for the quota).
 * Run:
 *   npm run build && node dist/bench/scale/list-latency.js [rows,rows…] [requests per query]
 * PostgreSQL is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); each size gets
 * a fresh database, dropped afterwards. Rows are written with one INSERT … SELECT per engine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../src/http/app.js';
import { bootstrap } from '../../src/bootstrap.js';
import { configFrom } from '../../src/config.js';
import { createServices } from '../../src/services.js';

const ROW_COUNTS = (process.argv[2] ?? '100000,1000000').split(',').map(Number);
const REQUESTS = Number(process.argv[3] ?? 300);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const TOKEN = 'pictor-bench-token-0123456789abcdef';
/** Upload times start here; row i was uploaded at BASE_MS + i. */
const BASE_MS = 1_700_000_000_000;
const PER_PAGE = 100;

const sortKey = (i: number) => String(BASE_MS + i).padStart(13, '0') + '00000000';

// Row i: every 10th has creator "c3"; meta {"tier": i % 10, "n": i}.
const seedSqlite = (rows: number) => sql`
  with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ${rows - 1})
  insert into images (account_id, id, filename, creator, meta, require_signed, uploaded_ms, sort_key, draft, bytes, width, height, frames, version, content_type, format)
  select ${ACCOUNT}, 'bench-' || i, 'photo-' || i || '.jpg', case when i % 10 = 3 then 'c3' end,
         '{"tier":' || (i % 10) || ',"n":' || i || '}', 0, ${BASE_MS} + i, printf('%013d', ${BASE_MS} + i) || '00000000', 0,
         50000, 800, 600, 1, 1, 'image/jpeg', 'jpeg'
  from seq`;

const seedPostgres = (rows: number) => sql`
  insert into images (account_id, id, filename, creator, meta, require_signed, uploaded_ms, sort_key, draft, bytes, width, height, frames, version, content_type, format)
  select ${ACCOUNT}, 'bench-' || i, 'photo-' || i || '.jpg', case when i % 10 = 3 then 'c3' end,
         json_build_object('tier', i % 10, 'n', i)::text, 0, ${BASE_MS}::bigint + i, lpad((${BASE_MS}::bigint + i)::text, 13, '0') || '00000000', 0,
         50000, 800, 600, 1, 1, 'image/jpeg', 'jpeg'
  from generate_series(0, ${rows - 1}::int) as i`;

interface Engine {
  name: string;
  open(rows: number): Promise<{ env: Record<string, string>; seed: typeof seedSqlite; cleanup(): Promise<void> }>;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(text).finally(() => client.end());
}

const engines: Engine[] = [
  {
    name: 'SQLite',
    async open() {
      return { env: {}, seed: seedSqlite, cleanup: async () => undefined };
    },
  },
  {
    name: 'PostgreSQL',
    async open(rows) {
      const name = `pictor_bench_${rows}_${process.pid}`;
      await adminQuery(`drop database if exists ${name}`);
      await adminQuery(`create database ${name}`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return { env: { DATABASE_URL: url.toString() }, seed: seedPostgres, cleanup: () => adminQuery(`drop database ${name} with (force)`) };
    },
  },
];

interface Query {
  name: string;
  /** The query string for one request (random cursors come from `random`). */
  url(rows: number, random: () => number): string;
}

const queries: Query[] = [
  { name: 'first page, newest first', url: () => '' },
  { name: 'deep page, newest first', url: (rows, r) => `&continuation_token=${sortKey(Math.floor(r() * rows))}` },
  { name: 'deep page, oldest first', url: (rows, r) => `&sort_order=asc&continuation_token=${sortKey(Math.floor(r() * rows))}` },
  { name: 'creator filter (1 in 10), deep', url: (rows, r) => `&creator=c3&continuation_token=${sortKey(Math.floor(r() * rows))}` },
  { name: 'meta filter (1 in 10), deep', url: (rows, r) => `&meta.tier[eq]=7&continuation_token=${sortKey(Math.floor(r() * rows))}` },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeRequests(count: number, request: (i: number) => Promise<Response>): Promise<{ p50: number; p99: number }> {
  const timings: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await request(i);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status} for ${res.url}: ${body}`);
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  return { p50: percentile(timings, 50), p99: percentile(timings, 99) };
}

async function benchOne(engine: Engine, rows: number): Promise<string[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pictor-bench-list-'));
  const store = await engine.open(rows);
  const config = configFrom({
    PICTOR_DATA_DIR: dataDir,
    PICTOR_ACCOUNT_ID: ACCOUNT,
    PICTOR_API_TOKEN: TOKEN,
    PICTOR_API_RATE_LIMIT: '0',
    PICTOR_CACHE_DISK_MB: '0',
    PORT: '0',
    ...store.env,
  });
  const services = await createServices(config);
  try {
    await bootstrap(services, config);
    const seeding = performance.now();
    await store.seed(rows).execute(services.database.db);
    await sql`analyze`.execute(services.database.db);
    const seedSeconds = (performance.now() - seeding) / 1000;
    const app = await buildApp(services);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/client/v4/accounts/${ACCOUNT}/images`;
    const headers = { authorization: `Bearer ${TOKEN}` };
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const lines: string[] = [];
    for (const query of queries) {
      await timeRequests(20, () => fetch(`${base}/v2?per_page=${PER_PAGE}${query.url(rows, random)}`, { headers }));
      const { p50, p99 } = await timeRequests(REQUESTS, () => fetch(`${base}/v2?per_page=${PER_PAGE}${query.url(rows, random)}`, { headers }));
      lines.push(`| ${engine.name} | ${rows.toLocaleString('en')} | ${query.name} | ${p50.toFixed(2)} | ${p99.toFixed(2)} |`);
    }
    const stats = await timeRequests(Math.min(REQUESTS, 50), () => fetch(`${base}/v1/stats`, { headers }));
    lines.push(`| ${engine.name} | ${rows.toLocaleString('en')} | stats (count) | ${stats.p50.toFixed(2)} | ${stats.p99.toFixed(2)} |`);
    console.error(`${engine.name} ${rows}: seeded in ${seedSeconds.toFixed(1)} s`);
    await app.close();
    return lines;
  } finally {
    await services.close();
    await store.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`images/v2, per_page=${PER_PAGE}, ${REQUESTS} sequential requests per row (after 20 warm-up), ms on ${os.cpus().length} cores\n`);
console.log('| engine | images | query | p50 ms | p99 ms |');
console.log('| --- | ---: | --- | ---: | ---: |');
for (const rows of ROW_COUNTS) {
  for (const engine of engines) for (const line of await benchOne(engine, rows)) console.log(line);
}
