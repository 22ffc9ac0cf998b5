/**
 * TransformSpec → its canonical option string, the rendition cache key. Options appear in the fixed
 * order of `writers` under their full names; defaults are absent from specs, so they are omitted.
 * `parseOptionString(canonicalString(s))` equals `s` (a property test holds this).
 */
import { formatColor } from './option-values.js';
import type { TransformSpec, Trim } from '../render/spec.js';

type Writer<K extends keyof TransformSpec> = (value: NonNullable<TransformSpec[K]>) => string;

/** One writer per spec field (the mapped type makes a missing field a compile error). */
const writers: { [K in keyof TransformSpec]-?: Writer<K> } = {
  width: (width) => `width=${width}`,
  height: (height) => `height=${height}`,
  dpr: (dpr) => `dpr=${dpr}`,
  fit: (fit) => `fit=${fit}`,
  gravity: (gravity) => `gravity=${typeof gravity === 'object' ? `${gravity.x}x${gravity.y}` : gravity}`,
  zoom: (zoom) => `zoom=${zoom}`,
  trim: writeTrim,
  segment: (segment) => `segment=${segment}`,
  flip: (flip) => `flip=${flip}`,
  rotate: (rotate) => `rotate=${rotate}`,
  background: (background) => `background=${formatColor(background)}`,
  blur: (blur) => `blur=${blur}`,
  sharpen: (sharpen) => `sharpen=${sharpen}`,
  brightness: (brightness) => `brightness=${brightness}`,
  contrast: (contrast) => `contrast=${contrast}`,
  gamma: (gamma) => `gamma=${gamma}`,
  saturation: (saturation) => `saturation=${saturation}`,
  quality: (quality) => `quality=${quality}`,
  slowConnectionQuality: (quality) => `slow-connection-quality=${quality}`,
  format: (format) => `format=${format}`,
  compression: (compression) => `compression=${compression}`,
  anim: () => 'anim=false',
  metadata: (metadata) => `metadata=${metadata}`,
};

function writeTrim(trim: Trim): string {
  if (trim.kind === 'border') {
    return [
      'trim=border',
      trim.color && `trim.border.color=${formatColor(trim.color)}`,
      trim.tolerance !== undefined && `trim.border.tolerance=${trim.tolerance}`,
      trim.keep !== undefined && `trim.border.keep=${trim.keep}`,
    ]
      .filter(Boolean)
      .join(',');
  }
  return [
    `trim=${trim.top};${trim.right};${trim.bottom};${trim.left}`,
    trim.width !== undefined && `trim.width=${trim.width}`,
    trim.height !== undefined && `trim.height=${trim.height}`,
  ]
    .filter(Boolean)
    .join(',');
}

/** The canonical string; '' for a spec with every option at its default. */
export function canonicalString(spec: TransformSpec): string {
  const write = <K extends keyof TransformSpec>(key: K): string | undefined => {
    const value = spec[key];
    return value === undefined ? undefined : (writers[key] as Writer<K>)(value as NonNullable<TransformSpec[K]>);
  };
  return (Object.keys(writers) as Array<keyof TransformSpec>)
    .map(write)
    .filter((part): part is string => part !== undefined)
    .join(',');
}
