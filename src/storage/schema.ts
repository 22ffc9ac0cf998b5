/**
 * Table shapes shared by SQLite and PostgreSQL. Portable column choices: text ids, JSON as text,
 * booleans as integer 0/1, timestamps as bigint epoch milliseconds.
 */
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: string;
  hash: string;
  name: string;
  created_ms: number;
  flexible_variants: number;
  browser_ttl: number;
  delivery_version: number;
}

export interface UsersTable {
  id: string;
  email: string;
  key_hash: string;
  created_ms: number;
}

export interface AccountMembersTable {
  account_id: string;
  user_id: string;
}

export interface ApiTokensTable {
  id: string;
  token_hash: string;
  account_id: string;
  /** 'read' or 'write' (write includes read). */
  permission: string;
  name: string;
  created_ms: number;
  expires_ms: number | null;
  last_used_ms: number | null;
}

export interface ImagesTable {
  account_id: string;
  id: string;
  filename: string;
  creator: string | null;
  meta: string;
  require_signed: number;
  uploaded_ms: number;
  /** Zero-padded upload time + random suffix: a unique, time-ordered keyset cursor. */
  sort_key: string;
  draft: number;
  draft_expires_ms: number | null;
  blob_key: string | null;
  content_type: string | null;
  format: string | null;
  bytes: number;
  width: number;
  height: number;
  frames: number;
  /** Bumped on every change that affects delivery; part of rendition cache keys. */
  version: number;
  /** SHA-256 of a draft's one-time upload token; null once used (and for ordinary images). */
  upload_token_hash: string | null;
}

export interface VariantsTable {
  account_id: string;
  id: string;
  options: string;
  never_require_signed: number;
  version: number;
  created_ms: number;
}

export interface SigningKeysTable {
  account_id: string;
  name: string;
  value: string;
  created_ms: number;
}

export interface BatchTokensTable {
  token_hash: string;
  account_id: string;
  expires_ms: number;
  created_ms: number;
}

export interface WebhooksTable {
  account_id: string;
  url: string;
  secret: string;
  created_ms: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  account_id: string;
  type: string;
  payload: string;
  /** 'pending', 'delivered' or 'failed'. */
  status: string;
  attempts: number;
  next_attempt_ms: number;
  /** A node delivering this row holds it until then, so two nodes never send it at once. */
  lease_until_ms: number;
  last_error: string | null;
  created_ms: number;
}

export interface Schema {
  accounts: AccountsTable;
  users: UsersTable;
  account_members: AccountMembersTable;
  api_tokens: ApiTokensTable;
  images: ImagesTable;
  variants: VariantsTable;
  signing_keys: SigningKeysTable;
  batch_tokens: BatchTokensTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type { Generated };
