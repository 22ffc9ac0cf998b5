/**
 * What the caching policy costs a cached hit: delivery's metadata lookups for one request
 * (account by hash, image record, named variant) with a single-process purge bus (all cached) and
 * with one that crosses processes (the account read fresh, the rest validated by its delivery
 * version), on SQLite and on PostgreSQL. In process, no HTTP.
 * Run:
 *   npm run build && node dist/bench/scale/metadata-lookup.js [requests]
 * PostgreSQL is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a fresh
 * database dropped afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { bootstrap } from '../../src/bootstrap.js';
import { ClusterPurgeBus } from '../../src/purge/purge-bus-cluster.js';
import type { PurgeBus } from '../../src/purge/purge-bus.js';
import { configFrom } from '../../src/config.js';
import { DeliveryMetadata } from '../../src/delivery/delivery-metadata.js';
import { createServices, type Services } from '../../src/services.js';

const REQUESTS = Number(process.argv[2] ?? 20_000);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ACCOUNT = '0123456789abcdef0123456789abcdef';

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(text).finally(() => client.end());
}

async function measure(label: string, services: Services, bus: PurgeBus): Promise<string> {
  const account = (await services.accounts.findAccount(ACCOUNT))!;
  const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#999' } }).jpeg().toBuffer();
  const image = await services.images.upload(account, { file: { bytes, filename: 'a.jpg', contentType: 'image/jpeg' } });
  const { accounts, imageRepository: images, variantRepository: variants, signingKeyRepository: keys } = services;
  const metadata = new DeliveryMetadata({ accounts, images, variants, keys, bus });
  const lookup = async () => {
    const found = await metadata.account(account.hash);
    await metadata.image(found!, image.id);
    await metadata.variant(found!, 'public');
  };
  for (let i = 0; i < 500; i++) await lookup();
  const timings = new Float64Array(REQUESTS);
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await lookup();
    timings[i] = performance.now() - t;
  }
  const seconds = (performance.now() - started) / 1000;
  timings.sort();
  const us = (p: number) => (timings[Math.floor(p * (REQUESTS - 1))]! * 1000).toFixed(1);
  return `| ${label} | ${us(0.5)} | ${us(0.99)} | ${(REQUESTS / seconds).toFixed(0)} |`;
}

async function withServices(env: Record<string, string>, run: (services: Services) => Promise<string[]>): Promise<string[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pictor-bench-metadata-'));
  const config = configFrom({ PICTOR_DATA_DIR: dataDir, PICTOR_ACCOUNT_ID: ACCOUNT, PICTOR_CACHE_DISK_MB: '0', ...env });
  const services = await createServices(config);
  try {
    await bootstrap(services, config);
    return await run(services);
  } finally {
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const rows: string[] = [];
rows.push(
  ...(await withServices({}, async (services) => {
    const crossProcess = new ClusterPurgeBus();
    try {
      return [await measure('SQLite, one process', services, services.purge), await measure('SQLite, across processes', services, crossProcess)];
    } finally {
      await crossProcess.close();
    }
  })),
);
const database = `pictor_bench_metadata_${process.pid}`;
await adminQuery(`create database ${database}`);
try {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  rows.push(...(await withServices({ DATABASE_URL: url.toString() }, async (services) => [await measure('PostgreSQL, across processes', services, services.purge)])));
} finally {
  await adminQuery(`drop database ${database} with (force)`);
}

console.log(`Delivery metadata per request (account + image + variant), ${REQUESTS} sequential requests, ${os.availableParallelism()} cores\n`);
console.log('| metadata | p50 µs | p99 µs | requests/s (one at a time) |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
