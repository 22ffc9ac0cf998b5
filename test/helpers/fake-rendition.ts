import type { Rendition } from '../../src/cache/rendition.js';

/** A rendition of `bytes` bytes all set to `fill`, its ETag naming the fill: for cache tests. */
export const fakeRendition = (bytes: number, fill = 1): Rendition => ({
  body: Buffer.alloc(bytes, fill),
  contentType: 'image/webp',
  etag: `"e${fill}"`,
  width: 10,
  height: 10,
  varyAccept: true,
});
