/** Named variants, signing keys and the delivery config through the SDK (config: raw HTTP, no SDK call exists). */
import { toFile } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
beforeAll(async () => (pictor = await startPictor()));
afterAll(async () => pictor?.close());
const account = () => ({ account_id: pictor.accountId });
const errorOf = (e: unknown) => e as { status: number; errors: Array<{ code: number; message: string }> };

describe('variants', () => {
  it('has a public variant that cannot be deleted', async () => {
    const { variants } = (await pictor.client.images.v1.variants.list(account())) as { variants: Record<string, unknown> };
    expect(Object.keys(variants)).toEqual(['public']);
    const err = errorOf(await pictor.client.images.v1.variants.delete('public', account()).catch((e: unknown) => e));
    expect(err.status).toBe(400);
  });

  it('creates, gets, edits and deletes a variant', async () => {
    const created = await pictor.client.images.v1.variants.create({
      ...account(),
      id: 'thumb',
      options: { fit: 'cover', width: 100, height: 80, metadata: 'none' },
      neverRequireSignedURLs: true,
    });
    expect(created).toEqual({ variant: { id: 'thumb', options: { fit: 'cover', width: 100, height: 80, metadata: 'none' }, neverRequireSignedURLs: true } });
    expect(await pictor.client.images.v1.variants.get('thumb', account())).toEqual(created);
    const flat = await pictor.client.get(`/accounts/${pictor.accountId}/images/v1/variants/thumb/flat`);
    expect(flat).toMatchObject({ result: created.variant });

    const edited = await pictor.client.images.v1.variants.edit('thumb', { ...account(), options: { fit: 'scale-down', width: 50, height: 50, metadata: 'keep' } });
    expect(edited.variant).toEqual({ id: 'thumb', options: { fit: 'scale-down', width: 50, height: 50, metadata: 'keep' }, neverRequireSignedURLs: true });

    // Image objects list every variant's URL.
    const image = await pictor.client.images.v1.create({ ...account(), file: await toFile(await images.jpeg(40, 30), 'a.jpg') });
    expect(image.variants).toEqual([`${pictor.origin}/${pictor.accountHash}/${image.id}/public`, `${pictor.origin}/${pictor.accountHash}/${image.id}/thumb`]);

    expect(await pictor.client.images.v1.variants.delete('thumb', account())).toEqual({});
    const gone = errorOf(await pictor.client.images.v1.variants.get('thumb', account()).catch((e: unknown) => e));
    expect(gone.status).toBe(404);
    expect(gone.errors[0]!.code).toBe(5401);
  });

  it('refuses bad names, bad options and duplicates', async () => {
    const options = { fit: 'cover' as const, width: 10, height: 10, metadata: 'none' as const };
    for (const id of ['with-dash', 'under_score', '', 'x'.repeat(100)]) {
      expect(errorOf(await pictor.client.images.v1.variants.create({ ...account(), id, options }).catch((e: unknown) => e)).errors[0]!.code).toBe(5400);
    }
    for (const bad of [{ ...options, fit: 'stretch' }, { ...options, width: 0 }, { ...options, width: 1.5 }, { ...options, metadata: 'all' }, { fit: 'cover' }]) {
      const err = errorOf(await pictor.client.images.v1.variants.create({ ...account(), id: 'bad', options: bad as never }).catch((e: unknown) => e));
      expect(err.status).toBe(400);
    }
    await pictor.client.images.v1.variants.create({ ...account(), id: 'dup', options });
    const dup = errorOf(await pictor.client.images.v1.variants.create({ ...account(), id: 'dup', options }).catch((e: unknown) => e));
    expect(dup.status).toBe(409);
    expect(dup.errors[0]!.code).toBe(5409);
  });

  it('allows at most 100 variants', async () => {
    const { variants } = (await pictor.client.images.v1.variants.list(account())) as { variants: Record<string, unknown> };
    const options = { fit: 'cover' as const, width: 10, height: 10, metadata: 'none' as const };
    for (let i = Object.keys(variants).length; i < 100; i++) {
      await pictor.client.images.v1.variants.create({ ...account(), id: `v${i}`, options });
    }
    const over = errorOf(await pictor.client.images.v1.variants.create({ ...account(), id: 'onetoomany', options }).catch((e: unknown) => e));
    expect(over.status).toBe(400);
    expect(over.errors[0]!.message).toMatch(/at most 100 variants/);
  });
});

describe('signing keys', () => {
  it('starts with a default key, rotates on PUT, allows two, recreates default when the last goes', async () => {
    const initial = await pictor.client.images.v1.keys.list(account());
    expect(initial.keys!.map((k) => k.name)).toEqual(['default']);
    const rotated = await pictor.client.images.v1.keys.update('default', account());
    expect(rotated.keys![0]!.value).not.toBe(initial.keys![0]!.value);
    const two = await pictor.client.images.v1.keys.update('second', account());
    expect(two.keys!.map((k) => k.name)).toEqual(['default', 'second']);
    const third = errorOf(await pictor.client.images.v1.keys.update('third', account()).catch((e: unknown) => e));
    expect(third.status).toBe(400);
    expect((await pictor.client.images.v1.keys.delete('default', account())).keys!.map((k) => k.name)).toEqual(['second']);
    const last = await pictor.client.images.v1.keys.delete('second', account());
    expect(last.keys!.map((k) => k.name)).toEqual(['default']);
    const missing = errorOf(await pictor.client.images.v1.keys.delete('nope', account()).catch((e: unknown) => e));
    expect(missing.status).toBe(404);
    expect(missing.errors[0]!.code).toBe(5404);
    const badName = errorOf(await pictor.client.images.v1.keys.update('bad-name', account()).catch((e: unknown) => e));
    expect(badName.status).toBe(400);
  });
});

describe('delivery config', () => {
  it('reads and patches flexible_variants and browser_ttl', async () => {
    const get = async () => ((await (await pictor.api('/images/v1/config')).json()) as { result: unknown }).result;
    expect(await get()).toEqual({ flexible_variants: false, browser_ttl: 172800 });
    const patch = (body: unknown) => pictor.api('/images/v1/config', { method: 'PATCH', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const res = await patch({ flexible_variants: true, browser_ttl: 3600 });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: unknown }).result).toEqual({ flexible_variants: true, browser_ttl: 3600 });
    expect(await get()).toEqual({ flexible_variants: true, browser_ttl: 3600 });
    expect((await patch({ browser_ttl: 60 })).status).toBe(400);
    expect((await patch({ flexible_variants: 'yes' })).status).toBe(400);
    expect((await patch({})).status).toBe(400);
  });
});
