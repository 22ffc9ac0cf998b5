/**
 * Cached hits are answered before Fastify (src/http/delivery/memory-hits.ts): the answer must be the
 * one the full path gives — same status, headers and bytes — and everything that is not a memory
 * hit must still reach the full path.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deliver, deliveryPath, expectDeliveryError, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { parseRawResponse, rawExchange } from '../helpers/raw-http.js';
import { captureLogs } from '../helpers/log-capture.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let fast: TestPictor;
/** Memory tier off: every repeat is answered by the full path, from disk. */
let full: TestPictor;
const ids: Record<string, { fast: string; full: string }> = {};
const { lines: logLines, logger } = captureLogs('info');

beforeAll(async () => {
  [fast, full] = await Promise.all([startPictor({ app: { logger } }), startPictor({ env: { PICTOR_CACHE_MEMORY_MB: '0' } })]);
  const photo = await images.jpeg(800, 600);
  for (const p of [fast, full]) await patchDeliveryConfig(p, { flexible_variants: true });
  ids.photo = { fast: await upload(fast, photo, { id: 'folder/photo' }), full: await upload(full, photo, { id: 'folder/photo' }) };
  ids.signed = { fast: await upload(fast, photo, { requireSignedURLs: true }), full: '' };
});
afterAll(async () => Promise.all([fast?.close(), full?.close()]));

/** Headers that may differ between two correct answers of the same rendition. */
const comparable = (res: Response) => [...res.headers].filter(([name]) => !['date', 'x-pictor-cache', 'keep-alive'].includes(name)).sort();

/** The second request of the same URL on each server: from memory on `fast`, from disk on `full`. */
async function both(variantPath: (p: TestPictor, id: string) => string, init: RequestInit = {}, warmUp: RequestInit = init) {
  const answers = [];
  for (const p of [fast, full]) {
    const path = variantPath(p, ids.photo![p === fast ? 'fast' : 'full']);
    await deliver(p, path, warmUp);
    answers.push(await deliver(p, path, init));
  }
  return answers;
}

