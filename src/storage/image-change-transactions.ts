/**
 * ImageChanges on Kysely: one transaction (SQLite or PostgreSQL) whose repositories are bound to
 * it. Nothing inside a change may use a repository outside it: SQLite has one connection, which
 * the transaction holds until it ends.
 */
import type { PurgeBus, PurgeEvent } from '../purge/purge-bus.js';
import { bumpThenPublish } from '../purge/delivery-version-bump.js';
import type { ChangeRepositories, ImageChanges, ImageChangeScope } from '../images/image-changes.js';
import type { Clock } from '../util/clock.js';
import { WebhookOutbox } from '../webhooks/outbox.js';
import { KyselyAccountRepository } from './account-repository.js';
import type { Database } from './database.js';
import { KyselyImageRepository } from './image-repository.js';
import { KyselyWebhookRepository } from './webhook-repository.js';

export interface ImageChangeTransactionsDeps {
  database: Database;
  /** The bus itself, not DeliveryVersionBump: the bump is made inside the transaction. */
  bus: PurgeBus;
  clock: Clock;
  /** Wakes the webhook dispatcher. */
  poke: () => void;
  /** Wraps the transaction's repositories (tests use it to fail a change half-way). */
  wrap?: (repositories: ChangeRepositories) => ChangeRepositories;
}

export class KyselyImageChanges implements ImageChanges {
  constructor(private readonly deps: ImageChangeTransactionsDeps) {}

  async commit<T>(change: (scope: ImageChangeScope) => Promise<T>): Promise<T> {
    const { database, bus, clock, poke, wrap } = this.deps;
    const purges: PurgeEvent[] = [];
    let recorded = false;
    const result = await database.db.transaction().execute(async (tx) => {
      const bound: ChangeRepositories = {
        images: new KyselyImageRepository({ ...database, db: tx }),
        webhooks: new KyselyWebhookRepository(tx),
        accounts: new KyselyAccountRepository(tx),
      };
      const repositories = wrap ? wrap(bound) : bound;
      return change({
        images: repositories.images,
        events: new WebhookOutbox(repositories.webhooks, clock, () => void (recorded = true)),
        purge: { publish: (event) => bumpThenPublish(repositories.accounts, event, async (committed) => void purges.push(committed)) },
      });
    });
    if (recorded) poke();
    for (const event of purges) await bus.publish(event);
    return result;
  }
}
