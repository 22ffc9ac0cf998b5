/**
 * `pictor import s3` from a real S3 bucket (Ceph RGW): every object under the prefix becomes an
 * image with its key as id (or a generated id), non-images and keys that cannot be ids are skipped
 * with their reasons, objects outside the prefix are not touched, and a rerun copies nothing.
 */
import fs from 'node:fs';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { TEST_ACCOUNT_ID, TEST_TOKEN, tempDir } from '../helpers/pictor.js';
import { spawnPictor } from '../helpers/process.js';
import { newTestBucketName, removeTestBucket, s3SkipReason, testBlobStoreUrl, testS3Client } from '../helpers/s3-test-bucket.js';
import { runCli, sha } from './import-fixtures.js';

const bucket = newTestBucketName();
const dataDir = tempDir('pictor-import-s3-');
const objects: Record<string, Buffer> = {};

beforeAll(async () => {
  if (s3SkipReason) return;
  Object.assign(objects, {
    'shop/a/one.jpg': await images.jpeg(30, 20),
    'shop/b/two.png': await images.png(12, 12),
    'shop/anim.gif': await images.animatedGif(16, 16, 3),
    'shop/logo.svg': images.svg(),
    'shop/readme.txt': Buffer.from('not an image'),
    'shop/odd//name.jpg': await images.jpeg(8, 8),
    'elsewhere/outside.jpg': await images.jpeg(8, 8),
  });
  const client = testS3Client();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [Key, Body] of Object.entries(objects)) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
  client.destroy();
});

afterAll(async () => {
  if (!s3SkipReason) await removeTestBucket(bucket);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const from = () => testBlobStoreUrl(bucket, { prefix: 'shop', createBucket: 'false' });

describe.skipIf(s3SkipReason)('import s3', () => {
  it('turns every image object under the prefix into an image, skips the rest with reasons, and resumes', async () => {
    const env = { PICTOR_DATA_DIR: dataDir };
    const run = await runCli(env, ['import', 's3', '--from', from(), '--account', TEST_ACCOUNT_ID]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^Copied 4 images .* 0 unchanged, 2 skipped/);
    expect(run.stdout).toMatch(/Skipped: shop\/readme\.txt: not an image Pictor accepts/);
    expect(run.stdout).toMatch(/Skipped: shop\/odd\/\/name\.jpg: Invalid custom ID: path segments must not be empty/);

    const rerun = await runCli(env, ['import', 's3', '--from', from(), '--account', TEST_ACCOUNT_ID]);
    expect(rerun.stdout).toMatch(/^Copied 0 images .* 4 unchanged, 2 skipped/);

    const generated = await runCli(env, ['import', 's3', '--from', from(), '--account', 'f'.repeat(32), '--ids', 'generated']);
    expect(generated.stdout).toMatch(/^Copied 5 images .* 1 skipped/);

    const server = await spawnPictor({ ...env, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, PICTOR_API_TOKEN: TEST_TOKEN });
    try {
      const api = (p: string) => fetch(`${server.origin}/client/v4/accounts/${TEST_ACCOUNT_ID}${p}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      for (const key of ['shop/a/one.jpg', 'shop/b/two.png', 'shop/anim.gif', 'shop/logo.svg']) {
        const res = await api(`/images/v1/${encodeURIComponent(key.slice('shop/'.length))}/blob`);
        expect(res.status, key).toBe(200);
        expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(objects[key]!));
      }
      const list = (await (await api('/images/v2')).json()) as { result: { images: Array<{ id: string; filename: string }> } };
      expect(list.result.images.map((i) => i.id).sort()).toEqual(['a/one.jpg', 'anim.gif', 'b/two.png', 'logo.svg']);
      expect(list.result.images.find((i) => i.id === 'a/one.jpg')!.filename).toBe('one.jpg');
    } finally {
      await server.stop();
    }
  }, 120_000);
});
