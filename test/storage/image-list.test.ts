/**
 * Keyset listing through the one Kysely repository, on SQLite and on PostgreSQL: pages in both
 * orders, with the creator filter, and with metadata filters rare enough that a page spans many
 * scan windows. Every walk must equal the same filter applied to the whole list in memory.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageRecord, KeysetQuery, MetaFilter } from '../../src/images/model.js';
import { type Database, openDatabase } from '../../src/storage/database.js';
import { KyselyImageRepository } from '../../src/storage/image-repository.js';
import { tempDir } from '../helpers/pictor.js';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../helpers/postgres-test-database.js';

const ACCOUNT = 'a'.repeat(32);
const IMAGES = 3000;

function image(i: number): ImageRecord {
  return {
    accountId: ACCOUNT,
    id: `img/${i}`,
    filename: `${i}.jpg`,
    creator: i % 4 === 0 ? 'quarter' : null,
    // 1 in 700 is rare: a page of 10 of them spans several windows of 1000 rows.
    meta: { rare: i % 700 === 0, tier: i % 10, label: `n${i % 3}` },
    requireSignedURLs: false,
    uploadedMs: 1_700_000_000_000 + i,
    sortKey: String(1_700_000_000_000 + i).padStart(13, '0') + i.toString(16).padStart(8, '0'),
    draft: i % 97 === 0,
    draftExpiresMs: null,
    uploadTokenHash: null,
    blobKey: null,
    contentType: 'image/jpeg',
    format: 'jpeg',
    bytes: 1,
    width: 1,
    height: 1,
    frames: 1,
    version: 1,
  };
}

const all = Array.from({ length: IMAGES }, (_, i) => image(i));

function expected(q: Omit<KeysetQuery, 'after' | 'limit'>, match: (r: ImageRecord) => boolean): string[] {
  const listed = all.filter((r) => !r.draft && (q.creator === undefined || r.creator === q.creator) && match(r)).map((r) => r.sortKey);
  return q.order === 'asc' ? listed : listed.reverse();
}

async function walk(repository: KyselyImageRepository, q: Omit<KeysetQuery, 'after' | 'limit'>, limit: number): Promise<string[]> {
  const seen: string[] = [];
  for (let after: string | undefined; ; ) {
    const page = await repository.listKeyset(ACCOUNT, { ...q, after, limit });
    seen.push(...page.map((r) => r.sortKey));
    if (page.length < limit) return seen;
    after = page[page.length - 1]!.sortKey;
  }
}

const rare: MetaFilter = { path: ['rare'], op: 'eq', type: 'boolean', values: [true] };
const tier: MetaFilter = { path: ['tier'], op: 'in', type: 'any', values: ['3', '4'] };

const engines: Array<{ name: string; skipReason: string | undefined; open(): Promise<{ database: Database; cleanup(): Promise<void> }> }> = [
  {
    name: 'SQLite',
    skipReason: undefined,
    async open() {
      const dir = tempDir();
      const database = await openDatabase(`sqlite:${dir}/pictor.db`);
      return { database, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    skipReason: postgresSkipReason,
    async open() {
      const created: TestDatabase = await createTestDatabase();
      const database = await openDatabase(created.url, { poolSize: 2 });
      return { database, cleanup: () => created.drop() };
    },
  },
];

for (const engine of engines) {
  if (engine.skipReason) console.warn(`[image list] ${engine.name} SKIPPED: ${engine.skipReason}`);

  describe.skipIf(engine.skipReason !== undefined)(`keyset listing on ${engine.name}`, () => {
    let opened: { database: Database; cleanup(): Promise<void> };
    let repository: KyselyImageRepository;

    beforeAll(async () => {
      opened = await engine.open();
      repository = new KyselyImageRepository(opened.database);
      await opened.database.db.insertInto('accounts').values({ id: ACCOUNT, hash: 'h', name: 'n', created_ms: 0, flexible_variants: 0, browser_ttl: 3600, delivery_version: 0 }).execute();
      for (const r of all) await repository.insert(r);
    }, 120_000);
    afterAll(async () => {
      await opened?.database.close();
      await opened?.cleanup();
    });

    it.each(['asc', 'desc'] as const)('walks every listed image once, %s', async (order) => {
      expect(await walk(repository, { order, creator: undefined, filters: [] }, 250)).toEqual(expected({ order, creator: undefined, filters: [] }, () => true));
    });

    it('walks one creator', async () => {
      const q = { order: 'desc' as const, creator: 'quarter', filters: [] };
      expect(await walk(repository, q, 100)).toEqual(expected(q, () => true));
    });

    it.each(['asc', 'desc'] as const)('finds rare metadata matches across many scan windows, %s', async (order) => {
      const q = { order, creator: undefined, filters: [rare] };
      const want = expected(q, (r) => r.meta.rare === true);
      expect(want.length).toBeGreaterThan(2);
      expect(await walk(repository, q, 2)).toEqual(want);
    });

    it('combines a creator with metadata filters', async () => {
      const q = { order: 'asc' as const, creator: 'quarter', filters: [tier] };
      expect(await walk(repository, q, 30)).toEqual(expected(q, (r) => r.meta.tier === 3 || r.meta.tier === 4));
    });
  });
}
