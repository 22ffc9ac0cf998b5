/**
 * One server per embedded database. On the embedded stores, delivery metadata is purged only
 * inside one server's processes (in-process, or relayed by its cluster primary), so a second
 * server on the same SQLite file would never hear the first one's purges and would go on serving
 * images deleted or made private through the first. `serve` therefore holds an exclusive SQLite
 * lock on a file beside the database while it runs; the kernel drops it when the process ends,
 * crash or SIGKILL included, so a restart never finds a stale lock. The admin commands and
 * migrate-storage do not take it: they work beside a running server.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { openSqliteFile } from '../storage/database.js';

/** Held for the life of the process; kept referenced so it is never garbage-collected. */
let held: import('better-sqlite3').Database | undefined;

export async function holdServingLock(config: Pick<Config, 'databaseUrl' | 'purgeBusUrl'>): Promise<void> {
  // PostgreSQL, or a Redis bus: purges cross servers, and any number of them may serve.
  if (!config.databaseUrl.startsWith('sqlite:') || config.purgeBusUrl) return;
  const databaseFile = config.databaseUrl.slice('sqlite:'.length);
  if (databaseFile === ':memory:') return;
  const lockFile = `${path.resolve(databaseFile)}.serve-lock`;
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const lock = openSqliteFile(BetterSqlite3, lockFile, { timeout: 0 });
  try {
    // Nothing is ever written: no journal file needs to sit beside the lock.
    lock.pragma('journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new Error(
      `another Pictor server is already serving ${databaseFile} (lock: ${lockFile}). ` +
        'Stop it first, or raise PICTOR_WORKERS on it for more processes; several servers need PostgreSQL or PURGE_BUS_URL (docs/deployment.md).',
    );
  }
  held = lock;
}
