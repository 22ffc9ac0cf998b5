/**
 * SIGKILL during a burst of uploads: after a restart every listed image's blob is readable and
 * holds exactly the bytes uploaded for that id, and every acknowledged upload survived.
 */
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import path from 'node:path';
import fs from 'node:fs';
import * as images from '../helpers/images.js';
import { multipartBody } from '../helpers/multipart.js';
import { tempDir, TEST_ACCOUNT_ID, TEST_TOKEN } from '../helpers/pictor.js';
import { spawnPictor } from '../helpers/process.js';

const dataDir = tempDir('pictor-crash-');
const env = { PICTOR_DATA_DIR: dataDir, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, PICTOR_API_TOKEN: TEST_TOKEN };
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function listAll(origin: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | null = null;
  do {
    const url: string = `${origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v2?per_page=100${token ? `&continuation_token=${token}` : ''}`;
    const body = (await (await fetch(url, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).json()) as {
      result: { images: Array<{ id: string }>; continuation_token: string | null };
    };
    ids.push(...body.result.images.map((i) => i.id));
    token = body.result.continuation_token;
  } while (token);
  return ids;
}

describe('crash safety', () => {
  it('loses no acknowledged upload and leaves no row without its blob after SIGKILL', { timeout: 120_000 }, async () => {
    const server = await spawnPictor(env);
    // Distinct bytes per upload, so each id can be matched with exactly what was sent for it.
    const payloads = await Promise.all(Array.from({ length: 6 }, (_, i) => images.jpeg(200 + i * 16, 150)));
    const sent = new Map<string, Buffer>();
    const acknowledged = new Set<string>();
    let stop = false;
    let n = 0;
    const worker = async () => {
      while (!stop) {
        const id = `crash/${n++}`;
        const bytes = payloads[n % payloads.length]!;
        sent.set(id, bytes);
        const { body, contentType } = multipartBody([
          { name: 'file', value: bytes, filename: 'p.jpg', type: 'image/jpeg' },
          { name: 'id', value: id },
        ]);
        try {
          const res = await fetch(`${server.origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1`, {
            method: 'POST',
            body,
            headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': contentType },
          });
          if (res.status === 200) acknowledged.add(id);
        } catch {
          // The server died mid-request.
        }
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    await new Promise((r) => setTimeout(r, 1500));
    server.child.kill('SIGKILL');
    await server.exited;
    stop = true;
    await Promise.all(workers);
    expect(acknowledged.size).toBeGreaterThan(5);

    const restarted = await spawnPictor(env);
    try {
      const listed = await listAll(restarted.origin);
      for (const id of acknowledged) expect(listed).toContain(id);
      for (const id of listed) {
        const res = await fetch(`${restarted.origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1/${encodeURIComponent(id)}/blob`, {
          headers: { authorization: `Bearer ${TEST_TOKEN}` },
        });
        expect(res.status, id).toBe(200);
        const bytes = Buffer.from(await res.arrayBuffer());
        expect(bytes.equals(sent.get(id)!), id).toBe(true);
        expect((await sharp(bytes).metadata()).format).toBe('jpeg');
      }
      const db = new Database(path.join(dataDir, 'pictor.db'), { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  });
});
