/** The HEIC worker pool: failures and overruns reject one decode and leave the pool working. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeHeic, HeicDecodeError } from '../../src/render/heic-decoder.js';
import { heic } from '../helpers/images.js';

const big = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'gradient-4000x3000.heic'));
const limit = { maxPixels: 100_000_000 };

describe('decodeHeic', () => {
  it('decodes to upright RGBA', async () => {
    const { width, height, data } = await decodeHeic(heic(), limit);
    expect({ width, height, bytes: data.length }).toEqual({ width: 64, height: 48, bytes: 64 * 48 * 4 });
  });

  it('refuses an image above maxPixels before decoding it', async () => {
    await expect(decodeHeic(big, { maxPixels: 4000 * 3000 - 1 })).rejects.toThrow(/4000x3000, more than/);
  });

  it('rejects bytes that are not HEIC', async () => {
    await expect(decodeHeic(Buffer.from('not an image at all, just text'), limit)).rejects.toBeInstanceOf(HeicDecodeError);
  });

  it('stops a decode that overruns its time, then decodes the next one', async () => {
    await expect(decodeHeic(big, { ...limit, timeoutMs: 1 })).rejects.toThrow(/took longer than 1 ms/);
    const { width, height } = await decodeHeic(heic(), limit);
    expect({ width, height }).toEqual({ width: 64, height: 48 });
  });
});
