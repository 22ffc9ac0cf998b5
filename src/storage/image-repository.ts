/** ImageRepository on Kysely: one implementation for SQLite and PostgreSQL. */
import { type Kysely, type Selectable, sql } from 'kysely';
import {
  DuplicateImageError,
  type ImagePatch,
  type ImageRecord,
  type ImageRepository,
  type UploadedImage,
  type KeysetQuery,
} from '../images/model.js';
import type { ImageFormat } from '../media/image-format.js';
import type { Database } from './database.js';
import { isUniqueViolation } from './database.js';
import { metaFilterSql } from './meta-filter-sql.js';
import type { ImagesTable, Schema } from './schema.js';

/** Rows a filtered list examines per query, at least (see listKeyset). */
const MIN_FILTER_WINDOW = 1000;

function toRecord(row: Selectable<ImagesTable>): ImageRecord {
  return {
    accountId: row.account_id,
    id: row.id,
    filename: row.filename,
    creator: row.creator,
    meta: JSON.parse(row.meta) as ImageRecord['meta'],
    requireSignedURLs: row.require_signed === 1,
    uploadedMs: Number(row.uploaded_ms),
    sortKey: row.sort_key,
    draft: row.draft === 1,
    draftExpiresMs: row.draft_expires_ms === null ? null : Number(row.draft_expires_ms),
    blobKey: row.blob_key,
    contentType: row.content_type,
    format: row.format as ImageFormat | null,
    bytes: Number(row.bytes),
    width: row.width,
    height: row.height,
    frames: row.frames,
    version: row.version,
    uploadTokenHash: row.upload_token_hash,
  };
}

function toRow(r: ImageRecord): ImagesTable {
  return {
    account_id: r.accountId,
    id: r.id,
    filename: r.filename,
    creator: r.creator,
    meta: JSON.stringify(r.meta),
    require_signed: r.requireSignedURLs ? 1 : 0,
    uploaded_ms: r.uploadedMs,
    sort_key: r.sortKey,
    draft: r.draft ? 1 : 0,
    draft_expires_ms: r.draftExpiresMs,
    blob_key: r.blobKey,
    content_type: r.contentType,
    format: r.format,
    bytes: r.bytes,
    width: r.width,
    height: r.height,
    frames: r.frames,
    version: r.version,
    upload_token_hash: r.uploadTokenHash,
  };
}

export class KyselyImageRepository implements ImageRepository {
  private readonly db: Kysely<Schema>;

  constructor(private readonly database: Database) {
    this.db = database.db;
  }

  async insert(record: ImageRecord): Promise<void> {
    try {
      await this.db.insertInto('images').values(toRow(record)).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateImageError();
      throw err;
    }
  }

  async find(accountId: string, id: string): Promise<ImageRecord | undefined> {
    const row = await this.db.selectFrom('images').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async update(accountId: string, id: string, patch: ImagePatch, bumpVersion: boolean): Promise<ImageRecord | undefined> {
    const set: Partial<ImagesTable> = {};
    if (patch.creator !== undefined) set.creator = patch.creator;
    if (patch.meta !== undefined) set.meta = JSON.stringify(patch.meta);
    if (patch.requireSignedURLs !== undefined) set.require_signed = patch.requireSignedURLs ? 1 : 0;
    const row = await this.db
      .updateTable('images')
      .set({ ...set, version: bumpVersion ? sql<number>`version + 1` : sql<number>`version` })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async replace(record: ImageRecord): Promise<boolean> {
    const { account_id, id, ...fields } = toRow(record);
    const result = await this.db.updateTable('images').set(fields).where('account_id', '=', account_id).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async remove(accountId: string, id: string): Promise<ImageRecord | undefined> {
    const row = await this.db.deleteFrom('images').where('account_id', '=', accountId).where('id', '=', id).returningAll().executeTakeFirst();
    return row && toRecord(row);
  }

  async listPage(accountId: string, q: { offset: number; limit: number; creator: string | null | undefined }): Promise<ImageRecord[]> {
    const rows = await this.listed(accountId, q.creator).orderBy('sort_key', 'asc').limit(q.limit).offset(q.offset).execute();
    return rows.map(toRecord);
  }

  async listKeyset(accountId: string, q: KeysetQuery): Promise<ImageRecord[]> {
    const inOrder = (after: string | undefined) => {
      const query = this.listed(accountId, q.creator);
      return (after === undefined ? query : query.where('sort_key', q.order === 'asc' ? '>' : '<', after)).orderBy('sort_key', q.order);
    };
    if (q.filters.length === 0) return (await inOrder(q.after).limit(q.limit).execute()).map(toRecord);

    // Metadata filters can use no index, and a planner that cannot estimate them may sort the
    // whole account instead of walking the list index (PostgreSQL did: 0.2 s a page at 100k
    // images, growing with the account). So walk the index in bounded windows, filtering each;
    // a page costs the rows it skips over, however large the account.
    const window = Math.max(MIN_FILTER_WINDOW, q.limit * 10);
    const found: ImageRecord[] = [];
    for (let after = q.after; ; ) {
      let matching = this.db.selectFrom(inOrder(after).limit(window).as('scanned')).selectAll();
      for (const f of q.filters) matching = matching.where(metaFilterSql(this.database.dialect, f));
      found.push(...(await matching.orderBy('sort_key', q.order).limit(q.limit - found.length).execute()).map(toRecord));
      if (found.length === q.limit) return found;
      const last = await inOrder(after).clearSelect().select('sort_key').offset(window - 1).limit(1).executeTakeFirst();
      if (!last) return found;
      after = last.sort_key;
    }
  }

  async count(accountId: string): Promise<number> {
    const row = await this.db
      .selectFrom('images')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('draft', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findByUploadToken(tokenHash: string): Promise<ImageRecord | undefined> {
    const row = await this.db.selectFrom('images').selectAll().where('upload_token_hash', '=', tokenHash).executeTakeFirst();
    return row && toRecord(row);
  }

  async completeDraft(tokenHash: string, u: UploadedImage): Promise<ImageRecord | undefined> {
    const row = await this.db
      .updateTable('images')
      .set({
        filename: u.filename,
        uploaded_ms: u.uploadedMs,
        sort_key: u.sortKey,
        blob_key: u.blobKey,
        content_type: u.contentType,
        format: u.format,
        bytes: u.bytes,
        width: u.width,
        height: u.height,
        frames: u.frames,
        draft: 0,
        draft_expires_ms: null,
        upload_token_hash: null,
        version: sql<number>`version + 1`,
      })
      .where('upload_token_hash', '=', tokenHash)
      .where('draft', '=', 1)
      .returningAll()
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async removeExpiredDrafts(nowMs: number): Promise<ImageRecord[]> {
    const rows = await this.db.deleteFrom('images').where('draft', '=', 1).where('draft_expires_ms', '<=', nowMs).returningAll().execute();
    return rows.map(toRecord);
  }

  async referencedBlobKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db.selectFrom('images').select('blob_key').where('blob_key', 'in', keys).execute();
    return new Set(rows.map((r) => r.blob_key).filter((k): k is string => k !== null));
  }

  /** Images that lists show: not drafts, optionally of one creator (null = without a creator). */
  private listed(accountId: string, creator: string | null | undefined) {
    const query = this.db.selectFrom('images').selectAll().where('account_id', '=', accountId).where('draft', '=', 0);
    if (creator === undefined) return query;
    return creator === null ? query.where('creator', 'is', null) : query.where('creator', '=', creator);
  }
}
