/** Request lifetime facts shared by route modules. */
import type { FastifyReply } from 'fastify';

/**
 * Aborts when the connection closes before the response is complete (the client went away). The
 * response's 'close', not the request's: a request closes as soon as its body has been read.
 * Routes may make it late (delivery makes it only past a memory hit): a client already gone by then
 * aborts it at once.
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const socket = reply.raw.socket;
  if (!socket || socket.destroyed) controller.abort();
  else {
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
  }
  return controller.signal;
}
