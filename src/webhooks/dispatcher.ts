/**
 * Delivers recorded webhook events: signed POSTs, retried with exponential backoff, at least once.
 * Rows are leased while being sent, so a node that dies mid-send leaves the row to be retried when
 * the lease runs out, and several nodes share the outbox without sending a row twice at once.
 */
import dns from 'node:dns';
import type { AddressPolicy } from '../net/address-policy.js';
import { guardedRequest, hostRefusal } from '../net/guarded-request.js';
import type { Clock } from '../util/clock.js';
import type { WebhookDelivery, WebhookRepository } from './model.js';
import { SIGNATURE_HEADER, signWebhook } from './signature.js';

export interface DispatcherOptions {
  timeoutMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  pollMs: number;
  policy: AddressPolicy;
}

const MAX_BACKOFF_MS = 3600_000;

/** Where failed attempts are reported: nothing else tells an operator why a receiver gets nothing. */
export interface DeliveryLog {
  warn(details: object, message: string): void;
}

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private log: DeliveryLog | undefined;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly clock: Clock,
    private readonly options: DispatcherOptions,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(log?: DeliveryLog): void {
    this.log = log;
    this.timer = setInterval(() => this.poke(), this.options.pollMs);
    this.timer.unref();
    this.poke();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a pass now (or right after the current one). */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  private async drain(): Promise<void> {
    const leaseMs = this.options.timeoutMs + 5000;
    for (;;) {
      const batch = await this.webhooks.claimDue(this.clock.now(), leaseMs, 20);
      if (batch.length === 0 || this.stopped) return;
      await Promise.all(batch.map((d) => this.deliver(d)));
    }
  }

  private async deliver(delivery: WebhookDelivery): Promise<void> {
    const attempts = delivery.attempts + 1;
    const settings = await this.webhooks.findSettings(delivery.accountId);
    if (!settings) return this.webhooks.markFailed(delivery.id, delivery.attempts, 'the webhook was removed');
    const error = await this.send(settings.url, settings.secret, delivery);
    if (error === undefined) return this.webhooks.markDelivered(delivery.id, attempts);
    const details = { eventId: delivery.id, type: delivery.type, accountId: delivery.accountId, attempt: attempts, error };
    if (attempts >= this.options.maxAttempts) {
      this.log?.warn(details, 'webhook delivery failed; given up');
      return this.webhooks.markFailed(delivery.id, attempts, error);
    }
    const backoff = Math.min(MAX_BACKOFF_MS, this.options.retryBaseMs * 2 ** (attempts - 1));
    this.log?.warn({ ...details, retryInMs: backoff }, 'webhook delivery failed; will retry');
    await this.webhooks.markRetry(delivery.id, attempts, this.clock.now() + backoff, error);
    setTimeout(() => this.poke(), backoff + 10).unref();
  }

  /** undefined on a 2xx answer; otherwise why the attempt failed. */
  private async send(target: string, secret: string, delivery: WebhookDelivery): Promise<string | undefined> {
    const url = new URL(target);
    const refusal = hostRefusal(url, this.options.policy);
    if (refusal) return `the webhook URL's host is ${refusal}`;
    const body = Buffer.from(delivery.payload);
    try {
      const response = await guardedRequest(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': 'Pictor-Webhooks/1',
          'pictor-event-id': delivery.id,
          'pictor-event-type': delivery.type,
          [SIGNATURE_HEADER]: signWebhook(secret, Math.floor(this.clock.now() / 1000), delivery.payload),
        },
        body,
        policy: this.options.policy,
        resolve: dns.lookup,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      response.resume();
      const status = response.statusCode ?? 0;
      return status >= 200 && status < 300 ? undefined : `the receiver answered HTTP ${status}`;
    } catch (err) {
      return `the request failed: ${(err as Error).message}`;
    }
  }
}
