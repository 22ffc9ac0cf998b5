/**
 * Changes: one change to stored state and everything that must commit with it, as one database
 * transaction. A change that affects delivery bumps the account's delivery version through
 * `purge.publish` inside the transaction; the purge message itself goes out after commit (a missed
 * message is harmless: the bumped version is part of every cache key). A crash or a lost database
 * mid-change therefore leaves neither a change without its bump nor a bump without its change.
 *
 * Each owner names the repositories its changes write through (its Scope); the store implements
 * one transaction for all of them (src/storage/change-transactions.ts).
 */
import type { PurgeBus } from './purge-bus.js';

export interface PurgeScope {
  /** Bumps the account's delivery version in the transaction; the message goes out after commit. */
  purge: Pick<PurgeBus, 'publish'>;
}

export interface Changes<Scope> {
  /**
   * Runs `change` in one transaction; resolves once it has committed and its purges are published.
   * Nothing inside may use a repository outside `scope`: on SQLite the transaction holds the one
   * connection until it ends.
   */
  commit<T>(change: (scope: Scope & PurgeScope) => Promise<T>): Promise<T>;
}
