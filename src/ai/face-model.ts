/**
 * Face detection inside the inference thread: face-api's Tiny Face Detector (MIT, weights in the
 * npm package, 190 KB) on TensorFlow.js's WebAssembly backend. Chosen over face-api's SSD
 * MobileNet, which is about 5× slower here and took scikit-image's cat for a face (0.93); the pure
 * JavaScript backend is 40× slower than WebAssembly on this CPU. Numbers: docs/performance.md.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RelativeBox, RgbImage } from './vision.js';

const require = createRequire(import.meta.url);

/** Input side of the detector's network (face-api's default is 416): 608 finds faces of about 5% of the long side. */
const INPUT_SIZE = 608;
const MIN_SCORE = 0.5;

// The CommonJS builds have no usable TypeScript types for this import style; only these calls are used.
interface Tensor {
  dispose(): void;
  slice(begin: number[], size: number[]): Tensor;
}
interface FaceApi {
  nets: { tinyFaceDetector: { loadFromDisk(dir: string): Promise<void> } };
  TinyFaceDetectorOptions: new (options: { inputSize: number; scoreThreshold: number }) => unknown;
  detectAllFaces(input: Tensor, options: unknown): Promise<{ score: number; box: { x: number; y: number; width: number; height: number } }[]>;
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
    const image = tf.tensor3d(data, [height, width, 3], 'int32');
    const found: Scored[] = [];
    try {
      for (const tile of squareTiles(width, height)) {
        const part = image.slice([tile.top, tile.left, 0], [tile.height, tile.width, 3]);
        try {
          for (const { score, box } of await faceapi.detectAllFaces(part, options)) {
            found.push({ score, left: (tile.left + box.x) / width, top: (tile.top + box.y) / height, width: box.width / width, height: box.height / height });
          }
        } finally {
          part.dispose();
        }
      }
    } finally {
      image.dispose();
    }
    return withoutDuplicates(found).map(clampToImage);
  };
}

interface Scored extends RelativeBox {
  readonly score: number;
}

/**
 * The detector squares its input, so on a wide image each face shrinks with the width. Square
 * tiles across the long side (overlapping, the whole image when it is nearly square) keep faces at
 * the size they have in a square photo.
 */
function squareTiles(width: number, height: number): { left: number; top: number; width: number; height: number }[] {
  const side = Math.min(width, height);
  const long = Math.max(width, height);
  if (long <= side * 1.25) return [{ left: 0, top: 0, width, height }];
  const count = Math.ceil(long / side) + 1;
  return Array.from({ length: count }, (_, i) => {
    const offset = Math.round((i * (long - side)) / (count - 1));
    return width >= height ? { left: offset, top: 0, width: side, height: side } : { left: 0, top: offset, width: side, height: side };
  });
}

/** A face seen in two overlapping tiles is kept once, with its best score. */
function withoutDuplicates(found: Scored[]): Scored[] {
  const kept: Scored[] = [];
  for (const face of [...found].sort((a, b) => b.score - a.score)) {
    if (kept.every((other) => overlap(face, other) < 0.3)) kept.push(face);
  }
  return kept;
}

function overlap(a: RelativeBox, b: RelativeBox): number {
  const w = Math.max(0, Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left));
  const h = Math.max(0, Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top));
  return (w * h) / Math.min(a.width * a.height, b.width * b.height);
}

/** The detector's boxes may reach past the edges. */
function clampToImage(box: RelativeBox): RelativeBox {
  const left = Math.max(0, box.left);
  const top = Math.max(0, box.top);
  return { left, top, width: Math.min(1, box.left + box.width) - left, height: Math.min(1, box.top + box.height) - top };
}
