/** Account-wide delivery settings: flexible variants on/off and the browser TTL. */
import type { PurgeBus } from '../purge/purge-bus.js';
import { errors } from '../errors.js';
import type { AccountService } from './account-service.js';
import type { Account } from './model.js';

export interface DeliveryConfigView {
  flexible_variants: boolean;
  browser_ttl: number;
}

export const deliveryConfigView = (a: Account): DeliveryConfigView => ({ flexible_variants: a.flexibleVariants, browser_ttl: a.browserTtl });

export class DeliveryConfigService {
  constructor(
    private readonly accounts: AccountService,
    private readonly purge: PurgeBus,
  ) {}

  async update(account: Account, patch: { flexible_variants?: boolean; browser_ttl?: number }): Promise<DeliveryConfigView> {
    if (patch.flexible_variants === undefined && patch.browser_ttl === undefined) {
      throw errors.badRequest('Send flexible_variants and/or browser_ttl');
    }
    const updated = await this.accounts.updateAccount(account.id, { flexibleVariants: patch.flexible_variants, browserTtl: patch.browser_ttl });
    // Turning flexible variants off must stop serving renditions made while they were on.
    await this.purge.publish({ kind: 'account', accountId: account.id });
    return deliveryConfigView(updated);
  }
}
