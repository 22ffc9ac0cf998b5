/**
 * PICTOR_METRICS_PORT: /metrics leaves the main port (404 there) for a port of its own, still
 * behind PICTOR_METRICS_TOKEN when set. With several workers the cluster primary serves that port
 * with prom-client's aggregation of every worker.
 */
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { declaredNames, samples } from '../helpers/exposition.js';
import { TEST_ACCOUNT_ID, TEST_TOKEN, tempDir } from '../helpers/pictor.js';
import { type PictorProcess, spawnPictor } from '../helpers/process.js';

const METRICS_TOKEN = 'metrics-port-token-0123456789';

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const running: Array<{ server: PictorProcess; dataDir: string }> = [];
afterAll(async () => {
  for (const { server, dataDir } of running) {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

async function start(workers: number, env: Record<string, string> = {}) {
  const dataDir = tempDir('pictor-metrics-port-');
  const metricsPort = await freePort();
  const server = await spawnPictor({
    PICTOR_DATA_DIR: dataDir,
    PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID,
    PICTOR_API_TOKEN: TEST_TOKEN,
    PICTOR_WORKERS: String(workers),
    PICTOR_METRICS_PORT: String(metricsPort),
    ...env,
  });
  running.push({ server, dataDir });
  return { server, metrics: `http://127.0.0.1:${metricsPort}` };
}

describe('one process', () => {
  it('serves /metrics only on its own port, behind the token', async () => {
    const { server, metrics } = await start(1, { PICTOR_METRICS_TOKEN: METRICS_TOKEN });
    expect((await fetch(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${metrics}/metrics`)).status).toBe(401);
    expect((await fetch(`${metrics}/metrics`, { headers: { authorization: 'Bearer not-the-metrics-token' } })).status).toBe(403);
    expect((await fetch(`${metrics}/healthz`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
    const res = await fetch(`${metrics}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(declaredNames(text)).toContain('nodejs_eventloop_lag_p99_seconds');
    // The main port's own traffic is counted here.
    expect(samples(text, 'pictor_http_request_duration_seconds_count').find((s) => s.labels.route === '/healthz')?.value).toBe(1);
  });
});

describe('PICTOR_WORKERS=2', () => {
  it('serves the machine, aggregated over both workers by the primary', async () => {
    const { server, metrics } = await start(2);
    expect((await fetch(`${server.origin}/metrics`)).status).toBe(404);
    // Requests spread over both workers (a connection each); the machine counts all of them.
    for (let i = 0; i < 6; i++) await fetch(`${server.origin}/healthz`, { headers: { connection: 'close' } }).then((r) => r.text());
    const text = await (await fetch(`${metrics}/metrics`)).text();
    expect(samples(text, 'pictor_workers')[0]?.value).toBe(2);
    expect(samples(text, 'pictor_http_request_duration_seconds_count').find((s) => s.labels.route === '/healthz')?.value).toBe(6);
    // Per-process series stay out of the sum ('omit' aggregators).
    expect(declaredNames(text)).not.toContain('pictor_worker_slot');
    expect(declaredNames(text)).not.toContain('process_start_time_seconds');
  });
});
