/** GET /client/v4/user/tokens/verify — Cloudflare's token self-check. */
import { errors } from '../../../errors.js';
import type { Services } from '../../../services.js';
import { readCredentials } from '../../credentials-headers.js';
import type { ApiApp } from '../../types.js';

export function verifyToken(app: ApiApp, services: Pick<Services, 'accounts'>): void {
  app.get('/client/v4/user/tokens/verify', async (request) => {
    const credentials = readCredentials(request.headers);
    if (credentials.kind !== 'token') throw errors.invalidApiToken();
    const principal = await services.accounts.authenticateToken(credentials.token);
    if (!principal) throw errors.invalidApiToken();
    return {
      result: { id: principal.id, status: 'active' },
      success: true,
      errors: [],
      messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }],
    };
  });
}
