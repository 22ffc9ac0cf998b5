/** Request lifetime facts shared by route modules. */
import type { FastifyReply } from 'fastify';

/**
 * Aborts when the connection closes before the response is complete (the client went away). The
 * response's 'close', not the request's: a request closes as soon as its body has been read.
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
