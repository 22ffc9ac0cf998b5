/** Worker-thread entry of the SVG sanitizer (see svg-sanitizer.ts). */
import { serveTasks } from '../util/worker-pool.js';
import { sanitizeSvg, SvgRefusal } from './svg-sanitize.js';
import type { SanitizeOutcome } from './svg-sanitizer.js';

serveTasks((bytes: Uint8Array): SanitizeOutcome => {
  try {
    return sanitizeSvg(bytes);
  } catch (error) {
    if (error instanceof SvgRefusal) return { refusal: error.message, tooComplex: error.tooComplex };
    throw error;
  }
});
