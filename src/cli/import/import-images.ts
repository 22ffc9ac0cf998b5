/**
 * Pulls a source's listing through the image writer, `concurrency` images at a time. Memory stays
 * bounded whatever the image count: the listing is an async iterator (one page at a time) and at
 * most `concurrency` originals are held at once.
 */
import type { SourceEntry } from './incoming-image.js';
import type { ImportReport } from './import-report.js';
import { RefusedImageError, type ImageWriter } from './image-writer.js';

export interface ImportImagesOptions {
  concurrency: number;
  /** Bytes that are not an acceptable image: skipped (a bucket holds other files too) or failed. */
  refusedIs: 'skipped' | 'failed';
  /** After each image, with the bytes copied for it. */
  onImage(bytes: number): void;
}

export async function importImages(entries: AsyncIterable<SourceEntry>, writer: ImageWriter, report: ImportReport, options: ImportImagesOptions): Promise<void> {
  const iterator = entries[Symbol.asyncIterator]();
  // Async generators queue concurrent next() calls, so the lanes share one listing safely.
  const lane = async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const entry = next.value;
      if (entry.kind !== 'image') {
        (entry.kind === 'skip' ? report.skipped : report.failed).add(entry.id, entry.reason);
        options.onImage(0);
        continue;
      }
      let bytes = 0;
      try {
        const outcome = await writer.write(entry.image);
        if (outcome.kind === 'copied') {
          report.copied++;
          report.bytes += bytes = outcome.bytes;
        } else report[outcome.kind]++;
      } catch (err) {
        if (err instanceof RefusedImageError && options.refusedIs === 'skipped') report.skipped.add(entry.image.label ?? entry.image.id, `not an image Pictor accepts: ${err.message}`);
        else report.failed.add(entry.image.label ?? entry.image.id, err);
      }
      options.onImage(bytes);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
}
