/**
 * gravity=face: the faces of an original, found once per original by the vision thread on an
 * upright, downscaled copy of its first frame.
 */
import type { RelativeBox, Vision } from '../ai/vision.js';
import { perOriginal } from './per-original.js';
import { openImage, outsideDeadline, type RenderInput, type SourceInfo } from './source.js';

/** Long side of the copy the detector sees: its network reads 416 px, so more only costs decoding. */
const FACE_PROBE_PX = 1024;

const facesOf = perOriginal<RelativeBox[]>();

export function findFaces(input: RenderInput, source: SourceInfo, detect: NonNullable<Vision['detectFaces']>): Promise<RelativeBox[]> {
  // The decode for the detector is bound to the deadline of the request that runs it; the wait for
  // the model (and for another request's run of it) is not counted.
  return outsideDeadline(input, facesOf(input, async () => {
    const { data, info } = await (await openImage(input, source, false))
      .autoOrient()
      .resize(FACE_PROBE_PX, FACE_PROBE_PX, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColorspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return detect({ data, width: info.width, height: info.height });
  }));
}

/** The smallest box holding every face. */
export function boxAround(faces: readonly RelativeBox[]): RelativeBox {
  const left = Math.min(...faces.map((f) => f.left));
  const top = Math.min(...faces.map((f) => f.top));
  const right = Math.max(...faces.map((f) => f.left + f.width));
  const bottom = Math.max(...faces.map((f) => f.top + f.height));
  return { left, top, width: right - left, height: bottom - top };
}
