/**
 * First-start setup: make sure the configured account, token and user exist, or on a fresh data
 * dir create a default account and token and print them once.
 */
import type { Account } from './accounts/model.js';
import type { Config } from './config.js';
import type { Services } from './services.js';
import { isUniqueViolation } from './storage/database.js';

type AccountsOnly = Pick<Services, 'accounts'>;

export interface BootstrapResult {
  account: Account;
  /** Present only when Pictor generated it just now (it is stored hashed and cannot be shown again). */
  generatedToken?: string;
}

/** Rows bootstrap may create (account, token, user, membership): each race can be lost once. */
const ATTEMPTS = 5;

export async function bootstrap(services: AccountsOnly, config: Config): Promise<BootstrapResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureConfigured(services, config);
    } catch (err) {
      // Several nodes starting at once on one database: another created the same row first, and
      // the next attempt finds it.
      if (!isUniqueViolation(err) || attempt === ATTEMPTS) throw err;
    }
  }
}

async function ensureConfigured(services: AccountsOnly, config: Config): Promise<BootstrapResult> {
  const { accounts } = services;
  const { account, created } = await chooseAccount(services, config);
  if (config.apiToken) await accounts.ensureToken(account.id, config.apiToken, { keepPrevious: config.keepPreviousApiToken });
  if (config.apiEmail && config.apiKey) await accounts.ensureUser(config.apiEmail, config.apiKey, account.id);
  if (!created || config.apiToken) return { account };
  const { token } = await accounts.createToken(account.id, 'write', { name: 'Default token' });
  return { account, generatedToken: token };
}

async function chooseAccount(services: AccountsOnly, config: Config): Promise<{ account: Account; created: boolean }> {
  if (config.accountId) return services.accounts.ensureAccount(config.accountId);
  const existing = await services.accounts.listAccounts();
  if (existing.length > 0) return { account: existing[0]!, created: false };
  return { account: await services.accounts.createAccount({ name: 'Default account' }), created: true };
}
