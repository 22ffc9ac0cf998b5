/**
 * Copies one installation's stores into another (`pictor migrate-storage`): every table through
 * the same Kysely code on either engine, then every image — its blob first, verified by reading it
 * back from the target, then its row. Rows are upserted by primary key and an image whose row is
 * already identical in the target is skipped, so an interrupted run is resumed by running it again.
 * The source is only ever read.
 */
import { createHash } from 'node:crypto';
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { BlobStore } from './blobs/blob-store.js';
import type { Database } from './database.js';
import type { Schema } from './schema.js';

export interface Stores {
  database: Database;
  blobs: BlobStore;
}

/**
 * Every table with its primary key, parents before children (foreign keys). `satisfies` keeps it
 * complete: a table added to Schema does not compile until it is listed here.
 */
const copyPlan = {
  accounts: ['id'],
  users: ['id'],
  account_members: ['account_id', 'user_id'],
  api_tokens: ['id'],
  variants: ['account_id', 'id'],
  signing_keys: ['account_id', 'name'],
  batch_tokens: ['token_hash'],
  webhooks: ['account_id'],
  webhook_deliveries: ['id'],
  images: ['account_id', 'id'],
} as const satisfies { [T in keyof Schema]: ReadonlyArray<keyof Schema[T] & string> };

type Table = keyof typeof copyPlan;
type Row = Record<string, unknown>;
// Tables and columns are named at run time here, which Kysely's static types cannot follow.
type AnyDb = Kysely<any>;
type AnyEb = ExpressionBuilder<any, any>;

const PAGE_ROWS = 500;
const PAGE_IMAGES = 100;
const IMAGES_IN_FLIGHT = 4;

export interface CopyProgress {
  tableCopied(table: string, rows: number): void;
  imagesStarting(total: number): void;
  imageDone(bytes: number): void;
}

export interface CopyResult {
  rows: Partial<Record<Table, number>>;
  images: { total: number; copied: number; alreadyThere: number; bytes: number };
}

export async function copyInstallation(source: Stores, target: Stores, progress: CopyProgress): Promise<CopyResult> {
  const from = source.database.db as AnyDb;
  const to = target.database.db as AnyDb;
  const result: CopyResult = { rows: {}, images: { total: 0, copied: 0, alreadyThere: 0, bytes: 0 } };
  for (const table of Object.keys(copyPlan) as Table[]) {
    if (table === 'images') continue;
    let rows = 0;
    for await (const page of pages(from, table, PAGE_ROWS)) {
      await upsert(to, table, page);
      rows += page.length;
    }
    result.rows[table] = rows;
    progress.tableCopied(table, rows);
  }

  const { n } = await from.selectFrom('images').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  result.images.total = Number(n);
  progress.imagesStarting(result.images.total);
  for await (const page of pages(from, 'images', PAGE_IMAGES)) {
    const existing = await matchingRows(to, 'images', page);
    await inParallel(page, IMAGES_IN_FLIGHT, async (row) => {
      const bytes = Number(row.bytes);
      if (sameRow(row, existing.get(keyOf('images', row)))) {
        result.images.alreadyThere++;
      } else {
        if (row.blob_key !== null) await copyBlob(source.blobs, target.blobs, row);
        await upsert(to, 'images', [row]);
        result.images.copied++;
        result.images.bytes += bytes;
      }
      progress.imageDone(bytes);
    });
  }
  return result;
}

/** Puts the blob into the target and reads it back: the checksums must match before the row may point at it. */
async function copyBlob(from: BlobStore, to: BlobStore, row: Row): Promise<void> {
  const key = row.blob_key as string;
  const bytes = await from.get(key);
  if (!bytes) throw new Error(`image ${row.account_id}/${row.id}: its blob ${key} is missing from the source`);
  const expected = sha256(bytes);
  await to.put(key, bytes, (row.content_type as string | null) ?? 'application/octet-stream');
  const copied = await to.get(key);
  if (!copied || sha256(copied) !== expected) throw new Error(`image ${row.account_id}/${row.id}: blob ${key} reads back differently from the target`);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Pages of a table in primary-key order (keyset pagination, so each page costs the same). */
async function* pages(db: AnyDb, table: Table, size: number): AsyncGenerator<Row[]> {
  const key = copyPlan[table];
  let last: Row | undefined;
  for (;;) {
    let query = db.selectFrom(table).selectAll();
    if (last) query = query.where((eb: AnyEb) => after(eb, key, last!));
    for (const column of key) query = query.orderBy(column);
    const page = (await query.limit(size).execute()) as Row[];
    if (page.length) yield page;
    if (page.length < size) return;
    last = page[page.length - 1];
  }
}

/** (k1, k2, …) > (v1, v2, …), spelled out so both engines use the primary key index. */
function after(eb: AnyEb, key: readonly string[], row: Row): Expression<SqlBool> {
  const [first, ...rest] = key as [string, ...string[]];
  if (rest.length === 0) return eb(first, '>', row[first]);
  return eb.or([eb(first, '>', row[first]), eb.and([eb(first, '=', row[first]), after(eb, rest, row)])]);
}

async function upsert(db: AnyDb, table: Table, rows: Row[]): Promise<void> {
  const key = copyPlan[table] as readonly string[];
  const others = Object.keys(rows[0]!).filter((column) => !key.includes(column));
  await db
    .insertInto(table)
    .values(rows)
    .onConflict((oc) => {
      const conflict = oc.columns(key as never);
      return others.length ? conflict.doUpdateSet((eb) => Object.fromEntries(others.map((c) => [c, eb.ref(`excluded.${c}` as never)]))) : conflict.doNothing();
    })
    .execute();
}

const keyOf = (table: Table, row: Row) => copyPlan[table].map((column) => String(row[column])).join('\u0000');

/** The target's rows with the same primary keys as `rows`, by key. */
async function matchingRows(db: AnyDb, table: Table, rows: Row[]): Promise<Map<string, Row>> {
  const key = copyPlan[table] as readonly string[];
  const found = (await db
    .selectFrom(table)
    .selectAll()
    .where((eb: AnyEb) => eb.or(rows.map((row) => eb.and(key.map((column) => eb(column, '=', row[column]))))))
    .execute()) as Row[];
  return new Map(found.map((row) => [keyOf(table, row), row]));
}

function sameRow(source: Row, target: Row | undefined): boolean {
  return target !== undefined && Object.keys(source).every((column) => source[column] === target[column]);
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