describe('memory hits answered before the framework', () => {
  const urls: Array<[string, (p: TestPictor, id: string) => string]> = [
    ['a named variant', (p, id) => deliveryPath(p, id, 'public')],
    ['flexible options, custom-domain path, a query', (p, id) => `${deliveryPath(p, id, 'w=200,f=webp', { customDomain: true })}?cache=1`],
  ];
  for (const [what, path] of urls) {
    it(`${what}: the same status, headers and bytes as the full path`, async () => {
      const [memory, disk] = await both(path, { headers: { accept: 'image/avif,image/webp,*/*' } });
      expect(memory!.res.headers.get('x-pictor-cache')).toBe('hit-memory');
      expect(disk!.res.headers.get('x-pictor-cache')).toBe('hit-disk');
      expect(memory!.res.status).toBe(200);
      expect(comparable(memory!.res)).toEqual(comparable(disk!.res));
      expect(memory!.body.equals(disk!.body)).toBe(true);
    });
  }

  it('HEAD and a matching If-None-Match answer as the full path does', async () => {
    const named = (p: TestPictor, id: string) => deliveryPath(p, id, 'public');
    const [memoryHead, diskHead] = await both(named, { method: 'HEAD' }, {});
    expect(memoryHead!.res.headers.get('x-pictor-cache')).toBe('hit-memory');
    expect(memoryHead!.body.length).toBe(0);
    expect(comparable(memoryHead!.res)).toEqual(comparable(diskHead!.res));

    const etag = memoryHead!.res.headers.get('etag')!;
    const [memory304, disk304] = await both(named, { headers: { 'if-none-match': etag } }, {});
    expect([memory304!.res.status, disk304!.res.status]).toEqual([304, 304]);
    expect(memory304!.res.headers.get('x-pictor-cache')).toBe('hit-memory');
    expect(comparable(memory304!.res)).toEqual(comparable(disk304!.res));
  });

  it('a memory hit never reaches the full delivery path; a miss does', async () => {
    const deliverCalls = vi.spyOn(fast.services.delivery, 'deliver');
    try {
      const path = deliveryPath(fast, ids.photo!.fast, 'w=123');
      await deliver(fast, path);
      expect(deliverCalls).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 5; i++) expect((await deliver(fast, path)).res.headers.get('x-pictor-cache')).toBe('hit-memory');
      expect(deliverCalls).toHaveBeenCalledTimes(1);
    } finally {
      deliverCalls.mockRestore();
    }
  });

  it('while the purge bus cannot vouch for this process, each hit reads its account fresh first, and a change no purge announced is seen', async () => {
    const { services } = fast;
    const notUpToDate = vi.spyOn(services.purge, 'upToDate').mockReturnValue(false);
    const accountReads = vi.spyOn(services.accounts, 'findAccountByHash');
    const deliverCalls = vi.spyOn(services.delivery, 'deliver');
    const id = await upload(fast, await images.jpeg(400, 300));
    try {
      const path = deliveryPath(fast, id, 'public');
      await deliver(fast, path);
      const before = accountReads.mock.calls.length;
      for (let i = 0; i < 4; i++) expect((await deliver(fast, path)).res.headers.get('x-pictor-cache')).toBe('hit-memory');
      expect(deliverCalls).toHaveBeenCalledTimes(1);
      expect(accountReads.mock.calls.length - before).toBe(4);
      // Another node's change whose purge never arrives: the image made private, the account's
      // delivery version bumped, and nothing published here.
      await services.imageRepository.update(fast.accountId, id, { requireSignedURLs: true }, true);
      await services.database.db
        .updateTable('accounts')
        .set({ delivery_version: sql<number>`delivery_version + 1` })
        .where('id', '=', fast.accountId)
        .execute();
      expect((await deliver(fast, path)).res.status).toBe(403);
      expect(deliverCalls).toHaveBeenCalledTimes(2);
    } finally {
      notUpToDate.mockRestore();
      accountReads.mockRestore();
      deliverCalls.mockRestore();
    }
  });

  it('logs and counts a memory hit as Fastify does a request', async () => {
    const path = deliveryPath(fast, ids.photo!.fast, 'w=124');
    await deliver(fast, path);
    logLines.length = 0;
    await deliver(fast, path);
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request' && l.url === path);
    expect(line).toMatchObject({ method: 'GET', route: '/:hash/*', status: 200 });
    const metrics = await (await fetch(`${fast.origin}/metrics?scope=worker`)).text();
    expect(metrics).toMatch(/pictor_http_request_duration_seconds_count\{[^}]*route="\/:hash\/\*"[^}]*cache="memory"[^}]*\} [1-9]/);
  });

  it('a hit requested without a Host header is refused as before', async () => {
    const path = deliveryPath(fast, ids.photo!.fast, 'w=126');
    await deliver(fast, path);
    expect((await deliver(fast, path)).res.headers.get('x-pictor-cache')).toBe('hit-memory');
    const raw = parseRawResponse(await rawExchange(fast.origin, `GET ${path} HTTP/1.1\r\nConnection: close\r\n\r\n`));
    expect(raw.status).toBe(403);
    expect(raw.body).toMatch(/^ERROR 9426: .*must carry a Host header/);
  });

  it('changes, errors and signed images still take the full path', async () => {
    const id = ids.photo!.fast;
    const path = deliveryPath(fast, id, 'w=125');
    await deliver(fast, path);
    expect((await deliver(fast, path)).res.headers.get('x-pictor-cache')).toBe('hit-memory');
    await patchDeliveryConfig(fast, { flexible_variants: false });
    try {
      expectDeliveryError(await deliver(fast, path), 403, 9429);
    } finally {
      await patchDeliveryConfig(fast, { flexible_variants: true });
    }
    // A signed image's rendition in memory still needs a valid signature every time.
    const signed = deliveryPath(fast, ids.signed!.fast, 'public');
    expect((await deliver(fast, signed)).res.status).toBe(403);
    expect((await deliver(fast, signed)).res.status).toBe(403);
    // Deleted: gone at once, although its renditions were in memory.
    expect((await fast.api(`/images/v1/${encodeURIComponent(id)}`, { method: 'DELETE' })).status).toBe(200);
    expectDeliveryError(await deliver(fast, path), 404, 9431);
  });
});
