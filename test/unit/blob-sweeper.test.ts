import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sweepStrayBlobs } from '../../src/images/blob-sweeper.js';
import { newBlobKey } from '../../src/images/image-service.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
beforeAll(async () => (pictor = await startPictor()));
afterAll(async () => pictor?.close());

it('removes old unreferenced blobs and temp files, keeps referenced and young ones', async () => {
  const { blobs, imageRepository } = pictor.services;
  const account = (await pictor.services.accounts.findAccount(pictor.accountId))!;
  const keptBytes = await images.jpeg(20, 20);
  const kept = await pictor.services.images.upload(account, { file: { bytes: keptBytes, filename: 'a.jpg', contentType: 'image/jpeg' } });
  const keptKey = (await imageRepository.find(pictor.accountId, kept.id))!.blobKey!;
  const strayOld = newBlobKey(pictor.accountId);
  const strayYoung = newBlobKey(pictor.accountId);
  await blobs.put(strayOld, Buffer.from('old'), 'image/jpeg');
  await blobs.put(strayYoung, Buffer.from('young'), 'image/jpeg');
  const tmp = path.join(pictor.dataDir, 'blobs', '.tmp', 'left-by-crash');
  fs.writeFileSync(tmp, 'partial');
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  for (const file of [path.join(pictor.dataDir, 'blobs', strayOld), path.join(pictor.dataDir, 'blobs', keptKey), tmp]) fs.utimesSync(file, twoHoursAgo, twoHoursAgo);

  const result = await sweepStrayBlobs(blobs, imageRepository, Date.now(), 3600_000);

  expect(result).toEqual({ removedBlobs: 1, removedTemp: 1 });
  expect(await blobs.get(strayOld)).toBeUndefined();
  expect(await blobs.get(strayYoung)).toEqual(Buffer.from('young'));
  expect(await blobs.get(keptKey)).toEqual(keptBytes);
  expect(fs.existsSync(tmp)).toBe(false);
});
