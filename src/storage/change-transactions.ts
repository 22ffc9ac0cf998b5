/**
 * Changes on Kysely: one transaction (SQLite or PostgreSQL) whose repositories are bound to it, for
 * every change that commits with a delivery-version bump or a webhook event: images, variants,
 * signing keys, account settings, and the import's writes. Nothing inside a change may use a
 * repository outside it: SQLite has one connection, which the transaction holds until it ends.
 */
import type { AccountRepository } from '../accounts/model.js';
import type { ImageEvents } from '../images/image-events.js';
import type { ImageRepository } from '../images/model.js';
import type { Changes } from '../purge/changes.js';
import type { PurgeBus, PurgeEvent } from '../purge/purge-bus.js';
import type { SigningKeyRepository } from '../signing/model.js';
import type { Clock } from '../util/clock.js';
import type { VariantRepository } from '../variants/model.js';
import type { WebhookRepository } from '../webhooks/model.js';
import { WebhookOutbox } from '../webhooks/outbox.js';
import { KyselyAccountRepository } from './account-repository.js';
import type { Database } from './database.js';
import { KyselyImageRepository } from './image-repository.js';
import { KyselySigningKeyRepository } from './signing-key-repository.js';
import { KyselyVariantRepository } from './variant-repository.js';
import { KyselyWebhookRepository } from './webhook-repository.js';

/** The account writes a change may make: its settings, and the bump its purge makes. */
export type AccountChanges = Pick<AccountRepository, 'updateAccount' | 'bumpDeliveryVersion'>;

/** The repositories of one transaction, as the store hands them out. */
export interface ChangeRepositories {
  images: ImageRepository;
  variants: VariantRepository;
  keys: SigningKeyRepository;
  accounts: AccountChanges;
  webhooks: WebhookRepository;
}

/** Everything a change may write through; each owner's Changes<Scope> sees its part. */
export interface ChangeScope {
  images: ImageRepository;
  variants: VariantRepository;
  keys: SigningKeyRepository;
  accounts: Pick<AccountRepository, 'updateAccount'>;
  events: ImageEvents;
}

export interface ChangeTransactionsDeps {
  database: Database;
  /** The bus itself, not DeliveryVersionBump: the bump (and a database bus's message) is made inside the transaction. */
  bus: Pick<PurgeBus, 'publish' | 'sendInTransaction'>;
  clock: Clock;
  /** Wakes the webhook dispatcher (after commit, if the change recorded an event). */
  poke: () => void;
  /** Wraps the transaction's repositories (tests use it to fail a change half-way). */
  wrap?: ((repositories: ChangeRepositories) => ChangeRepositories) | undefined;
}

export class KyselyChanges implements Changes<ChangeScope> {
  constructor(private readonly deps: ChangeTransactionsDeps) {}

  async commit<T>(change: (scope: ChangeScope & { purge: Pick<PurgeBus, 'publish'> }) => Promise<T>): Promise<T> {
    const { database, bus, clock, poke, wrap } = this.deps;
    const purges: PurgeEvent[] = [];
    let recorded = false;
    const result = await database.db.transaction().execute(async (tx) => {
      const bound: ChangeRepositories = {
        images: new KyselyImageRepository({ ...database, db: tx }),
        variants: new KyselyVariantRepository(tx),
        keys: new KyselySigningKeyRepository(tx),
        accounts: new KyselyAccountRepository(tx),
        webhooks: new KyselyWebhookRepository(tx),
      };
      const { webhooks, accounts, ...repositories } = wrap ? wrap(bound) : bound;
      return change({
        ...repositories,
        accounts,
        events: new WebhookOutbox(webhooks, clock, () => void (recorded = true)),
        purge: {
          // The bump first, then the message (a database bus's in this transaction): the order
          // that makes a late or lost message harmless.
          publish: async (event) => {
            if (event.kind !== 'all') await accounts.bumpDeliveryVersion(event.accountId);
            await bus.sendInTransaction?.(tx, event);
            purges.push(event);
          },
        },
      });
    });
    if (recorded) poke();
    // Together: a bus that makes its publisher wait (PostgreSQL's settle time) waits once.
    const sent = bus.sendInTransaction !== undefined;
    await Promise.all(purges.map((event) => bus.publish(event, { sent })));
    return result;
  }
}
