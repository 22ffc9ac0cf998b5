/**
 * The account-wide part of an import: the account itself (with the source's account hash, so
 * delivery paths stay the same), its named variants, its signing keys (values included, so URLs
 * already signed keep verifying) and its delivery settings.
 *
 * An existing target account with another hash: its hash is replaced by the source's when it holds
 * no images (typically the account PICTOR_ACCOUNT_ID created at a server's first start; no URL of
 * it can be out there). When it holds images, the import refuses: changing the hash would break the
 * URLs of those images, keeping it would break the source's. `--keep-hash` imports anyway under the
 * target's hash (URLs then change their hash segment as well as their host).
 */
import { newAccountHash } from '../../accounts/credentials.js';
import { defaultSigningKey, publicVariant } from '../../accounts/defaults.js';
import type { Account } from '../../accounts/model.js';
import { limits } from '../../limits.js';
import { validateVariantOptions } from '../../variants/variant-options.js';
import { UsageError } from '../usage-error.js';
import type { ImportReport } from './import-report.js';
import type { ImportTarget } from './import-target.js';

type Deps = Pick<ImportTarget, 'accounts' | 'images' | 'variants' | 'keys' | 'changes'>;

export interface SourceAccount {
  id: string;
  /** undefined when the source showed none (an account without images). */
  hash: string | undefined;
  name?: string;
}

/** Account hashes are 22 characters of base64url; anything URL-safe of a sane length is accepted. */
const hashPattern = /^[A-Za-z0-9_-]{8,64}$/;

export async function adoptAccount(deps: Deps, source: SourceAccount, options: { keepHash: boolean; dryRun: boolean }, report: ImportReport): Promise<Account> {
  if (source.hash !== undefined && !hashPattern.test(source.hash)) throw new Error(`the source's account hash "${source.hash}" is not URL-safe`);
  const existing = await deps.accounts.findAccount(source.id);
  const wanted = source.hash ?? existing?.hash ?? newAccountHash();
  if (existing?.hash !== wanted && !options.keepHash) {
    const holder = await deps.accounts.findAccountByHash(wanted);
    if (holder) throw new UsageError(`account ${holder.id} on the target already has the hash ${wanted}; import into it with --account ${holder.id}`);
  }
  if (!existing) {
    const now = Date.now();
    const account: Account = { id: source.id, hash: wanted, name: source.name ?? 'Imported account', createdMs: now, flexibleVariants: false, browserTtl: limits.browserTtlSeconds.default, deliveryVersion: 0 };
    if (!options.dryRun) await deps.accounts.createAccount({ account, variants: [publicVariant(account.id, now)], keys: [defaultSigningKey(account.id, now)] });
    if (source.hash === undefined) report.notes.push(`created account ${account.id}; its hash (in delivery URLs) is ${wanted}`);
    return account;
  }
  if (existing.hash === wanted || options.keepHash) {
    if (existing.hash !== wanted) report.notes.push(`kept the target's account hash ${existing.hash} (--keep-hash): delivery paths use it instead of ${wanted}`);
    return existing;
  }
  const images = await deps.images.count(existing.id);
  if (images > 0) {
    throw new UsageError(
      `account ${existing.id} already exists here with the hash ${existing.hash} and ${images} images, and the source's hash is ${wanted}. ` +
        'Import into an empty account (--account <new id>), or pass --keep-hash to keep this hash (the source\'s delivery paths would then change their hash segment)',
    );
  }
  report.notes.push(`account ${existing.id} held no images: its hash ${existing.hash} became the source's ${wanted}`);
  if (options.dryRun) return { ...existing, hash: wanted };
  return deps.changes.commit(async ({ accounts, purge }) => {
    const updated = await accounts.updateAccount(existing.id, { hash: wanted });
    if (!updated) throw new Error(`account ${existing.id} disappeared from the target during the import`);
    await purge.publish({ kind: 'account', accountId: existing.id });
    return updated;
  });
}

