/**
 * The one logger: every log line of a Pictor process, requests and background work alike, is a
 * pino JSON line with the same redaction. It loads no HTTP framework, so the cluster primary and
 * the admin commands use it too.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import { redactCapabilities } from './log-redaction.js';

export type { Logger };
/** What code that only reports needs of a logger (Fastify's request logger fits too). */
export type Log = Pick<Logger, 'error' | 'warn' | 'info' | 'debug'>;

export const loggerOptions = (level: string) => ({
  level,
  // Credentials must never reach the logs, whatever serializer a future change adds.
  redact: {
    paths: ['req.headers.authorization', 'req.headers["x-auth-key"]', 'req.headers.cookie', 'headers.authorization', 'headers["x-auth-key"]'],
    censor: '[redacted]',
  },
  // Signed-URL signatures and upload tokens, in any field of any line (src/log-redaction.ts).
  hooks: { streamWrite: redactCapabilities },
});

/**
 * A logger at `level` writing to `destination` (stdout by default). Stdout is written
 * asynchronously: lines logged while a write is under way go out together in the next one, so
 * under load the access log costs a fraction of a write per request instead of one write each
 * (pino flushes what is left when the process exits).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(loggerOptions(level), destination ?? pino.destination({ dest: 1, sync: false }));
}
