/**
 * What an operator sees when the environment is wrong at start: one readable line and a non-zero
 * exit, never a stack trace; and a second server on the same embedded data dir is refused, since it
 * would never hear the first one's purges (it would serve images deleted or made private there).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/pictor.js';
import { runPictor, spawnPictor } from '../helpers/process.js';

const dataDir = tempDir('pictor-startup-env-');
const redisUrl = process.env.TEST_REDIS_URL || undefined;
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const serveEnv = (env: Record<string, string>) => ({ HOST: '127.0.0.1', PORT: '0', PICTOR_WORKERS: '1', PICTOR_DATA_DIR: path.join(dataDir, 'fresh'), ...env });

async function occupiedPort(): Promise<{ port: number; close: () => void }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

function expectOneLineFailure(result: { code: number | null; stderr: string }, message: RegExp) {
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('a bad environment at start', () => {
  it('a port in use is named in one line, with one process or several workers', async () => {
    const taken = await occupiedPort();
    try {
      for (const workers of ['1', '2']) {
        const result = await runPictor(serveEnv({ PORT: String(taken.port), PICTOR_WORKERS: workers }), ['serve']);
        expectOneLineFailure(result, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${taken.port}: the port is in use`));
      }
    } finally {
      taken.close();
    }
  });

  it('an unknown HOST, a data dir that is a file, a database that cannot be opened or reached: one line each', async () => {
    const file = path.join(dataDir, 'not-a-directory');
    fs.writeFileSync(file, 'x');
    expectOneLineFailure(await runPictor(serveEnv({ HOST: 'no-such-host.invalid' }), ['serve']), /cannot resolve host name "no-such-host\.invalid"/);
    expectOneLineFailure(await runPictor(serveEnv({ PICTOR_DATA_DIR: file }), ['serve']), /cannot create the directory .*not-a-directory: a file is in the way/);
    // SQLite alone says "unable to open database file", without saying which.
    const directory = path.join(dataDir, 'a-directory');
    fs.mkdirSync(directory);
    expectOneLineFailure(
      await runPictor(serveEnv({ DATABASE_URL: `sqlite:${directory}` }), ['serve']),
      /cannot open the SQLite database .*a-directory: unable to open database file/,
    );
    expectOneLineFailure(
      await runPictor(serveEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/pictor' }), ['serve']),
      /cannot connect to PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/pictor/,
    );
  });

  it('an unreachable S3 endpoint is one line, without the AWS SDK Node-version warning', async () => {
    const blobs = 's3://pictor-test?endpoint=http://127.0.0.1:1&region=us-east-1&accessKeyId=a&secretAccessKey=b';
    const result = await runPictor(serveEnv({ BLOB_STORE_URL: blobs }), ['serve']);
    expectOneLineFailure(result, /cannot open S3 bucket "pictor-test" at http:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses settings that would lose data or print broken URLs', async () => {
    for (const [env, message] of [
      [{ DATABASE_URL: 'sqlite:' }, /DATABASE_URL sqlite: needs a file path/],
      [{ BLOB_STORE_URL: 'file:' }, /BLOB_STORE_URL file: needs a directory/],
      [{ PICTOR_DELIVERY_URL: 'https://images example.com' }, /PICTOR_DELIVERY_URL must be an http\(s\) URL/],
      [{ PURGE_BUS_URL: 'redis://127.0.0.1:not-a-port' }, /PURGE_BUS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ] as const) {
      const result = await runPictor(serveEnv(env), ['serve']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});

describe('the banner', () => {
  it('asks for PICTOR_DELIVERY_URL when HOST is every interface, since variants URLs would name 0.0.0.0', async () => {
    const server = await spawnPictor(serveEnv({ HOST: '0.0.0.0', PICTOR_DATA_DIR: path.join(dataDir, 'wildcard') }));
    await server.stop();
    expect(server.output()).toMatch(/HOST=0\.0\.0\.0 is not an address clients can use: set PICTOR_DELIVERY_URL/);
    const configured = await spawnPictor(serveEnv({ HOST: '0.0.0.0', PICTOR_DATA_DIR: path.join(dataDir, 'wildcard'), PICTOR_DELIVERY_URL: 'https://images.example.com' }));
    await configured.stop();
    expect(configured.output()).not.toMatch(/PICTOR_DELIVERY_URL/);
  });
});

describe('one server per embedded data dir', () => {
  it('refuses a second server, and lets one start once the first is gone, even killed', async () => {
    const shared = serveEnv({ PICTOR_DATA_DIR: path.join(dataDir, 'shared') });
    const first = await spawnPictor(shared);
    try {
      for (const workers of ['1', '2']) {
        const second = await runPictor({ ...shared, PICTOR_WORKERS: workers }, ['serve']);
        expectOneLineFailure(second, /another Pictor server is already serving .*pictor\.db/);
      }
      // The admin commands still work beside it.
      expect((await runPictor(shared, ['accounts', 'create'])).code).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    const third = await spawnPictor(shared);
    await third.stop();
  });

  it.skipIf(!redisUrl)('lets servers sharing a Redis purge bus run together, but not beside one without it', async () => {
    const shared = serveEnv({ PICTOR_DATA_DIR: path.join(dataDir, 'bus'), PURGE_BUS_URL: `${redisUrl}?channel=pictor-test:${process.pid}:purge` });
    const [first, second] = [await spawnPictor(shared), await spawnPictor(shared)];
    try {
      const alone = await runPictor({ ...shared, PURGE_BUS_URL: '' }, ['serve']);
      expectOneLineFailure(alone, /another Pictor server is already serving/);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    const alone = await spawnPictor({ ...shared, PURGE_BUS_URL: '' });
    try {
      expectOneLineFailure(await runPictor(shared, ['serve']), /already serving .*pictor\.db without PURGE_BUS_URL/);
    } finally {
      await alone.stop();
    }
  });
});
