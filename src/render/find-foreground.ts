/**
 * segment=foreground: the foreground mask of an original, computed once per original by the
 * vision thread on its upright first frame squeezed to the model's square input. The mask stays at
 * the model's size; each rendition scales it to its own pixels.
 */
import { FOREGROUND_INPUT_PX, type Vision } from '../ai/vision.js';
import type { Pixels } from './pixels.js';
import { perOriginal } from './per-original.js';
import { openImage, outsideDeadline, type RenderInput, type SourceInfo } from './source.js';

const maskOf = perOriginal<Pixels>();

export function findForeground(input: RenderInput, source: SourceInfo, segment: NonNullable<Vision['segmentForeground']>): Promise<Pixels> {
  // The decode for the model is bound to the deadline of the request that runs it; the wait for the
  // model (and for another request's run of it) is not counted.
  return outsideDeadline(input, maskOf(input, async () => {
    const side = FOREGROUND_INPUT_PX;
    const { data } = await (await openImage(input, source, false))
      .autoOrient()
      .resize(side, side, { fit: 'fill' })
      .removeAlpha()
      .toColorspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const mask = await segment({ data, width: side, height: side });
    return { data: Buffer.from(mask.buffer, mask.byteOffset, mask.byteLength), width: side, height: side, frameHeight: side, channels: 1 };
  }));
}
