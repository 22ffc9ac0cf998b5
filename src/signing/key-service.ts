/**
 * Image-signing keys: at most two per account; deleting the last one creates a fresh `default`.
 * Each write commits with its account's delivery-version bump in one transaction.
 */
import { defaultSigningKey } from '../accounts/defaults.js';
import { newSigningKeyValue } from '../accounts/credentials.js';
import type { Account } from '../accounts/model.js';
import type { SigningKeyRepository } from './model.js';
import type { Changes } from '../purge/changes.js';
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import type { Clock } from '../util/clock.js';

export interface KeysView {
  keys: Array<{ name: string; value: string }>;
}

const namePattern = /^[A-Za-z0-9]+$/;

export class SigningKeyService {
  constructor(
    private readonly keys: SigningKeyRepository,
    private readonly changes: Changes<{ keys: SigningKeyRepository }>,
    private readonly clock: Clock,
  ) {}

  async values(account: Account): Promise<string[]> {
    return (await this.keys.list(account.id)).map((k) => k.value);
  }

  async list(account: Account): Promise<KeysView> {
    return { keys: (await this.keys.list(account.id)).map((k) => ({ name: k.name, value: k.value })) };
  }

  /** Creates the key, or rotates its value when it exists. */
  async put(account: Account, name: string): Promise<KeysView> {
    if (!namePattern.test(name) || name.length > limits.maxSigningKeyNameLength) {
      throw errors.badRequest(`Signing key name must be 1-${limits.maxSigningKeyNameLength} letters or digits`);
    }
    await this.changes.commit(async ({ keys, purge }) => {
      const existing = await keys.list(account.id);
      if (!existing.some((k) => k.name === name) && existing.length >= limits.maxSigningKeys) {
        throw errors.badRequest(`An account can have at most ${limits.maxSigningKeys} signing keys; delete one first`);
      }
      await keys.upsert({ accountId: account.id, name, value: newSigningKeyValue(), createdMs: this.clock.now() });
      // A rotated key stops validating URLs signed with its old value at once.
      await purge.publish({ kind: 'account', accountId: account.id });
    });
    return this.list(account);
  }

  async delete(account: Account, name: string): Promise<KeysView> {
    await this.changes.commit(async ({ keys, purge }) => {
      if (!(await keys.remove(account.id, name))) throw errors.keyNotFound();
      if ((await keys.list(account.id)).length === 0) await keys.upsert(defaultSigningKey(account.id, this.clock.now()));
      await purge.publish({ kind: 'account', accountId: account.id });
    });
    return this.list(account);
  }
}
