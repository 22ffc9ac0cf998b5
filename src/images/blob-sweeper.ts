/**
 * Removes blobs that no row references: left by a crash between writing a blob and committing its
 * row, or between deleting a row and its blob. Only blobs older than `graceMs` are considered, so
 * an upload in flight (blob written, row not yet committed) is never swept.
 */
import type { BlobStore } from '../storage/blobs/blob-store.js';
import type { ImageRepository } from './model.js';

export interface SweepResult {
  removedBlobs: number;
  removedTemp: number;
}

export async function sweepStrayBlobs(blobs: BlobStore, images: ImageRepository, now: number, graceMs: number): Promise<SweepResult> {
  let removedBlobs = 0;
  let batch: string[] = [];
  const flush = async () => {
    const referenced = await images.referencedBlobKeys(batch);
    for (const key of batch) {
      if (!referenced.has(key)) {
        await blobs.delete(key);
        removedBlobs++;
      }
    }
    batch = [];
  };
  for await (const blob of blobs.list()) {
    if (now - blob.modifiedMs < graceMs) continue;
    batch.push(blob.key);
    if (batch.length >= 500) await flush();
  }
  if (batch.length) await flush();
  const removedTemp = (await blobs.sweepTemp?.(graceMs, now)) ?? 0;
  return { removedBlobs, removedTemp };
}

/** Runs the sweep shortly after start and then periodically; returns a stop function. */
export function scheduleBlobSweeps(run: () => Promise<unknown>, everyMs: number, onError: (err: unknown) => void): () => void {
  const tick = () => void run().catch(onError);
  const first = setTimeout(tick, Math.min(everyMs, 60_000));
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
