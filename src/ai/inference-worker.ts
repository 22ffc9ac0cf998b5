/**
 * The inference thread: answers face and foreground requests from its parent. Each model loads
 * on its first request and stays loaded for the life of the process.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadFaceDetector } from './face-model.js';
import { loadForegroundSegmenter } from './foreground-model.js';
import type { InferenceReply, InferenceRequest } from './inference-protocol.js';

const { segmentationModel } = workerData as { segmentationModel: string | undefined };

/** Loads on first call; a load that failed is tried again on the next call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

const faceDetector = once(loadFaceDetector);
const foregroundSegmenter = once(async () => {
  if (!segmentationModel) throw new Error('no segmentation model is configured');
  return loadForegroundSegmenter(segmentationModel);
});

parentPort!.on('message', async ({ id, kind, image }: InferenceRequest) => {
  let reply: InferenceReply;
  let transfer: ArrayBuffer[] = [];
  try {
    if (kind === 'faces') {
      reply = { id, result: await (await faceDetector())(image) };
    } else {
      const mask = await (await foregroundSegmenter())(image);
      reply = { id, result: mask };
      transfer = [mask.buffer as ArrayBuffer];
    }
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply, transfer);
});
