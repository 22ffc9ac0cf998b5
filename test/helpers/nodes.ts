/**
 * Several Pictor processes sharing one set of stores, as behind a load balancer: each node has its
 * own data dir (for its disk cache) and its own port; the API client talks to any of them.
 */
import fs from 'node:fs';
import Cloudflare from 'cloudflare';
import { TEST_ACCOUNT_ID, TEST_TOKEN, tempDir } from './pictor.js';
import { type PictorProcess, spawnPictor } from './process.js';

export interface TestNode extends PictorProcess {
  client: Cloudflare;
  /** fetch against the node's API under the test account, with the test token. */
  api(pathUnderAccount: string, init?: RequestInit): Promise<Response>;
}

export interface TestNodes {
  nodes: TestNode[];
  stop(): Promise<void>;
}

/** Starts `count` nodes at once (so they also race on migrations and bootstrap, as a real rollout would). */
export async function startNodes(count: number, env: Record<string, string>): Promise<TestNodes> {
  const dirs = Array.from({ length: count }, () => tempDir('pictor-node-'));
  const started = await Promise.allSettled(
    dirs.map((dir) => spawnPictor({ PICTOR_DATA_DIR: dir, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, PICTOR_API_TOKEN: TEST_TOKEN, ...env })),
  );
  const processes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const nodes = processes.map((p) => ({
    ...p,
    client: new Cloudflare({ baseURL: `${p.origin}/client/v4`, apiToken: TEST_TOKEN, maxRetries: 0 }),
    api: (pathUnderAccount: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${TEST_TOKEN}`);
      return fetch(`${p.origin}/client/v4/accounts/${TEST_ACCOUNT_ID}${pathUnderAccount}`, { ...init, headers });
    },
  }));
  return { nodes, stop };
}
