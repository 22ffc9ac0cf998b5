/**
 * The zone that /cdn-cgi/image/ and the purge API serve: the installation's account (the one
 * bootstrap chose), under its own id or PICTOR_ZONE_ID. Its delivery version, bumped in the
 * database before any purge is published, is how a node whose purge messages may arrive late (the
 * Redis bus, an unconfirmed PostgreSQL one) still notices, on its next request, that a source must
 * be checked again.
 */
import type { Account } from '../accounts/model.js';
import type { PurgeBus } from '../purge/purge-bus.js';

export interface ZoneAccounts {
  findAccount(id: string): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;
}

export class Zone {
  private accountId: string | undefined;
  private cached: Account | undefined;
  /** Bumped by every purge of the zone: a read that raced one is used once but not kept. */
  private epoch = 0;

  constructor(
    private readonly accounts: ZoneAccounts,
    private readonly bus: Pick<PurgeBus, 'upToDate' | 'subscribe'>,
    private readonly configured: { accountId: string | undefined; zoneId: string | undefined },
  ) {
    this.accountId = configured.accountId;
    bus.subscribe((event) => {
      if (event.kind === 'all' || ('accountId' in event && event.accountId === this.accountId)) {
        this.epoch++;
        this.cached = undefined;
      }
    });
  }

  /** The zone's account, read fresh unless the bus vouches that every purge has reached this process. */
  async account(): Promise<Account> {
    if (this.cached && this.bus.upToDate()) return this.cached;
    const epoch = this.epoch;
    // As bootstrap chooses: the configured account, else the first one.
    this.accountId ??= (await this.accounts.listAccounts())[0]?.id;
    const account = this.accountId === undefined ? undefined : await this.accounts.findAccount(this.accountId);
    if (!account) throw new Error('the zone has no account yet (bootstrap has not run)');
    if (epoch === this.epoch) this.cached = account;
    return account;
  }

  /** The id the purge API addresses the zone by. */
  async id(): Promise<string> {
    return this.configured.zoneId ?? (await this.account()).id;
  }
}
