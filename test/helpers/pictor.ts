/**
 * Starts a real Pictor for a test: real stores in a temp data dir, real HTTP on an ephemeral port,
 * and the official `cloudflare` SDK pointed at it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Cloudflare from 'cloudflare';
import { type AppOptions, buildApp } from '../../src/app.js';
import type { ApiApp } from '../../src/api/types.js';
import { startBackgroundJobs } from '../../src/background-jobs.js';
import { bootstrap } from '../../src/bootstrap.js';
import { configFrom } from '../../src/config.js';
import { createServices, type ServiceOverrides, type Services } from '../../src/services.js';

export interface TestPictor {
  origin: string;
  apiBase: string;
  accountId: string;
  accountHash: string;
  token: string;
  dataDir: string;
  client: Cloudflare;
  services: Services;
  app: ApiApp;
  /** fetch against the server with the account's token unless headers say otherwise. */
  api(pathUnderAccount: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

export const TEST_ACCOUNT_ID = '023e105f4ecef8ad9ca31a8372d0c353';
export const TEST_TOKEN = 'pictor-test-token-0123456789abcdefghij';

export function tempDir(prefix = 'pictor-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startPictor(options: { env?: Record<string, string>; overrides?: ServiceOverrides; app?: AppOptions } = {}): Promise<TestPictor> {
  const dataDir = tempDir();
  const config = configFrom({
    PICTOR_DATA_DIR: dataDir,
    PORT: '0',
    PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID,
    PICTOR_API_TOKEN: TEST_TOKEN,
    PICTOR_API_RATE_LIMIT: '0',
    ...options.env,
  });
  const services = await createServices(config, options.overrides);
  const { account } = await bootstrap(services, config);
  const app = await buildApp(services, options.app);
  const stopJobs = startBackgroundJobs(services, app.log);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  if (!config.deliveryUrl) services.urls.delivery = origin;
  const apiBase = `${origin}/client/v4`;
  const client = new Cloudflare({ baseURL: apiBase, apiToken: TEST_TOKEN, maxRetries: 0 });
  return {
    origin,
    apiBase,
    accountId: account.id,
    accountHash: account.hash,
    token: TEST_TOKEN,
    dataDir,
    client,
    services,
    app,
    api(p, init = {}) {
      const headers = new Headers(init.headers);
      if (init.auth !== false && !headers.has('authorization')) headers.set('authorization', `Bearer ${TEST_TOKEN}`);
      return fetch(`${apiBase}/accounts/${account.id}${p}`, { ...init, headers });
    },
    async close() {
      await stopJobs();
      await app.close();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every file under the data dir's blob store (temp files included), for "nothing left behind" checks. */
export function blobFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'blobs');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((p) => fs.statSync(path.join(root, p)).isFile())
    .sort();
}
