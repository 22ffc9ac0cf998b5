/** Accounts and the credentials that act on them: API tokens and users' global keys. */
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import type { Clock } from '../util/clock.js';
import { hashSecret, newAccountHash, newAccountId, newApiToken, newGlobalKey, newId, safeEqual } from './credentials.js';
import { defaultSigningKey, publicVariant } from './defaults.js';
import type { Account, AccountRepository, ApiTokenRecord, Permission } from './model.js';

/** Who is calling, once credentials check out. */
export interface Principal {
  kind: 'token' | 'user';
  id: string;
  /** Account ids and the permission held on each. */
  grants: Map<string, Permission>;
}

export interface CreatedToken {
  token: string;
  record: ApiTokenRecord;
}

/** Name of the token PICTOR_API_TOKEN registers; a start with another value revokes the old one. */
export const BOOTSTRAP_TOKEN_NAME = 'PICTOR_API_TOKEN';

/**
 * "Last used" is kept to the minute: writing it on every request would turn each API read into a
 * database write.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

export class AccountService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly clock: Clock,
  ) {}

  async createAccount(options: { id?: string; name?: string } = {}): Promise<Account> {
    const now = this.clock.now();
    const account: Account = {
      id: options.id ?? newAccountId(),
      hash: newAccountHash(),
      name: options.name ?? 'Pictor account',
      createdMs: now,
      flexibleVariants: false,
      browserTtl: limits.browserTtlSeconds.default,
      deliveryVersion: 0,
    };
    await this.accounts.createAccount({
      account,
      variants: [publicVariant(account.id, now)],
      keys: [defaultSigningKey(account.id, now)],
    });
    return account;
  }

  /** Returns the account, creating it (with its defaults) when missing. */
  async ensureAccount(id: string): Promise<{ account: Account; created: boolean }> {
    const existing = await this.accounts.findAccount(id);
    if (existing) return { account: existing, created: false };
    return { account: await this.createAccount({ id }), created: true };
  }

  findAccount(id: string): Promise<Account | undefined> {
    return this.accounts.findAccount(id);
  }

  findAccountByHash(hash: string): Promise<Account | undefined> {
    return this.accounts.findAccountByHash(hash);
  }

  listAccounts(): Promise<Account[]> {
    return this.accounts.listAccounts();
  }

  async createToken(
    accountId: string,
    permission: Permission,
    options: { token?: string; name?: string; expiresInSeconds?: number } = {},
  ): Promise<CreatedToken> {
    const token = options.token ?? newApiToken();
    const now = this.clock.now();
    const record: ApiTokenRecord = {
      id: newId(),
      tokenHash: hashSecret(token),
      accountId,
      permission,
      name: options.name ?? `Images ${permission === 'write' ? 'Read+Write' : 'Read'}`,
      createdMs: now,
      expiresMs: options.expiresInSeconds === undefined ? null : now + options.expiresInSeconds * 1000,
      lastUsedMs: null,
    };
    await this.accounts.insertToken(record);
    return { token, record };
  }

  /**
   * Makes sure this exact token exists with write access on the account (idempotent across
   * restarts). Unless `keepPrevious`, a bootstrap token registered under an earlier value is
   * revoked: changing PICTOR_API_TOKEN is how an operator shuts out a leaked one. Returns how many
   * were revoked.
   */
  async ensureToken(accountId: string, token: string, options: { keepPrevious?: boolean } = {}): Promise<number> {
    const digest = hashSecret(token);
    const existing = await this.accounts.findTokenByHash(digest);
    if (existing && existing.accountId !== accountId) throw new Error('PICTOR_API_TOKEN is already registered for a different account');
    if (!existing) await this.createToken(accountId, 'write', { token, name: BOOTSTRAP_TOKEN_NAME });
    return options.keepPrevious ? 0 : this.accounts.deleteTokensNamed(BOOTSTRAP_TOKEN_NAME, digest);
  }

  /** The account's tokens (their digests stay inside: callers show ids and dates only). */
  listTokens(accountId: string): Promise<ApiTokenRecord[]> {
    return this.accounts.listTokens(accountId);
  }

  /**
   * Revokes a token at once everywhere: authentication reads the token row on every request
   * (nothing caches it), so every process and node refuses it from its next request.
   */
  revokeToken(id: string): Promise<boolean> {
    return this.accounts.deleteToken(id);
  }

  /** Creates a user with a global API key on the given accounts; returns the key (shown once). */
  async createUser(email: string, accountIds: string[], key: string = newGlobalKey()): Promise<string> {
    await this.accounts.insertUser({ id: newId(), email, keyHash: hashSecret(key), createdMs: this.clock.now() }, accountIds);
    return key;
  }

  async userExists(email: string): Promise<boolean> {
    return (await this.accounts.findUserByEmail(email)) !== undefined;
  }

  /** Makes sure the user exists with this key and is a member of the account. */
  async ensureUser(email: string, key: string, accountId: string): Promise<void> {
    const user = await this.accounts.findUserByEmail(email);
    if (!user) {
      await this.createUser(email, [accountId], key);
      return;
    }
    if (!safeEqual(user.keyHash, hashSecret(key))) throw new Error(`PICTOR_API_KEY does not match the key stored for ${email}`);
    await this.accounts.addMember(user.id, accountId);
  }

  async authenticateToken(token: string): Promise<Principal | undefined> {
    const digest = hashSecret(token);
    const record = await this.accounts.findTokenByHash(digest);
    if (!record || !safeEqual(record.tokenHash, digest)) return undefined;
    const now = this.clock.now();
    if (record.expiresMs !== null && record.expiresMs <= now) return undefined;
    if (record.lastUsedMs === null || now - record.lastUsedMs >= LAST_USED_RESOLUTION_MS) {
      await this.accounts.touchToken(record.id, now, now - LAST_USED_RESOLUTION_MS);
    }
    return { kind: 'token', id: record.id, grants: new Map([[record.accountId, record.permission]]) };
  }

  async authenticateUser(email: string, key: string): Promise<Principal | undefined> {
    const user = await this.accounts.findUserByEmail(email);
    // Hash even when the user is unknown so both paths cost the same.
    const digest = hashSecret(key);
    if (!user || !safeEqual(user.keyHash, digest)) return undefined;
    const accountIds = await this.accounts.userAccountIds(user.id);
    return { kind: 'user', id: user.id, grants: new Map(accountIds.map((id) => [id, 'write' as Permission])) };
  }
}
