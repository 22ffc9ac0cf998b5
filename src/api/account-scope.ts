/**
 * Everything under /client/v4/accounts/:account_id: authenticate, check the token's grant on that
 * account, load it. A credential never learns whether another account exists (always 403 10000).
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { errors } from '../errors.js';
import { readCredentials } from './credentials-headers.js';
import type { ApiApp } from './types.js';

const accountIdFormat = /^[0-9a-f]{32}$/;

export async function authenticate(services: Services, request: FastifyRequest) {
  const credentials = readCredentials(request.headers);
  if (credentials.kind === 'token') {
    const principal = await services.accounts.authenticateToken(credentials.token);
    if (!principal) throw errors.invalidAccessToken();
    return principal;
  }
  const principal = await services.accounts.authenticateUser(credentials.email, credentials.key);
  if (!principal) throw errors.unknownGlobalKey();
  return principal;
}

export function registerAccountScope(app: ApiApp, services: Services, routes: (scope: ApiApp) => void): void {
  void app.register(
    async (scope) => {
      scope.addHook('onRequest', async (request) => {
        const principal = await authenticate(services, request);
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
