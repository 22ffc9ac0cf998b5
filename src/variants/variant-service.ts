/**
 * Named variants: the account's list, CRUD, and the purge a create, edit or delete triggers. Each
 * write commits with its account's delivery-version bump in one transaction.
 */
import { PUBLIC_VARIANT } from '../accounts/defaults.js';
import type { Account } from '../accounts/model.js';
import { DuplicateVariantError, type VariantOptions, type VariantRecord, type VariantRepository } from './model.js';
import type { Changes } from '../purge/changes.js';
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import type { Clock } from '../util/clock.js';
import { validateVariantOptions } from './variant-options.js';

export interface VariantView {
  id: string;
  options: VariantOptions;
  neverRequireSignedURLs: boolean;
}

export interface VariantInput {
  options: unknown;
  neverRequireSignedURLs?: boolean;
}

const namePattern = /^[A-Za-z0-9]+$/;

export const variantView = (v: VariantRecord): VariantView => ({ id: v.id, options: v.options, neverRequireSignedURLs: v.neverRequireSignedURLs });

export class VariantService {
  constructor(
    private readonly variants: VariantRepository,
    private readonly changes: Changes<{ variants: VariantRepository }>,
    private readonly clock: Clock,
  ) {}

  async list(account: Account): Promise<Record<string, VariantView>> {
    const all = await this.variants.list(account.id);
    return Object.fromEntries(all.map((v) => [v.id, variantView(v)]));
  }

  async get(account: Account, id: string): Promise<VariantRecord> {
    const variant = await this.variants.find(account.id, id);
    if (!variant) throw errors.variantNotFound();
    return variant;
  }

  async create(account: Account, id: unknown, input: VariantInput): Promise<VariantRecord> {
    if (typeof id !== 'string' || !namePattern.test(id) || id.length > limits.maxVariantNameLength) {
      throw errors.badRequest(`Variant id must be 1-${limits.maxVariantNameLength} letters or digits`, { pointer: '/id' });
    }
    const record: VariantRecord = {
      accountId: account.id,
      id,
      options: validateVariantOptions(input.options),
      neverRequireSignedURLs: input.neverRequireSignedURLs ?? false,
      version: 1,
      createdMs: this.clock.now(),
    };
    try {
      await this.changes.commit(async ({ variants, purge }) => {
        if ((await variants.count(account.id)) >= limits.maxVariants) {
          throw errors.badRequest(`An account can have at most ${limits.maxVariants} variants`);
        }
        await variants.insert(record);
        // Delivery caches the account's variant list: a new name must be served at once, not answer 404.
        await purge.publish({ kind: 'variant', accountId: account.id, variantId: id });
      });
    } catch (err) {
      if (err instanceof DuplicateVariantError) throw errors.alreadyExists(`Variant "${id}"`);
      throw err;
    }
    return record;
  }

  async update(account: Account, id: string, input: VariantInput): Promise<VariantRecord> {
    const current = await this.get(account, id);
    const patch = {
      options: validateVariantOptions(input.options),
      neverRequireSignedURLs: input.neverRequireSignedURLs ?? current.neverRequireSignedURLs,
    };
    return this.changes.commit(async ({ variants, purge }) => {
      const updated = await variants.update(account.id, id, patch);
      if (!updated) throw errors.variantNotFound();
      await purge.publish({ kind: 'variant', accountId: account.id, variantId: id });
      return updated;
    });
  }

  async delete(account: Account, id: string): Promise<void> {
    if (id === PUBLIC_VARIANT) throw errors.badRequest('The public variant cannot be deleted');
    await this.changes.commit(async ({ variants, purge }) => {
      if (!(await variants.remove(account.id, id))) throw errors.variantNotFound();
      await purge.publish({ kind: 'variant', accountId: account.id, variantId: id });
    });
  }
}
