/** The render pipeline, in order. Each step is one small function in steps/. */
import type { RenderStep } from './job.js';
import { adjust } from './steps/adjust.js';
import { cropAndResize } from './steps/crop-and-resize.js';
import { flatten } from './steps/flatten.js';
import { flipAndRotate } from './steps/flip-and-rotate.js';
import { orient } from './steps/orient.js';
import { pad } from './steps/pad.js';
import { segment } from './steps/segment.js';
import { settlePixels } from './steps/settle-pixels.js';

export const renderSteps: readonly RenderStep[] = [
  orient,
  segment,
  cropAndResize,
  adjust,
  flatten,
  settlePixels,
  flipAndRotate,
  pad,
];
