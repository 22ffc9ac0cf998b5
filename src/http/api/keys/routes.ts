/** Signing keys: GET images/v1/keys, PUT/DELETE images/v1/keys/{name}; each answers `{keys}`. */
import { Type } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';

const KeyParams = Type.Object({ signing_key_name: Type.String({ minLength: 1 }) });

export function listKeys(app: ApiApp, services: Pick<Services, 'keys'>): void {
  app.get('/images/v1/keys', {
    config: { permission: 'read' },
    handler: async (request) => ok(await services.keys.list(accountOf(request))),
  });
}

export function putKey(app: ApiApp, services: Pick<Services, 'keys'>): void {
  app.put('/images/v1/keys/:signing_key_name', {
    schema: { params: KeyParams },
    config: { permission: 'write' },
    handler: async (request) => ok(await services.keys.put(accountOf(request), request.params.signing_key_name)),
  });
}

export function deleteKey(app: ApiApp, services: Pick<Services, 'keys'>): void {
  app.delete('/images/v1/keys/:signing_key_name', {
    schema: { params: KeyParams },
    config: { permission: 'write' },
    handler: async (request) => ok(await services.keys.delete(accountOf(request), request.params.signing_key_name)),
  });
}
