/**
 * Recognizes errors that mean a store (PostgreSQL, the S3 server) could not be reached or could
 * not answer, as opposed to a bug: the request gets a 503 the client can retry, not a bare 500.
 * Judged by the errors' shapes because they surface from every query and blob call.
 */
export type StoreName = 'database' | 'blob store';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

// node-postgres reports a lost or refused connection with these messages and no code.
const PG_CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/;

/** SQLSTATE classes 08 (connection exception), 57P01-57P03 (server shutting down or starting), 53300 (too many connections). */
const isUnavailableSqlState = (code: string): boolean => /^08...$/.test(code) || /^57P0[123]$/.test(code) || code === '53300';

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Which store failed to answer, or undefined when `err` is something else. */
export function failedStore(err: unknown): StoreName | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as ErrorShape;
  // Every AWS SDK error carries $metadata: no status means the request never got an answer.
  if (e.$metadata) {
    const status = e.$metadata.httpStatusCode;
    return status === undefined || status >= 500 ? 'blob store' : undefined;
  }
  if (typeof e.code === 'string' && isUnavailableSqlState(e.code)) return 'database';
  // A socket error of the database connection ("read ECONNRESET"). A client that hangs up mid-body
  // gives ECONNRESET too, but as "aborted", without a syscall.
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code) && 'syscall' in e) return 'database';
  if (typeof e.message === 'string' && PG_CONNECTION_MESSAGES.test(e.message)) return 'database';
  return undefined;
}
