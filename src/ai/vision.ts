/**
 * Vision: the two models the renderer may ask for, face boxes (gravity=face) and a foreground mask
 * (segment=foreground). Both run in one inference thread per process, started and loaded on first
 * use, so a server that never sees these options never pays for them. A capability switched off
 * (or without a model) is undefined and the renderer falls back as docs/transform-options.md says.
 */
import { InferenceThread } from './inference-thread.js';
import { defaultSegmentationModel } from './segmentation-model-file.js';

/** 8-bit RGB pixels, row by row. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** A box as fractions of the image it was found in (0..1 on each axis). */
export interface RelativeBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Side of the square RGB image the segmentation model reads and of the mask it returns. */
export const FOREGROUND_INPUT_PX = 1024;

export interface Vision {
  /** Every face in the image; undefined when face detection is off. */
  readonly detectFaces: ((image: RgbImage) => Promise<RelativeBox[]>) | undefined;
  /**
   * Foreground alpha (0 background … 255 subject) for a FOREGROUND_INPUT_PX square RGB image, one
   * byte per pixel; undefined when segmentation is off or no model is installed.
   */
  readonly segmentForeground: ((image: RgbImage) => Promise<Uint8Array>) | undefined;
  /** Why segmentation is unavailable, for the error a request for it gets. */
  readonly segmentationUnavailable: string | undefined;
  close(): Promise<void>;
}

export interface VisionOptions {
  faceDetection: boolean;
  segmentation: boolean;
  /** ONNX file (or an @imgly resources.json) of an ISNet-compatible model; default: see segmentation-model-file.ts. */
  segmentationModel: string | undefined;
}

export function createVision(options: VisionOptions): Vision {
  const model = options.segmentation ? (options.segmentationModel ?? defaultSegmentationModel()) : undefined;
  const thread = new InferenceThread({ segmentationModel: model });
  return {
    detectFaces: options.faceDetection ? (image) => thread.run('faces', image) : undefined,
    segmentForeground: model ? (image) => thread.run('foreground', image) : undefined,
    segmentationUnavailable: !options.segmentation
      ? 'segment=foreground is switched off on this server (PICTOR_SEGMENTATION=off)'
      : model
        ? undefined
        : 'segment=foreground needs a segmentation model, and none is installed (see PICTOR_SEGMENTATION_MODEL)',
    close: () => thread.close(),
  };
}
