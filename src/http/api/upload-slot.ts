/**
 * The per-client cap on uploads in flight (PICTOR_UPLOADS_PER_CLIENT), shared by POST images/v1
 * and the direct-upload URL. A slow client may keep an upload open for the whole request timeout;
 * without a cap one address could hold every upload the server is willing to buffer.
 *
 * The client is `request.ip`: the socket's address, or with PICTOR_TRUST_PROXY the address the
 * trusted proxies put in X-Forwarded-For (docs/security.md).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../errors.js';
import type { Services } from '../../services.js';
import { failure } from '../envelope.js';

/**
 * onRequest hook for an upload route. Past the cap the answer goes out at once and the connection
 * closes: reading the refused body first (as for a 413) would let the client hold the connection
 * the cap is there to free.
 */
export function uploadSlot(services: Pick<Services, 'uploadSlots'>, decorate: (reply: FastifyReply) => void = () => undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const slots = services.uploadSlots;
    if (!slots) return;
    const client = request.ip;
    if (slots.tryTake(client)) {
      // 'close' comes once the response is finished or the connection is gone, whichever is first.
      reply.raw.once('close', () => slots.release(client));
      return;
    }
    const refused = errors.tooManyUploads(slots.perClient);
    decorate(reply);
    await reply.code(refused.status).headers({ ...refused.options.headers, connection: 'close' }).type('application/json').send(failure(refused));
  };
}
