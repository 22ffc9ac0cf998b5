/** Named variants and what the variants domain needs from storage. */

export interface VariantOptions {
  fit: 'scale-down' | 'contain' | 'cover' | 'crop' | 'pad';
  /** Cloudflare's schema requires both; its docs also show width-only variants. */
  width?: number;
  height?: number;
  metadata: 'keep' | 'copyright' | 'none';
  browser_ttl?: number;
  [extra: string]: unknown;
}

export interface VariantRecord {
  accountId: string;
  id: string;
  options: VariantOptions;
  neverRequireSignedURLs: boolean;
  version: number;
  createdMs: number;
}

export interface VariantRepository {
  list(accountId: string): Promise<VariantRecord[]>;
  find(accountId: string, id: string): Promise<VariantRecord | undefined>;
  /** Inserts; throws DuplicateVariantError when the name exists. */
  insert(variant: VariantRecord): Promise<void>;
  /** Replaces options/flag and bumps `version`. */
  update(accountId: string, id: string, patch: Pick<VariantRecord, 'options' | 'neverRequireSignedURLs'>): Promise<VariantRecord | undefined>;
  remove(accountId: string, id: string): Promise<boolean>;
  count(accountId: string): Promise<number>;
}

export class DuplicateVariantError extends Error {
  constructor() {
    super('duplicate variant');
  }
}
