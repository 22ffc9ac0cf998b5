/**
 * Periodic work of a serving process: the webhook dispatcher, the stray-blob sweep and the sweep
 * of expired direct-upload drafts. Started by `serve` (and tests), stopped on close.
 */
import { scheduleBlobSweeps, sweepStrayBlobs } from './images/blob-sweeper.js';
import type { Services } from './services.js';

const HOUR = 3600_000;
const MINUTE = 60_000;

export function startBackgroundJobs(services: Services): () => Promise<void> {
  const { log } = services;
  services.webhookDispatcher.start(log);
  const stopBlobSweeps = scheduleBlobSweeps(
    async () => {
      const result = await sweepStrayBlobs(services.blobs, services.imageRepository, services.clock.now(), HOUR);
      if (result.removedBlobs || result.removedTemp) log.info(result, 'swept stray blobs');
    },
    HOUR,
    (err) => log.error({ err }, 'blob sweep failed'),
  );
  const draftSweep = setInterval(() => {
    services.directUploads.sweepExpired().then(
      (removed) => removed > 0 && log.info({ removed }, 'removed expired direct-upload drafts'),
      (err: unknown) => log.error({ err }, 'draft sweep failed'),
    );
  }, MINUTE);
  draftSweep.unref();
  return async () => {
    stopBlobSweeps();
    clearInterval(draftSweep);
    await services.webhookDispatcher.stop();
  };
}
