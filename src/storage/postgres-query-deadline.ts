/**
 * Gives up a PostgreSQL connection whose query gets no answer in time. Without it a network
 * partition or a hung server holds the request and its pooled connection forever: the kernel
 * takes many minutes to notice a peer that stopped answering. pg's own query_timeout fails the
 * query but keeps the connection, with the unanswered query still blocking it.
 */
import type pg from 'pg';

/** The error the query fails with carries a socket error code, so store-failure.ts answers 503. */
const UNANSWERED_QUERY_MESSAGE = 'no answer from PostgreSQL within';

/**
 * Wraps `client.query` so that a query unanswered after `deadlineMs()` ms (0: no deadline)
 * destroys the connection: the query fails, and the pool discards the client on release.
 */
export function giveUpUnansweredQueries(client: pg.PoolClient, deadlineMs: () => number): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const result = query(...args);
    const ms = deadlineMs();
    if (!ms || !(result instanceof Promise)) return result;
    const timer = setTimeout(() => {
      const stream = (client as unknown as { connection: { stream: { destroy(err: Error): void } } }).connection.stream;
      stream.destroy(Object.assign(new Error(`${UNANSWERED_QUERY_MESSAGE} ${ms} ms`), { code: 'ETIMEDOUT', syscall: 'read' }));
    }, ms);
    return result.finally(() => clearTimeout(timer));
  }) as typeof client.query;
}
