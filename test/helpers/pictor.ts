/**
 * Starts a real Pictor for a test: real stores, real HTTP on an ephemeral port, and the official
 * `cloudflare` SDK pointed at it. The stores are the embedded ones (SQLite + files in a temp data
 * dir) or, with PICTOR_TEST_ENGINE=scaled, a fresh PostgreSQL database and S3 bucket
 * (test/helpers/test-engine.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Cloudflare from 'cloudflare';
import { type AppOptions, buildApp } from '../../src/http/app.js';
import type { ApiApp } from '../../src/http/types.js';
import { startBackgroundJobs } from '../../src/background-jobs.js';
import { bootstrap } from '../../src/bootstrap.js';
import { configFrom } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createServices, type ServiceOverrides, type Services } from '../../src/services.js';
import { createTestStores, testEngine, type TestEngine } from './test-engine.js';

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
  engine: TestEngine;
  /** PICTOR_DATA_DIR, DATABASE_URL, BLOB_STORE_URL: for a CLI process working beside this server. */
  storeEnv: Record<string, string>;
  /** Every blob the store holds, plus leftovers of interrupted writes: for "nothing left behind" checks. */
  storedBlobs(): Promise<string[]>;
  /** fetch against the server with the account's token unless headers say otherwise. */
  api(pathUnderAccount: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

export const TEST_ACCOUNT_ID = '023e105f4ecef8ad9ca31a8372d0c353';
export const TEST_TOKEN = 'pictor-test-token-0123456789abcdefghij';

export function tempDir(prefix = 'pictor-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface StartOptions {
  env?: Record<string, string>;
  overrides?: ServiceOverrides;
  app?: AppOptions;
  /** Default: PICTOR_TEST_ENGINE's. */
  engine?: TestEngine;
}

export async function startPictor(options: StartOptions = {}): Promise<TestPictor> {
  const engine = options.engine ?? testEngine;
  const dataDir = tempDir();
  const stores = await createTestStores(engine);
  const storeEnv = { PICTOR_DATA_DIR: dataDir, ...stores.env };
  const config = configFrom({
    ...storeEnv,
    PORT: '0',
    PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID,
    PICTOR_API_TOKEN: TEST_TOKEN,
    PICTOR_API_RATE_LIMIT: '0',
    ...options.env,
  });
  // Background work logs where the app's requests do: nowhere unless the test captures them.
  const services = await createServices(config, { log: options.app?.logger ?? createLogger('silent'), ...options.overrides });
  const { account } = await bootstrap(services, config);
  const app = await buildApp(services, options.app);
  const stopJobs = startBackgroundJobs(services);
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
    engine,
    storeEnv,
    async storedBlobs() {
      const keys: string[] = [];
      for await (const blob of services.blobs.list()) keys.push(blob.key);
      return [...keys, ...tempBlobFiles(dataDir)].sort();
    },
    api(p, init = {}) {
      const headers = new Headers(init.headers);
      if (init.auth !== false && !headers.has('authorization')) headers.set('authorization', `Bearer ${TEST_TOKEN}`);
      return fetch(`${apiBase}/accounts/${account.id}${p}`, { ...init, headers });
    },
    async close() {
      await stopJobs();
      await app.close();
      await services.close();
      await stores.remove();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Leftovers of interrupted writes in the file store (S3 puts are atomic and leave none). */
function tempBlobFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'blobs', '.tmp');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => `.tmp/${name}`) : [];
}
