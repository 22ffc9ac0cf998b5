/**
 * Reads and throws away what is left of a refused request's body. fetch-based clients (undici, so
 * the cloudflare SDK) read no answer until they have sent the whole body: an early 413 followed by
 * closing the connection reaches them as EPIPE, a "Connection error" with no status. Bounded, so a
 * client cannot make the server read an endless body; past the bound the caller closes instead.
 */
import type { IncomingMessage } from 'node:http';

/** Resolves true once the body has ended, false when it went past `maxBytes` or failed. */
export function discardRequestBody(request: IncomingMessage, maxBytes: number): Promise<boolean> {
  if (request.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (ended: boolean) => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('close', onError);
      request.pause();
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done(false);
    };
    const onEnd = () => done(true);
    const onError = () => done(false);
    // A multipart parser may still be reading it; from here on nobody else needs the bytes.
    request.unpipe();
    request.on('data', onData).once('end', onEnd).once('error', onError).once('close', onError);
    request.resume();
  });
}
