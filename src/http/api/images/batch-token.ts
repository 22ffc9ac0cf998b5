/** GET images/v1/batch_token — `{token, expiresAt}` for the batch API. */
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';

export function issueBatchToken(app: ApiApp, services: Pick<Services, 'batchTokens'>): void {
  app.get('/images/v1/batch_token', {
    config: { permission: 'write' },
    handler: async (request) => ok(await services.batchTokens.issue(accountOf(request).id)),
  });
}