export interface SourceVariant {
  id: string;
  options: unknown;
  neverRequireSignedURLs?: boolean;
}

/** Variant and signing key names alike. */
const namePattern = /^[A-Za-z0-9]+$/;

/** Creates or updates the source's variants; the target's others stay. */
export async function importVariants(deps: Deps, account: Account, variants: SourceVariant[], dryRun: boolean, report: ImportReport): Promise<void> {
  for (const v of variants) {
    try {
      if (!namePattern.test(v.id) || v.id.length > limits.maxVariantNameLength) throw new Error('the name is not 1-99 letters or digits');
      const options = validateVariantOptions(v.options);
      const never = v.neverRequireSignedURLs === true;
      const current = await deps.variants.find(account.id, v.id);
      if (current && JSON.stringify(current.options) === JSON.stringify(options) && current.neverRequireSignedURLs === never) continue;
      if (dryRun) continue;
      await deps.changes.commit(async ({ variants, purge }) => {
        if (current) await variants.update(account.id, v.id, { options, neverRequireSignedURLs: never });
        else await variants.insert({ accountId: account.id, id: v.id, options, neverRequireSignedURLs: never, version: 1, createdMs: Date.now() });
        await purge.publish({ kind: 'variant', accountId: account.id, variantId: v.id });
      });
    } catch (err) {
      report.failed.add(`variant ${v.id}`, err);
    }
  }
}

/** The target ends with exactly the source's keys and values. */
export async function importSigningKeys(deps: Deps, account: Account, keys: Array<{ name: string; value: string }>, dryRun: boolean, report: ImportReport): Promise<void> {
  for (const bad of keys.filter((k) => typeof k.name !== 'string' || !namePattern.test(k.name) || k.name.length > limits.maxSigningKeyNameLength)) {
    report.failed.add(`signing key ${String(bad.name)}`, `the name is not 1-${limits.maxSigningKeyNameLength} letters or digits`);
  }
  const named = keys.filter((k) => typeof k.name === 'string' && namePattern.test(k.name) && k.name.length <= limits.maxSigningKeyNameLength);
  const usable = named.filter((k) => typeof k.value === 'string' && k.value.length > 0);
  if (usable.length < named.length) report.failed.add('signing keys', 'the source listed keys without their values (the token needs permission to read them: Images Read+Write)');
  if (usable.length === 0 || dryRun) return;
  // All keys change together, with the one bump: no node ever sees half the source's keys.
  await deps.changes.commit(async ({ keys, purge }) => {
    const current = await keys.list(account.id);
    let changed = false;
    for (const key of usable) {
      if (current.some((c) => c.name === key.name && c.value === key.value)) continue;
      await keys.upsert({ accountId: account.id, name: key.name, value: key.value, createdMs: Date.now() });
      changed = true;
    }
    for (const extra of current.filter((c) => !usable.some((k) => k.name === c.name))) {
      await keys.remove(account.id, extra.name);
      changed = true;
    }
    if (changed) await purge.publish({ kind: 'account', accountId: account.id });
  });
}

export async function importDeliverySettings(
  deps: Deps,
  account: Account,
  settings: { flexible_variants?: boolean; browser_ttl?: number },
  dryRun: boolean,
): Promise<void> {
  const patch: { flexibleVariants?: boolean; browserTtl?: number } = {};
  if (typeof settings.flexible_variants === 'boolean' && settings.flexible_variants !== account.flexibleVariants) patch.flexibleVariants = settings.flexible_variants;
  const ttl = settings.browser_ttl;
  if (Number.isInteger(ttl) && ttl! >= limits.browserTtlSeconds.min && ttl! <= limits.browserTtlSeconds.max && ttl !== account.browserTtl) patch.browserTtl = ttl;
  if (Object.keys(patch).length === 0 || dryRun) return;
  await deps.changes.commit(async ({ accounts, purge }) => {
    await accounts.updateAccount(account.id, patch);
    await purge.publish({ kind: 'account', accountId: account.id });
  });
}
