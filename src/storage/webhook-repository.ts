/** WebhookRepository on Kysely. Claims use a lease column so several nodes never send one row twice at once. */
import type { Kysely, Selectable } from 'kysely';
import type { DeliveryStatus, WebhookDelivery, WebhookRepository, WebhookSettings } from '../webhooks/model.js';
import type { Schema, WebhookDeliveriesTable } from './schema.js';

const toDelivery = (r: Selectable<WebhookDeliveriesTable>): WebhookDelivery => ({
  id: r.id,
  accountId: r.account_id,
  type: r.type,
  payload: r.payload,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  nextAttemptMs: Number(r.next_attempt_ms),
  lastError: r.last_error,
  createdMs: Number(r.created_ms),
});

export class KyselyWebhookRepository implements WebhookRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async findSettings(accountId: string): Promise<WebhookSettings | undefined> {
    const r = await this.db.selectFrom('webhooks').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return r && { accountId: r.account_id, url: r.url, secret: r.secret, createdMs: Number(r.created_ms) };
  }

  async saveSettings(s: WebhookSettings): Promise<void> {
    await this.db
      .insertInto('webhooks')
      .values({ account_id: s.accountId, url: s.url, secret: s.secret, created_ms: s.createdMs })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ url: s.url, secret: s.secret }))
      .execute();
  }

  async removeSettings(accountId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhooks').where('account_id', '=', accountId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async enqueue(d: WebhookDelivery): Promise<void> {
    await this.db
      .insertInto('webhook_deliveries')
      .values({
        id: d.id,
        account_id: d.accountId,
        type: d.type,
        payload: d.payload,
        status: d.status,
        attempts: d.attempts,
        next_attempt_ms: d.nextAttemptMs,
        lease_until_ms: 0,
        last_error: d.lastError,
        created_ms: d.createdMs,
      })
      .execute();
  }

  async claimDue(nowMs: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]> {
    const due = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_ms', '<=', nowMs)
      .where('lease_until_ms', '<=', nowMs)
      .orderBy('next_attempt_ms')
      .limit(limit)
      .execute();
    const claimed: WebhookDelivery[] = [];
    for (const row of due) {
      // Only the node whose update still sees the old lease gets the row.
      const result = await this.db
        .updateTable('webhook_deliveries')
        .set({ lease_until_ms: nowMs + leaseMs })
        .where('id', '=', row.id)
        .where('lease_until_ms', '=', row.lease_until_ms)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) claimed.push(toDelivery(row));
    }
    return claimed;
  }

  async markDelivered(id: string, attempts: number): Promise<void> {
    await this.db.updateTable('webhook_deliveries').set({ status: 'delivered', attempts, lease_until_ms: 0, last_error: null }).where('id', '=', id).execute();
  }

  async markRetry(id: string, attempts: number, nextAttemptMs: number, error: string): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ attempts, next_attempt_ms: nextAttemptMs, lease_until_ms: 0, last_error: error })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: string, attempts: number, error: string): Promise<void> {
    await this.db.updateTable('webhook_deliveries').set({ status: 'failed', attempts, lease_until_ms: 0, last_error: error }).where('id', '=', id).execute();
  }

  async find(id: string): Promise<WebhookDelivery | undefined> {
    const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDelivery(row);
  }
}
