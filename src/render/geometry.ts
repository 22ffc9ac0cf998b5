/**
 * Sizes, boxes and the flip/rotate arithmetic the planner needs. Boxes are continuous (edges, not
 * pixel centres) so a rotation maps [x0, x1] to [H - x1, H - x0] without off-by-one terms.
 */
import type { Flip, FocalPoint, Rotation } from './spec.js';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface Box extends Size {
  readonly left: number;
  readonly top: number;
}

export interface Sides {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export interface Orientation {
  readonly flip?: Flip | undefined;
  readonly rotate?: Rotation | undefined;
}

export const noSides: Sides = Object.freeze({ top: 0, right: 0, bottom: 0, left: 0 });

export const quarterTurn = (rotate: Rotation | undefined) => rotate === 90 || rotate === 270;

/** The size after flip/rotate (a quarter turn swaps the sides). */
export function turned(size: Size, { rotate }: Orientation): Size {
  return quarterTurn(rotate) ? { width: size.height, height: size.width } : { width: size.width, height: size.height };
}

/** Where a relative point of the unturned image lands after flip, then rotate (clockwise). */
export function turnPoint({ x, y }: FocalPoint, { flip, rotate }: Orientation): FocalPoint {
  if (flip?.includes('h')) x = 1 - x;
  if (flip?.includes('v')) y = 1 - y;
  switch (rotate) {
    case 90:
      return { x: 1 - y, y: x };
    case 180:
      return { x: 1 - x, y: 1 - y };
    case 270:
      return { x: y, y: 1 - x };
    default:
      return { x, y };
  }
}

/**
 * The box of the unturned image (of size `size`) that flip-then-rotate moves onto `box` of the
 * turned image: the inverse of the pipeline's orientation step.
 */
export function unturnBox(box: Box, size: Size, { flip, rotate }: Orientation): Box {
  const right = box.left + box.width;
  const bottom = box.top + box.height;
  let result: Box;
  switch (rotate) {
    case 90:
      result = { left: box.top, top: size.height - right, width: box.height, height: box.width };
      break;
    case 180:
      result = { left: size.width - right, top: size.height - bottom, width: box.width, height: box.height };
      break;
    case 270:
      result = { left: size.width - bottom, top: box.left, width: box.height, height: box.width };
      break;
    default:
      result = box;
  }
  if (flip?.includes('h')) result = { ...result, left: size.width - result.left - result.width };
  if (flip?.includes('v')) result = { ...result, top: size.height - result.top - result.height };
  return result;
}

export function scaleBox(box: Box, sx: number, sy: number): Box {
  return { left: box.left * sx, top: box.top * sy, width: box.width * sx, height: box.height * sy };
}

/** Rounds a box to whole pixels and keeps it inside `bounds` (0,0)-(width,height). */
export function pixelBox(box: Box, bounds: Size): Box {
  const left = Math.min(Math.max(0, Math.round(box.left)), bounds.width - 1);
  const top = Math.min(Math.max(0, Math.round(box.top)), bounds.height - 1);
  return {
    left,
    top,
    width: Math.max(1, Math.min(Math.round(box.width), bounds.width - left)),
    height: Math.max(1, Math.min(Math.round(box.height), bounds.height - top)),
  };
}

export const sameSize = (a: Size, b: Size) => a.width === b.width && a.height === b.height;
