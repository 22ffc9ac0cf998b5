/**
 * Face detection inside the inference thread: face-api's Tiny Face Detector (MIT, weights in the
 * npm package, 190 KB) on TensorFlow.js's WebAssembly backend. Chosen over face-api's SSD
 * MobileNet, which is about 5× slower here and took scikit-image's cat for a face (0.93); the pure
 * JavaScript backend is 40× slower than WebAssembly on this CPU. Numbers: docs/benchmarks.md.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RelativeBox, RgbImage } from './vision.js';

const require = createRequire(import.meta.url);

/** Input side of the detector's network: 416 is face-api's default; faces down to about 20 px are found. */
const INPUT_SIZE = 416;
const MIN_SCORE = 0.5;

// The CommonJS builds have no usable TypeScript types for this import style; only these calls are used.
interface Tensor {
  dispose(): void;
}
interface FaceApi {
  nets: { tinyFaceDetector: { loadFromDisk(dir: string): Promise<void> } };
  TinyFaceDetectorOptions: new (options: { inputSize: number; scoreThreshold: number }) => unknown;
  detectAllFaces(input: Tensor, options: unknown): Promise<{ box: { x: number; y: number; width: number; height: number } }[]>;
}

export async function loadFaceDetector(): Promise<(image: RgbImage) => Promise<RelativeBox[]>> {
  const tf = require('@tensorflow/tfjs') as {
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    tensor3d(data: Uint8Array, shape: [number, number, number], dtype: 'int32'): Tensor;
  };
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js WebAssembly backend did not start');
  await tf.ready();
  await faceapi.nets.tinyFaceDetector.loadFromDisk(path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'));
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: INPUT_SIZE, scoreThreshold: MIN_SCORE });

  return async ({ data, width, height }) => {
    const tensor = tf.tensor3d(data, [height, width, 3], 'int32');
    try {
      const found = await faceapi.detectAllFaces(tensor, options);
      return found.map(({ box }) => clampToImage({ left: box.x / width, top: box.y / height, width: box.width / width, height: box.height / height }));
    } finally {
      tensor.dispose();
    }
  };
}

/** The detector's boxes may reach past the edges. */
function clampToImage(box: RelativeBox): RelativeBox {
  const left = Math.max(0, box.left);
  const top = Math.max(0, box.top);
  return { left, top, width: Math.min(1, box.left + box.width) - left, height: Math.min(1, box.top + box.height) - top };
}
