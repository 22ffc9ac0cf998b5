/** Administrative commands: accounts, tokens, users, config. They work beside a running server. */
import fs from 'node:fs';
import path from 'node:path';
import type { Permission } from '../accounts/model.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { createServices, type Services } from '../services.js';
import { sqliteFileOf } from '../storage/database.js';
import { UsageError } from './usage-error.js';

/**
 * Services for a one-off command: the stores, without the rendition cache a server would fill.
 * Only `accounts create` may start an installation; for the others a missing SQLite database
 * means the wrong data dir (another working directory, PICTOR_DATA_DIR unset), and opening it
 * would leave an empty installation there.
 */
export async function withServices<T>(config: Config, fn: (services: Services) => Promise<T>, options: { createIfMissing?: boolean } = {}): Promise<T> {
  if (!options.createIfMissing) refuseMissingDatabase(config);
  // Logs go to stderr: stdout carries the command's answer (a token, an id) for the person or a script.
  const log = createLogger(config.logLevel, process.stderr);
  const services = await createServices({ ...config, cacheMemoryBytes: 0, cacheDiskBytes: 0, originalsCacheBytes: 0 }, { log });
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

export function refuseMissingDatabase(config: Config): void {
  const sqliteFile = sqliteFileOf(config.databaseUrl);
  if (sqliteFile === undefined) return;
  const file = path.resolve(sqliteFile);
  if (!fs.existsSync(file)) throw new UsageError(`no Pictor database at ${file}; set PICTOR_DATA_DIR (or DATABASE_URL) to the server's`);
}

export async function createAccountCommand(config: Config, options: { id?: string; name?: string }): Promise<void> {
  await withServices(config, async ({ accounts }) => {
    if (options.id && (await accounts.findAccount(options.id))) throw new UsageError(`account ${options.id} already exists`);
    const account = await accounts.createAccount({ id: options.id, name: options.name });
    console.log(`Account ID:   ${account.id}\nAccount hash: ${account.hash}\nNext: pictor tokens create --account ${account.id}`);
  }, { createIfMissing: true });
}

export async function createTokenCommand(config: Config, options: { account: string; readOnly: boolean; expiresInSeconds?: number }): Promise<void> {
  await withServices(config, async ({ accounts }) => {
    if (!(await accounts.findAccount(options.account))) throw new UsageError(`no account ${options.account}`);
    const permission: Permission = options.readOnly ? 'read' : 'write';
    const { token, record } = await accounts.createToken(options.account, permission, { expiresInSeconds: options.expiresInSeconds });
    const expiry = record.expiresMs === null ? '' : `, expires ${isoTime(record.expiresMs)}`;
    console.log(`API token ${record.id} (Images ${permission === 'write' ? 'Read+Write' : 'Read'} on ${options.account}${expiry}; shown once):\n${token}`);
  });
}

const isoTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function listTokensCommand(config: Config, options: { account: string }): Promise<void> {
  await withServices(config, async ({ accounts, clock }) => {
    if (!(await accounts.findAccount(options.account))) throw new UsageError(`no account ${options.account}`);
    const now = clock.now();
    // The secret is stored only as a digest; neither it nor the digest is shown.
    const rows = (await accounts.listTokens(options.account)).map((t) => [
      t.id,
      t.permission,
      isoTime(t.createdMs),
      t.lastUsedMs === null ? 'never' : isoTime(t.lastUsedMs),
      t.expiresMs === null ? 'never' : `${isoTime(t.expiresMs)}${t.expiresMs <= now ? ' (expired)' : ''}`,
      t.name,
    ]);
    console.log(table(['ID', 'SCOPE', 'CREATED', 'LAST USED', 'EXPIRES', 'NAME'], rows));
  });
}

export async function revokeTokenCommand(config: Config, id: string): Promise<void> {
  await withServices(config, async ({ accounts }) => {
    if (!(await accounts.revokeToken(id))) throw new UsageError(`no token ${id} (pictor tokens list --account <id> shows the ids)`);
    console.log(`Token ${id} revoked`);
  });
}

/** Columns padded to their widest cell. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export async function createUserCommand(config: Config, options: { email: string; account: string }): Promise<void> {
  await withServices(config, async ({ accounts }) => {
    // The address is what clients send as X-Auth-Email; a typo would make a key nobody can use.
    if (!/^[^\s@]+@[^\s@]+$/.test(options.email)) throw new UsageError(`--email must be an email address, got "${options.email}"`);
    if (!(await accounts.findAccount(options.account))) throw new UsageError(`no account ${options.account}`);
    if (await accounts.userExists(options.email)) throw new UsageError(`a user with email ${options.email} already exists`);
    const key = await accounts.createUser(options.email, [options.account]);
    console.log(`Global API key for ${options.email} (use with X-Auth-Email + X-Auth-Key; shown once):\n${key}`);
  });
}

export async function webhookCommand(config: Config, action: 'set' | 'show' | 'delete', options: { account: string; url?: string; secret?: string }): Promise<void> {
  await withServices(config, async ({ accounts, webhooks }) => {
    const account = await accounts.findAccount(options.account);
    if (!account) throw new UsageError(`no account ${options.account}`);
    if (action === 'delete') {
      await webhooks.remove(account);
      console.log(`Webhook of ${account.id} removed`);
      return;
    }
    if (action === 'set' && !options.url) throw new UsageError('--url is required');
    const view = action === 'set' ? await webhooks.set(account, { url: options.url!, secret: options.secret }) : await webhooks.get(account);
    console.log(`URL:    ${view.url}\nSecret: ${view.secret}`);
  });
}

