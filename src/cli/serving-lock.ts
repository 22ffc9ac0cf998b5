/**
 * One server per embedded database, unless every server on it shares a purge bus. On the embedded
 * stores without PURGE_BUS_URL, delivery metadata is purged only inside one server's processes
 * (in-process, or relayed by its cluster primary), so a second server on the same SQLite file would
 * never hear the first one's purges and would go on serving images deleted or made private through
 * it. `serve` therefore holds a SQLite lock on a file beside the database while it runs: exclusive
 * without a bus, shared with one (so servers on a Redis bus may run together, but not beside one
 * that would not hear them). The kernel drops the lock when the process ends, crash or SIGKILL
 * included, so a restart never finds a stale one. Admin commands and migrate-storage take none.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { openSqliteFile, sqliteFileOf } from '../storage/database.js';

/** Held for the life of the process; kept referenced so it is never garbage-collected. */
let held: import('better-sqlite3').Database | undefined;

export async function holdServingLock(config: Pick<Config, 'databaseUrl' | 'purgeBusUrl'>): Promise<void> {
  // PostgreSQL: purges cross servers through it or the bus; any number of them may serve.
  const databaseFile = sqliteFileOf(config.databaseUrl);
  if (databaseFile === undefined || databaseFile === ':memory:') return;
  const alone = !config.purgeBusUrl;
  const lockFile = `${path.resolve(databaseFile)}.serve-lock`;
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const lock = openSqliteFile(BetterSqlite3, lockFile, { timeout: 0 });
  try {
    // Nothing is ever written: no journal file needs to sit beside the lock.
    lock.pragma('journal_mode = MEMORY');
    // A read transaction keeps its shared lock until it ends; BEGIN EXCLUSIVE excludes every other.
    if (alone) lock.exec('BEGIN EXCLUSIVE');
    else lock.exec('BEGIN; SELECT count(*) FROM sqlite_master;');
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new Error(
      `another Pictor server is already serving ${databaseFile}${alone ? '' : ' without PURGE_BUS_URL'} (lock: ${lockFile}). ` +
        'Stop it first, or raise PICTOR_WORKERS on it for more processes; several servers need PostgreSQL or the same PURGE_BUS_URL on each (docs/deployment.md).',
    );
  }
  held = lock;
}
