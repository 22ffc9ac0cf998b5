/** Webhook settings per account and the durable outbox of deliveries. */

export interface WebhookSettings {
  accountId: string;
  url: string;
  secret: string;
  createdMs: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  accountId: string;
  type: string;
  /** The JSON body exactly as it is sent (and signed). */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptMs: number;
  lastError: string | null;
  createdMs: number;
}

export interface WebhookRepository {
  findSettings(accountId: string): Promise<WebhookSettings | undefined>;
  saveSettings(settings: WebhookSettings): Promise<void>;
  removeSettings(accountId: string): Promise<boolean>;
  enqueue(delivery: WebhookDelivery): Promise<void>;
  /** Pending deliveries due by `nowMs` that no node holds; each returned one is now leased to the caller. */
  claimDue(nowMs: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]>;
  markDelivered(id: string, attempts: number): Promise<void>;
  markRetry(id: string, attempts: number, nextAttemptMs: number, error: string): Promise<void>;
  markFailed(id: string, attempts: number, error: string): Promise<void>;
  find(id: string): Promise<WebhookDelivery | undefined>;
}
