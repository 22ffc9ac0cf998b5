/**
 * The two authenticated scopes of the image API. Both authenticate on onRequest, before any body
 * is read, then apply the per-credential rate limit.
 * - /client/v4/accounts/:account_id/…: API tokens or global keys with a grant on that account.
 *   A credential never learns whether another account exists (always 403 10000).
 * - The batch API (the same image routes without the prefix): batch tokens only.
 */
import type { FastifyRequest } from 'fastify';
import { errors } from '../../errors.js';
import type { Services } from '../../services.js';
import type { RateLimiter } from '../../util/rate-limiter.js';
import { authenticate } from '../authenticate.js';
import { readCredentials } from '../credentials-headers.js';
import type { ApiApp } from '../types.js';

const accountIdFormat = /^[0-9a-f]{32}$/;

function limit(limiter: RateLimiter | undefined, key: string, now: number): void {
  if (!limiter) return;
  const decision = limiter.take(key, now);
  if (!decision.ok) throw errors.rateLimited(decision.retryAfterSeconds);
}

export function registerAccountScope(app: ApiApp, services: Pick<Services, 'accounts' | 'batchTokens' | 'clock' | 'rateLimits'>, routes: (scope: ApiApp) => void): void {
  void app.register(
    async (scope) => {
      scope.addHook('onRequest', async (request) => {
        const principal = await authenticate(services, request);
        limit(services.rateLimits.api, `${principal.kind}:${principal.id}`, services.clock.now());
        const accountId = (request.params as { account_id: string }).account_id;
        if (!accountIdFormat.test(accountId)) throw errors.invalidObjectIdentifier(request.url.split('?')[0]!);
        const grant = principal.grants.get(accountId);
        const needed = request.routeOptions.config.permission ?? 'write';
        if (!grant || (needed === 'write' && grant !== 'write')) throw errors.authenticationError();
        const account = await services.accounts.findAccount(accountId);
        if (!account) throw errors.authenticationError();
        request.principal = principal;
        request.account = account;
      });
      routes(scope);
    },
    { prefix: '/client/v4/accounts/:account_id' },
  );
}

export function registerBatchScope(app: ApiApp, services: Pick<Services, 'accounts' | 'batchTokens' | 'clock' | 'rateLimits'>, routes: (scope: ApiApp) => void): void {
  void app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      const credentials = readCredentials(request.headers);
      const accountId = credentials.kind === 'token' ? await services.batchTokens.accountOf(credentials.token) : undefined;
      // Only batch tokens open the batch API; API tokens and global keys are refused here.
      if (!accountId || credentials.kind !== 'token') throw errors.authenticationError();
      limit(services.rateLimits.batch, credentials.token, services.clock.now());
      const account = await services.accounts.findAccount(accountId);
      if (!account) throw errors.authenticationError();
      request.account = account;
    });
    routes(scope);
  });
}
