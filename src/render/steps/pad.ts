import { specDefaults } from '../spec.js';
import { sharpColor } from '../color.js';
import type { Sides } from '../geometry.js';
import type { RenderStep } from '../job.js';

export const hasPadding = (pad: Sides) => pad.top + pad.right + pad.bottom + pad.left > 0;

/** fit=pad: background around the content, white unless asked otherwise. */
export const pad: RenderStep = (image, { plan, spec }) =>
  hasPadding(plan.pad) ? image.extend({ ...plan.pad, background: sharpColor(spec.background ?? specDefaults.background) }) : image;
