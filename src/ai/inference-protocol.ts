/** Messages between the inference thread and the process that owns it. */
import type { RelativeBox, RgbImage } from './vision.js';

export interface InferenceResult {
  faces: RelativeBox[];
  foreground: Uint8Array;
}

export type InferenceKind = keyof InferenceResult;

export interface InferenceRequest {
  readonly id: number;
  readonly kind: InferenceKind;
  readonly image: RgbImage;
}

export interface InferenceReply {
  readonly id: number;
  readonly result?: InferenceResult[InferenceKind];
  /** The failure's message; the stack stays in the worker. */
  readonly error?: string;
}
