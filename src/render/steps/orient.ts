import type { RenderStep } from '../job.js';

/** EXIF orientation first: every size and box after this is in display orientation. */
export const orient: RenderStep = (image) => image.autoOrient();
