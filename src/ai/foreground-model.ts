/**
 * Foreground segmentation inside the inference thread: an ISNet-compatible ONNX model (input
 * 1×3×1024×1024, pixels as (v − 128) / 256; first output 1×1×1024×1024 in 0..1) run by
 * onnxruntime-node on the CPU. One intra-op thread: the transform slots already use the cores.
 */
import { createRequire } from 'node:module';
import { readSegmentationModel } from './segmentation-model-file.js';
import { FOREGROUND_INPUT_PX, type RgbImage } from './vision.js';

const require = createRequire(import.meta.url);

export async function loadForegroundSegmenter(modelFile: string): Promise<(image: RgbImage) => Promise<Uint8Array>> {
  // onnxruntime-node is an optional dependency: a clear message if the platform had no binary for it.
  let ort: typeof import('onnxruntime-node');
  try {
    ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  } catch (cause) {
    throw new Error('onnxruntime-node is not installed; segment=foreground needs it', { cause });
  }
  const session = await ort.InferenceSession.create(readSegmentationModel(modelFile), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const side = FOREGROUND_INPUT_PX;

  return async ({ data, width, height }) => {
    if (width !== side || height !== side) throw new Error(`the segmentation input must be ${side}×${side}, got ${width}×${height}`);
    const plane = side * side;
    const input = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      input[i] = (data[i * 3]! - 128) / 256;
      input[plane + i] = (data[i * 3 + 1]! - 128) / 256;
      input[2 * plane + i] = (data[i * 3 + 2]! - 128) / 256;
    }
    const outputs = await session.run({ [inputName!]: new ort.Tensor('float32', input, [1, 3, side, side]) });
    const alpha = outputs[outputName!]!.data as Float32Array;
    const mask = new Uint8Array(plane);
    for (let i = 0; i < plane; i++) mask[i] = Math.round(Math.min(1, Math.max(0, alpha[i]!)) * 255);
    return mask;
  };
}
