/**
 * Records image events for accounts that have a webhook, durably, before the API call returns;
 * the dispatcher delivers them. An account without a webhook records nothing.
 */
import { randomUUID } from 'node:crypto';
import type { ImageEvents, ImageEventType } from '../images/image-events.js';
import type { Clock } from '../util/clock.js';
import type { WebhookRepository } from './model.js';

export class WebhookOutbox implements ImageEvents {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly clock: Clock,
    /** Wakes the dispatcher so a new event goes out without waiting for the next poll. */
    private readonly poke: () => void,
  ) {}

  async emit(accountId: string, type: ImageEventType, data: Record<string, unknown>): Promise<void> {
    if (!(await this.webhooks.findSettings(accountId))) return;
    const now = this.clock.now();
    const id = randomUUID();
    const payload = JSON.stringify({ id, type, created: new Date(now).toISOString(), account_id: accountId, data });
    await this.webhooks.enqueue({ id, accountId, type, payload, status: 'pending', attempts: 0, nextAttemptMs: now, lastError: null, createdMs: now });
    this.poke();
  }
}
