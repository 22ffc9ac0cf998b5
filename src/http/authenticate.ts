/**
 * Who is calling: an API token or a global key (X-Auth-Email + X-Auth-Key), as every authenticated
 * route module (the image API, the zone purge API) reads it.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../accounts/account-service.js';
import { errors } from '../errors.js';
import type { Services } from '../services.js';
import { readCredentials } from './credentials-headers.js';

export async function authenticate(services: Pick<Services, 'accounts' | 'batchTokens'>, request: FastifyRequest): Promise<Principal> {
  const credentials = readCredentials(request.headers);
  if (credentials.kind === 'key') {
    const principal = await services.accounts.authenticateUser(credentials.email, credentials.key);
    if (!principal) throw errors.unknownGlobalKey();
    return principal;
  }
  const principal = await services.accounts.authenticateToken(credentials.token);
  if (principal) return principal;
  // Cloudflare answers a batch token on the regular API with its generic authentication error.
  if (await services.batchTokens.accountOf(credentials.token)) throw errors.authenticationError();
  throw errors.invalidAccessToken();
}
