/** Signing keys for signed delivery URLs and what the signing domain needs from storage. */

export interface SigningKeyRecord {
  accountId: string;
  name: string;
  value: string;
  createdMs: number;
}

export interface SigningKeyRepository {
  list(accountId: string): Promise<SigningKeyRecord[]>;
  /** Creates or rotates the key of that name. */
  upsert(key: SigningKeyRecord): Promise<void>;
  remove(accountId: string, name: string): Promise<boolean>;
}
