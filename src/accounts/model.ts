/** Accounts, API credentials and what the account domain needs from storage. */
import type { SigningKeyRecord } from '../signing/model.js';
import type { VariantRecord } from '../variants/model.js';

export type Permission = 'read' | 'write';

export interface Account {
  id: string;
  /** 22-char base64url string used in delivery URLs instead of the account id. */
  hash: string;
  name: string;
  createdMs: number;
  flexibleVariants: boolean;
  browserTtl: number;
  /**
   * Bumped after every change that affects delivery in the account (access, deletes, variants,
   * keys, delivery settings): delivery metadata cached under one value is current while it holds.
   */
  deliveryVersion: number;
}

export interface ApiTokenRecord {
  id: string;
  tokenHash: string;
  accountId: string;
  permission: Permission;
  name: string;
  createdMs: number;
  expiresMs: number | null;
  /** Last successful authentication, to the minute (null: never used). */
  lastUsedMs: number | null;
}

export interface UserRecord {
  id: string;
  email: string;
  keyHash: string;
  createdMs: number;
}

/** Everything created with a new account, written in one transaction. */
export interface NewAccount {
  account: Account;
  variants: VariantRecord[];
  keys: SigningKeyRecord[];
}

export interface AccountRepository {
  createAccount(init: NewAccount): Promise<void>;
  findAccount(id: string): Promise<Account | undefined>;
  findAccountByHash(hash: string): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;
  /** `hash` changes only on import, to the hash an imported account's URLs already carry. */
  updateAccount(id: string, patch: Partial<Pick<Account, 'flexibleVariants' | 'browserTtl' | 'name' | 'hash'>>): Promise<Account | undefined>;
  bumpDeliveryVersion(id: string): Promise<void>;
  insertToken(token: ApiTokenRecord): Promise<void>;
  findTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  listTokens(accountId: string): Promise<ApiTokenRecord[]>;
  /** Deletes the token; false when there is none with that id. */
  deleteToken(id: string): Promise<boolean>;
  /** Deletes the tokens of that name except the one with `keepHash`; returns how many went. */
  deleteTokensNamed(name: string, keepHash: string): Promise<number>;
  /** Sets last_used_ms to `nowMs` if it is unset or at most `notAfterMs` (so processes racing on one token write once). */
  touchToken(id: string, nowMs: number, notAfterMs: number): Promise<void>;
  insertUser(user: UserRecord, accountIds: string[]): Promise<void>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  addMember(userId: string, accountId: string): Promise<void>;
  userAccountIds(userId: string): Promise<string[]>;
}
