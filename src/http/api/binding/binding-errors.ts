/**
 * Binding answers fail as Cloudflare's binding backend does: the status, `cf-images-binding:
 * err=<code>` (which workerd's images-api module turns into an ImagesError with that code) and
 * `ERROR <code>: <message>` as text (which `@cloudflare/images` puts in its Error).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../../errors.js';
import { toImagesError } from '../../error-handler.js';

export function sendBindingError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const known = toImagesError(err, request) ?? errors.internal();
  if (known.status >= 500) request.log.error({ err }, 'binding request failed');
  void reply
    .code(known.status)
    .headers({ ...known.options.headers, 'cf-images-binding': `err=${known.code}`, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    .send(`ERROR ${known.code}: ${known.message}`);
}
