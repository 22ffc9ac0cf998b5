/** Fastify typing shared by the API routes. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Principal } from '../accounts/account-service.js';
import type { Account, Permission } from '../accounts/model.js';

export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the account scope's auth hook for every route under /accounts/:account_id. */
    account: Account | null;
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Permission a route needs on the account; read routes also accept write tokens. */
    permission?: Permission;
    /** Read a refused request's body to the end (within a bound) before answering, as for a 413, so fetch clients see the answer. */
    discardRefusedBody?: boolean;
  }
}

/** The authenticated account of a request inside the account scope. */
export function accountOf(request: { account: Account | null }): Account {
  if (!request.account) throw new Error('route used outside the authenticated account scope');
  return request.account;
}
