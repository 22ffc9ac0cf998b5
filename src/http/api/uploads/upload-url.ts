/**
 * The upload URL a direct upload hands out: POST multipart `file`, no credentials, CORS open so a
 * page on any origin can post to it (from a plain <form> or fetch()).
 */
import type { FastifyReply } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { toImagesError } from '../../error-handler.js';
import { checkDeclaredLength, readUploadForm } from '../images/upload-form.js';
import type { ApiApp } from '../../types.js';
import { uploadSlot } from '../upload-slot.js';

const UploadParams = Type.Object({ hash: Type.String(), token: Type.String() });

const cors = (reply: FastifyReply) =>
  reply.header('access-control-allow-origin', '*').header('access-control-allow-methods', 'POST, OPTIONS').header('access-control-max-age', '86400');

export function uploadUrlRoutes(app: ApiApp, services: Pick<Services, 'directUploads' | 'uploadSlots'>): void {
  app.options('/upload/:hash/:token', async (request, reply) => {
    const requested = request.headers['access-control-request-headers'];
    return cors(reply).header('access-control-allow-headers', requested ?? 'content-type').code(204).send();
  });

  app.post('/upload/:hash/:token', {
    schema: { params: UploadParams },
    onRequest: uploadSlot(services, cors),
    // Errors must be readable cross-origin too.
    onError: async (_request, reply) => void cors(reply),
    // Refusals (dead URL, too big, misnamed field) come before or while the body is read: read the
    // rest so fetch clients see the answer.
    config: { discardRefusedBody: true },
    handler: async (request, reply) => {
      cors(reply);
      // Read only once the URL is known to be open: it is the only credential, so a dead one must
      // not make the server read and buffer up to 10 MB.
      const readFile = async () => {
        try {
          checkDeclaredLength(request);
          return (await readUploadForm(request)).file;
        } catch (err) {
          // As the client will see it (the multipart parser's own errors included), for the failure event too.
          throw toImagesError(err, request) ?? err;
        }
      };
      return ok(await services.directUploads.complete(request.params.hash, request.params.token, readFile));
    },
  });
}
