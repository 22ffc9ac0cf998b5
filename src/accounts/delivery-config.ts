/**
 * Account-wide delivery settings: flexible variants on/off and the browser TTL. A change commits
 * with its account's delivery-version bump in one transaction.
 */
import type { Changes } from '../purge/changes.js';
import { errors } from '../errors.js';
import type { Account, AccountRepository } from './model.js';

export interface DeliveryConfigView {
  flexible_variants: boolean;
  browser_ttl: number;
}

export const deliveryConfigView = (a: Account): DeliveryConfigView => ({ flexible_variants: a.flexibleVariants, browser_ttl: a.browserTtl });

export class DeliveryConfigService {
  constructor(private readonly changes: Changes<{ accounts: Pick<AccountRepository, 'updateAccount'> }>) {}

  async update(account: Account, patch: { flexible_variants?: boolean; browser_ttl?: number }): Promise<DeliveryConfigView> {
    if (patch.flexible_variants === undefined && patch.browser_ttl === undefined) {
      throw errors.badRequest('Send flexible_variants and/or browser_ttl');
    }
    const updated = await this.changes.commit(async ({ accounts, purge }) => {
      const changed = await accounts.updateAccount(account.id, { flexibleVariants: patch.flexible_variants, browserTtl: patch.browser_ttl });
      if (!changed) throw errors.authenticationError();
      // Turning flexible variants off must stop serving renditions made while they were on.
      await purge.publish({ kind: 'account', accountId: account.id });
      return changed;
    });
    return deliveryConfigView(updated);
  }
}
