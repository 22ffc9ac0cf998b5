/** Record ↔ row mappings shared by more than one repository. */
import type { Selectable } from 'kysely';
import type { SigningKeyRecord } from '../signing/model.js';
import type { VariantOptions, VariantRecord } from '../variants/model.js';
import type { SigningKeysTable, VariantsTable } from './schema.js';

export const variantRow = (v: VariantRecord): VariantsTable => ({
  account_id: v.accountId,
  id: v.id,
  options: JSON.stringify(v.options),
  never_require_signed: v.neverRequireSignedURLs ? 1 : 0,
  version: v.version,
  created_ms: v.createdMs,
});

export const toVariant = (r: Selectable<VariantsTable>): VariantRecord => ({
  accountId: r.account_id,
  id: r.id,
  options: JSON.parse(r.options) as VariantOptions,
  neverRequireSignedURLs: r.never_require_signed === 1,
  version: r.version,
  createdMs: Number(r.created_ms),
});

export const signingKeyRow = (k: SigningKeyRecord): SigningKeysTable => ({
  account_id: k.accountId,
  name: k.name,
  value: k.value,
  created_ms: k.createdMs,
});

export const toSigningKey = (r: Selectable<SigningKeysTable>): SigningKeyRecord => ({
  accountId: r.account_id,
  name: r.name,
  value: r.value,
  createdMs: Number(r.created_ms),
});
