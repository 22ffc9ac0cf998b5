/** The run contract: first start prints a generated account and token once; the admin CLI. */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/pictor.js';
import { mainScript, spawnPictor } from '../helpers/process.js';

const dataDir = tempDir('pictor-bootstrap-');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const cli = (...args: string[]) => execFileSync(process.execPath, [mainScript, ...args], { env: { PATH: process.env.PATH ?? '', PICTOR_DATA_DIR: dataDir } }).toString();

async function stats(origin: string, accountId: string, token: string, method = 'GET') {
  const res = await fetch(`${origin}/client/v4/accounts/${accountId}/images/v1${method === 'GET' ? '/stats' : ''}`, { method, headers: { authorization: `Bearer ${token}` }, ...(method === 'POST' ? { body: new FormData() } : {}) });
  return res.status;
}

describe('first start on a fresh data dir', () => {
  it('creates an account and a token, prints them once, and they work at once and after a restart', async () => {
    const first = await spawnPictor({ PICTOR_DATA_DIR: dataDir });
    const accountId = /Account ID:\s+([0-9a-f]{32})/.exec(first.output())![1]!;
    const hash = /Account hash:\s+([A-Za-z0-9_-]{22})/.exec(first.output())![1]!;
    const token = /API token:\s+(\S+)/.exec(first.output())![1]!;
    expect(await stats(first.origin, accountId, token)).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await spawnPictor({ PICTOR_DATA_DIR: dataDir });
    try {
      expect(second.output()).toContain(accountId);
      expect(second.output()).toContain(hash);
      expect(second.output()).not.toContain('API token:');
      expect(await stats(second.origin, accountId, token)).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});

describe('admin CLI', () => {
  it('creates accounts and read-only or read-write tokens that the server honours', async () => {
    const created = cli('accounts', 'create', '--name', 'Second');
    const accountId = /Account ID:\s+([0-9a-f]{32})/.exec(created)![1]!;
    const readOnly = cli('tokens', 'create', '--account', accountId, '--read-only').trim().split('\n').pop()!;
    const readWrite = cli('tokens', 'create', '--account', accountId).trim().split('\n').pop()!;
    const server = await spawnPictor({ PICTOR_DATA_DIR: dataDir });
    try {
      expect(await stats(server.origin, accountId, readOnly)).toBe(200);
      expect(await stats(server.origin, accountId, readOnly, 'POST')).toBe(403);
      // Allowed to write: refused only for the empty form, not for the credential.
      expect(await stats(server.origin, accountId, readWrite, 'POST')).toBe(400);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('refuses a user whose email is taken or not an address, with a usage error', () => {
    const accountId = /Account ID:\s+([0-9a-f]{32})/.exec(cli('accounts', 'create'))![1]!;
    expect(cli('users', 'create', '--email', 'ops@example.com', '--account', accountId)).toMatch(/Global API key for ops@example\.com/);
    for (const [email, message] of [
      ['ops@example.com', /a user with email ops@example\.com already exists/],
      ['not-an-address', /--email must be an email address/],
    ] as const) {
      const result = spawnSync(process.execPath, [mainScript, 'users', 'create', '--email', email, '--account', accountId], { env: { PATH: process.env.PATH ?? '', PICTOR_DATA_DIR: dataDir } });
      expect(result.status).toBe(2);
      expect(String(result.stderr)).toMatch(message);
    }
  });

  it('does not leave an empty installation where no data dir was meant', () => {
    const elsewhere = tempDir('pictor-not-the-data-dir-');
    try {
      for (const args of [['tokens', 'create', '--account', '0'.repeat(32)], ['sign', 'http://127.0.0.1/AAAAAAAAAAAAAAAAAAAAAA/id/public']]) {
        const result = spawnSync(process.execPath, [mainScript, ...args], { cwd: elsewhere, env: { PATH: process.env.PATH ?? '' } });
        expect(result.status).toBe(2);
        expect(String(result.stderr)).toMatch(/no Pictor database at .*data\/pictor\.db; set PICTOR_DATA_DIR/);
      }
      expect(fs.readdirSync(elsewhere)).toEqual([]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('explains bad usage with exit code 2', () => {
    let status = 0;
    let stderr = '';
    try {
      cli('tokens', 'create');
    } catch (err) {
      status = (err as { status: number }).status;
      stderr = String((err as { stderr: Buffer }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/--account is required/);
  });

  it('refuses an invalid setting at start and names the variable', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, [mainScript, 'serve'], { env: { PATH: process.env.PATH ?? '', PICTOR_DATA_DIR: dataDir, PORT: 'eighty' }, stdio: 'pipe' });
    } catch (err) {
      stderr = String((err as { stderr: Buffer }).stderr);
    }
    expect(stderr).toMatch(/PORT must be an integer/);
  });
});
