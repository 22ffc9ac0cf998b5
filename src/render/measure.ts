/**
 * The pixel measurements planGeometry cannot make itself: the border trim=border removes, the
 * faces of gravity=face, and the focal point of gravity=auto (and of gravity=face when no face is
 * found, as Cloudflare falls back). Each decodes the first frame only, and only when asked for.
 */
import sharp from 'sharp';
import type { Vision } from '../ai/vision.js';
import type { TransformSpec, TrimBorder, FocalPoint } from './spec.js';
import { clientWidthFromHints, type ClientHints } from './client-hints.js';
import { sharpColor } from './color.js';
import { boxAround, findFaces } from './find-faces.js';
import type { Box } from './geometry.js';
import type { GeometryHints } from './plan-geometry.js';
import { fromPixels, toPixels } from './pixels.js';
import { openImage, type RenderInput, type SourceInfo } from './source.js';

/** Long side of the image the saliency detector looks at: enough to place a crop, cheap to decode. */
const FOCUS_PROBE_PX = 256;
const croppingFits = new Set<TransformSpec['fit']>(['cover', 'crop', 'aspect-crop']);

export async function measureHints(
  input: RenderInput,
  source: SourceInfo,
  spec: TransformSpec,
  clientHints: ClientHints = {},
  detectFaces?: Vision['detectFaces'],
): Promise<GeometryHints> {
  const wantsFocus = (spec.gravity === 'auto' || spec.gravity === 'face') && croppingFits.has(spec.fit);
  const faces = wantsFocus && spec.gravity === 'face' && detectFaces ? await findFaces(input, source, detectFaces) : [];
  const faceBox = faces.length > 0 ? boxAround(faces) : undefined;
  return {
    clientWidth: clientWidthFromHints(clientHints),
    mobile: clientHints.mobile,
    borderTrim: spec.trim?.kind === 'border' ? await findBorder(input, source, spec.trim) : undefined,
    focalPoint: faceBox ? centreOf(faceBox) : wantsFocus ? await findFocalPoint(input, source) : undefined,
    faces: faceBox,
  };
}

const centreOf = (box: Box): FocalPoint => ({ x: box.left + box.width / 2, y: box.top + box.height / 2 });

/** The box left after removing the border color (top-left pixel's unless given). */
async function findBorder(input: RenderInput, source: SourceInfo, trim: TrimBorder): Promise<Box> {
  // Settled first so the offsets are in display orientation, whatever order sharp would use.
  const upright = fromPixels(await toPixels((await openImage(input, source, false)).autoOrient()));
  const { info } = await upright
    .trim({
      ...(trim.color && { background: sharpColor(trim.color) }),
      ...(trim.tolerance !== undefined && { threshold: trim.tolerance }),
      ...(trim.keep !== undefined && { margin: trim.keep }),
    })
    .toBuffer({ resolveWithObject: true });
  return { left: -(info.trimOffsetLeft ?? 0), top: -(info.trimOffsetTop ?? 0), width: info.width, height: info.height };
}

/**
 * Saliency via sharp's attention strategy (luminance frequency, saturation, skin tones), which also
 * stands in for face detection. The probe crops across the long side so the detector has to choose.
 */
async function findFocalPoint(input: RenderInput, source: SourceInfo): Promise<FocalPoint> {
  const landscape = source.width >= source.height;
  const probe = landscape ? { width: FOCUS_PROBE_PX / 2, height: FOCUS_PROBE_PX } : { width: FOCUS_PROBE_PX, height: FOCUS_PROBE_PX / 2 };
  const scale = Math.max(probe.width / source.width, probe.height / source.height);
  const { info } = await (await openImage(input, source, false))
    .autoOrient()
    .resize({ ...probe, fit: 'cover', position: sharp.strategy.attention })
    .toBuffer({ resolveWithObject: true });
  if (info.attentionX === undefined || info.attentionY === undefined) return { x: 0.5, y: 0.5 };
  return {
    x: Math.min(1, info.attentionX / Math.round(source.width * scale)),
    y: Math.min(1, info.attentionY / Math.round(source.height * scale)),
  };
}
