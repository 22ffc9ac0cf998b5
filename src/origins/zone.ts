/**
 * The zone that /cdn-cgi/image/ and the purge API serve: the installation's account (the one
 * bootstrap chose), under its own id or PICTOR_ZONE_ID. Its delivery version, bumped in the
 * database before any purge is published, is how a node whose purge messages arrive late (Redis,
 * PostgreSQL buses) still notices, on its next request, that a source must be checked again.
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

  constructor(
    private readonly accounts: ZoneAccounts,
    private readonly bus: Pick<PurgeBus, 'synchronous' | 'subscribe'>,
    private readonly configured: { accountId: string | undefined; zoneId: string | undefined },
  ) {
    this.accountId = configured.accountId;
    bus.subscribe((event) => {
      if (event.kind === 'all' || ('accountId' in event && event.accountId === this.accountId)) this.cached = undefined;
    });
  }

  /** The zone's account, read fresh unless purges reach this process before their API call returns. */
  async account(): Promise<Account> {
    if (this.cached) return this.cached;
    // As bootstrap chooses: the configured account, else the first one.
    this.accountId ??= (await this.accounts.listAccounts())[0]?.id;
    const account = this.accountId === undefined ? undefined : await this.accounts.findAccount(this.accountId);
    if (!account) throw new Error('the zone has no account yet (bootstrap has not run)');
    if (this.bus.synchronous) this.cached = account;
    return account;
  }

  /** The id the purge API addresses the zone by. */
  async id(): Promise<string> {
    return this.configured.zoneId ?? (await this.account()).id;
  }
}
