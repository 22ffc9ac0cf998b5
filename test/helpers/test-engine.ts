/**
 * Which stores the API and delivery suites run on. `scripts/run-tests.js` runs them twice:
 * PICTOR_TEST_ENGINE=embedded (SQLite + files, the default) and PICTOR_TEST_ENGINE=scaled
 * (PostgreSQL + S3, each server in a fresh database and bucket).
 *
 * A suite that only makes sense on the embedded stores (it opens the SQLite file, or looks at the
 * data dir's files) says so in its name, `*.embedded.test.ts`, and the scaled run leaves it out.
 */
import { createTestDatabase, postgresSkipReason } from './postgres-test-database.js';
import { newTestBucketName, removeTestBucket, s3SkipReason, testBlobStoreUrl } from './s3-test-bucket.js';

export type TestEngine = 'embedded' | 'scaled';

export const testEngine: TestEngine = process.env.PICTOR_TEST_ENGINE === 'scaled' ? 'scaled' : 'embedded';

export interface TestStores {
  /** DATABASE_URL and BLOB_STORE_URL; empty for the embedded stores (they live in the data dir). */
  env: Record<string, string>;
  remove(): Promise<void>;
}

/** Stores for one server (or several nodes sharing them), in-process or spawned, on `engine`. */
export async function createTestStores(engine: TestEngine = testEngine): Promise<TestStores> {
  return engine === 'scaled' ? createScaledStores() : { env: {}, remove: async () => undefined };
}

/** A fresh PostgreSQL database and S3 bucket. */
export async function createScaledStores(): Promise<TestStores> {
  const missing = postgresSkipReason ?? s3SkipReason;
  if (missing) throw new Error(`the scaled stores need PostgreSQL and S3: ${missing}`);
  const database = await createTestDatabase();
  const bucket = newTestBucketName();
  return {
    env: { DATABASE_URL: database.url, BLOB_STORE_URL: testBlobStoreUrl(bucket) },
    async remove() {
      await Promise.all([database.drop(), removeTestBucket(bucket)]);
    },
  };
}
