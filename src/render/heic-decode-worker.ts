/**
 * Worker-thread entry of the HEIC decoder (see heic-decoder.ts): heic-decode (libheif compiled to
 * WebAssembly) decodes the first image to RGBA once its size is known to be within `maxPixels`.
 * The pixels' buffer is moved to the caller, not copied.
 */
import { createRequire } from 'node:module';
import { serveTasks } from '../util/worker-pool.js';
import type { HeicTask, DecodedPixels } from './heic-decoder.js';

interface HeicImage {
  readonly width: number;
  readonly height: number;
  decode(): Promise<{ data: Uint8ClampedArray }>;
}

// heic-decode is CommonJS without types.
const decoder = createRequire(import.meta.url)('heic-decode') as { all(input: { buffer: Uint8Array }): Promise<HeicImage[] & { dispose(): void }> };

serveTasks(
  async ({ bytes, maxPixels }: HeicTask): Promise<DecodedPixels> => {
    const images = await decoder.all({ buffer: bytes });
    try {
      const { width, height } = images[0]!;
      if (!(width * height <= maxPixels)) throw new Error(`the image is ${width}x${height}, more than ${maxPixels} pixels`);
      const { data } = await images[0]!.decode();
      return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    } finally {
      images.dispose();
    }
  },
  ({ data }) => [data.buffer as ArrayBuffer],
);
