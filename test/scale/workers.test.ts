/**
 * PICTOR_WORKERS=2 on the embedded stores: one banner, both workers answer on the one port, a
 * purge reaches every worker through the primary, uploads from both workers share the SQLite file,
 * a worker that dies is replaced, and SIGTERM stops them all.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import Cloudflare, { toFile } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as images from '../helpers/images.js';
import { TEST_ACCOUNT_ID, TEST_TOKEN, tempDir } from '../helpers/pictor.js';
import { type PictorProcess, spawnPictor } from '../helpers/process.js';

const WORKERS = 2;
let server: PictorProcess;
let dataDir: string;
let client: Cloudflare;
const account = { account_id: TEST_ACCOUNT_ID };

beforeAll(async () => {
  dataDir = tempDir('pictor-workers-');
  server = await spawnPictor({ PICTOR_DATA_DIR: dataDir, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, PICTOR_API_TOKEN: TEST_TOKEN, PICTOR_WORKERS: String(WORKERS) });
  client = new Cloudflare({ baseURL: `${server.origin}/client/v4`, apiToken: TEST_TOKEN, maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A GET on a connection of its own: the cluster hands each new connection to the next worker. */
function getOnNewConnection(path: string): Promise<{ status: number; cache: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.origin}${path}`, { agent: false, headers: { accept: 'image/jpeg' } }, (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, cache: res.headers['x-pictor-cache'] as string | undefined, body }));
      })
      .on('error', reject);
  });
}

/** Each worker's value of a metric, by worker slot, sampled over new connections until all have answered. */
async function perWorker(name: string, labels = ''): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  for (let i = 0; i < 40 && seen.size < WORKERS; i++) {
    const { body } = await getOnNewConnection('/metrics?scope=worker');
    const slot = Number(/^pictor_worker_slot (\d+)$/m.exec(body)![1]);
    const value = new RegExp(`^${name}${labels.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(body)?.[1];
    seen.set(slot, Number(value ?? 0));
  }
  return seen;
}

/** Sum of every sample of a metric in an exposition. */
const sumOf = (body: string, name: string) =>
  [...body.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);

const workerPids = () =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.child.pid)], { encoding: 'utf8' })
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter(Boolean);

describe(`PICTOR_WORKERS=${WORKERS}`, () => {
  it('prints the banner once and answers from every worker on one port', async () => {
    expect(server.output().match(/Pictor is listening on/g)).toHaveLength(1);
    expect(server.output()).toContain(`Worker processes:  ${WORKERS}`);
    expect(workerPids()).toHaveLength(WORKERS);
    expect([...(await perWorker('pictor_worker_slot')).keys()].sort()).toEqual([0, 1]);
  });

  it('applies a purge in every worker, and an access change holds in all of them at once', async () => {
    const image = await client.images.v1.create({ ...account, file: await toFile(await images.jpeg(80, 60), 'a.jpg') });
    const path = new URL(image.variants![0]!).pathname;
    const first: Array<string | undefined> = [];
    for (let i = 0; i < 3 * WORKERS; i++) first.push((await getOnNewConnection(path)).cache);
    // Each worker rendered it once, for its own cache, and answered from memory after that.
    expect(first.filter((cache) => cache === 'miss')).toHaveLength(WORKERS);
    expect(first.filter((cache) => cache === 'hit-memory')).toHaveLength(2 * WORKERS);

    const before = await perWorker('pictor_purge_events_total', '{kind="image"}');
    await client.images.v1.edit(image.id!, { ...account, requireSignedURLs: true });
    const after = await Promise.all(Array.from({ length: 8 }, () => getOnNewConnection(path)));
    expect(after.map((r) => r.status)).toEqual(Array(8).fill(403));
    // The PATCH returned only after every worker had applied the purge.
    const now = await perWorker('pictor_purge_events_total', '{kind="image"}');
    for (const [slot, count] of now) expect(count, `worker ${slot}`).toBe((before.get(slot) ?? 0) + 1);
  });

  it('runs one transform for a herd spread over every worker, and /metrics sums the machine', async () => {
    const image = await client.images.v1.create({ ...account, file: await toFile(await images.jpeg(300, 200), 'herd.jpg') });
    const path = new URL(image.variants![0]!).pathname;
    const machine = async () => {
      const { body } = await getOnNewConnection('/metrics');
      return { body, transforms: sumOf(body, 'pictor_transforms_total'), workers: Number(/^pictor_workers (\d+)$/m.exec(body)![1]) };
    };
    const before = await machine();
    expect(before.workers).toBe(WORKERS);
    // prom-client's aggregation: labelled histograms and default process metrics, per-process series omitted.
    expect(before.body).toMatch(/^pictor_http_request_duration_seconds_bucket\{le="0\.1",route="[^"]+",status="\d+",cache="\w+",format="\w+"\} \d+$/m);
    expect(before.body).toMatch(/^nodejs_eventloop_lag_p99_seconds \S+$/m);
    expect(before.body).not.toMatch(/pictor_worker_slot|process_start_time_seconds/);
    // New connections, so the cluster spreads them over the workers.
    const answers = await Promise.all(Array.from({ length: 40 }, () => getOnNewConnection(path)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await machine()).transforms - before.transforms).toBe(1);
  });

  it('takes parallel uploads through every worker into the one SQLite file', async () => {
    const bytes = await images.jpeg(40, 30);
    const { current } = (await client.images.v1.stats.get(account)).count!;
    const ids = Array.from({ length: 32 }, (_, i) => `parallel/${i}`);
    for (let i = 0; i < ids.length; i += 8) {
      await Promise.all(ids.slice(i, i + 8).map(async (id) => client.images.v1.create({ ...account, id, file: await toFile(bytes, 'p.jpg') })));
    }
    expect((await client.images.v1.stats.get(account)).count!.current).toBe(current! + ids.length);
  });

  it('replaces a worker that dies', async () => {
    const [victim] = workerPids();
    process.kill(victim!, 'SIGKILL');
    // The primary says so through pino: one JSON line, at warn.
    const restartLine = () => server.output().split('\n').find((line) => /worker \d exited \(SIGKILL\); restarting it/.test(line));
    await vi.waitFor(() => expect(restartLine()).toBeDefined(), { timeout: 10_000 });
    expect(JSON.parse(restartLine()!)).toMatchObject({ level: 40, primary: true, exit: 'SIGKILL' });
    await vi.waitFor(
      async () => {
        expect(workerPids()).toHaveLength(WORKERS);
        expect(workerPids()).not.toContain(victim);
        expect([...(await perWorker('pictor_worker_slot')).keys()].sort()).toEqual([0, 1]);
      },
      { timeout: 20_000, interval: 200 },
    );
  });

  it('stops every worker on SIGTERM', async () => {
    const pids = workerPids();
    await server.stop();
    expect(await server.exited).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
