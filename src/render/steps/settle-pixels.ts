import { quarterTurn } from '../geometry.js';
import type { RenderJob, RenderStep } from '../job.js';
import { fromPixels, toPixels } from '../pixels.js';
import { hasAdjustments } from './adjust.js';
import { hasPadding } from './pad.js';

/**
 * sharp would run a crop-after-resize after a quarter turn or extend, and extend before
 * modulate/blur (tinting the padding). Settling to raw pixels keeps the declared order when a
 * rotation or padding follows those operations; otherwise the pipeline stays one sharp chain.
 */
export const settlePixels: RenderStep = async (image, job) => (needsSettling(job) ? fromPixels(await toPixels(image)) : image);

function needsSettling({ spec, plan }: RenderJob): boolean {
  const reordered = plan.crop !== undefined || hasAdjustments(spec);
  return reordered && (quarterTurn(spec.rotate) || hasPadding(plan.pad));
}
