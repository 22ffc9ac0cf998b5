/** What every pipeline step reads, and the step signature itself. */
import type { Sharp } from 'sharp';
import type { TransformSpec } from './spec.js';
import type { FormatChoice } from './formats.js';
import type { GeometryPlan } from './plan-geometry.js';
import type { Pixels } from './pixels.js';
import type { SourceInfo } from './source.js';

export interface RenderJob {
  readonly source: SourceInfo;
  readonly spec: TransformSpec;
  readonly plan: GeometryPlan;
  readonly output: FormatChoice;
  /** The rendition keeps several frames. */
  readonly animated: boolean;
  /** Encoder quality 1..100 after perceptual levels and slow-connection-quality are resolved. */
  readonly quality: number;
  /** segment=foreground: the foreground mask of the upright source (any size; scaled to fit). */
  readonly foreground?: Pixels | undefined;
}

/** One small transformation of the pipeline; steps run in the order of `renderSteps`. */
export type RenderStep = (image: Sharp, job: RenderJob) => Sharp | Promise<Sharp>;
