/** The account's webhook: where events go and the secret they are signed with. */
import { randomBytes } from 'node:crypto';
import type { Account } from '../accounts/model.js';
import { errors } from '../errors.js';
import type { AddressPolicy } from '../net/address-policy.js';
import { hostRefusal } from '../net/guarded-request.js';
import type { Clock } from '../util/clock.js';
import type { WebhookRepository } from './model.js';

export interface WebhookView {
  url: string;
  secret: string;
}

export class WebhookService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly clock: Clock,
    /** The dispatcher's: a receiver it would refuse is refused here, where the user can see why. */
    private readonly policy: AddressPolicy,
  ) {}

  async get(account: Account): Promise<WebhookView> {
    const settings = await this.webhooks.findSettings(account.id);
    if (!settings) throw errors.webhookNotFound();
    return { url: settings.url, secret: settings.secret };
  }

  /** Sets the URL; a new secret is generated unless one is given (at least 16 characters). */
  async set(account: Account, input: { url: string; secret?: string }): Promise<WebhookView> {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw errors.badRequest('url must be an absolute http:// or https:// URL', { pointer: '/url' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw errors.badRequest('url must use http or https', { pointer: '/url' });
    // Only literal addresses and internal names can be judged here; a name resolving to a private
    // address is still refused when sending.
    const refusal = hostRefusal(url, this.policy);
    if (refusal) throw errors.badRequest(`url's host is ${refusal}, where webhooks are not sent unless it is listed in PICTOR_WEBHOOK_ALLOW`, { pointer: '/url' });
    if (input.secret !== undefined && input.secret.length < 16) throw errors.badRequest('secret must be at least 16 characters', { pointer: '/secret' });
    const secret = input.secret ?? randomBytes(24).toString('base64url');
    await this.webhooks.saveSettings({ accountId: account.id, url: url.href, secret, createdMs: this.clock.now() });
    return { url: url.href, secret };
  }

  async remove(account: Account): Promise<void> {
    if (!(await this.webhooks.removeSettings(account.id))) throw errors.webhookNotFound();
  }
}
