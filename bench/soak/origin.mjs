// The origin behind /cdn-cgi/image/ during a soak: a few JPEGs served from memory, so
// transformations by URL (and the purge API that drops them) are part of the mix.
import http from 'node:http';
import sharp from 'sharp';

export const ORIGIN_SOURCES = 4;

async function sourceImage(seed) {
  const width = 1200;
  const height = 800;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    pixels.set([128 + 100 * Math.sin((x + seed * 50) / 37), (y * 255) / height, (x * y + seed) % 251], i * 3);
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

/** Serves /src/<n>.jpg for n in [0, ORIGIN_SOURCES). */
export async function startOrigin() {
  const images = await Promise.all(Array.from({ length: ORIGIN_SOURCES }, (_, n) => sourceImage(n)));
  const server = http.createServer((request, response) => {
    const n = Number(/^\/src\/(\d+)\.jpg$/.exec(request.url ?? '')?.[1] ?? -1);
    if (!images[n]) return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': images[n].length }).end(images[n]);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, url: (n) => `${base}/src/${n}.jpg`, close: () => new Promise((resolve) => server.close(resolve)) };
}
