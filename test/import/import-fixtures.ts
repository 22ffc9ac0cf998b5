/**
 * What the import suites share: a source account worth copying (generated and custom ids with `/`,
 * public and private images, metadata, creators, animated GIF and SVG, variants, a second signing
 * key, flexible variants on) and a full record of what an installation serves, to compare.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { toFile } from 'cloudflare';
import { expect } from 'vitest';
import { signDeliveryUrl } from '../../src/signing/signed-url.js';
import * as images from '../helpers/images.js';
import type { TestPictor } from '../helpers/pictor.js';
import { mainScript } from '../helpers/process.js';

export const SOURCE_IMAGES = 200;

export const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

export async function seedSource(source: TestPictor, count = SOURCE_IMAGES): Promise<void> {
  const account = { account_id: source.accountId };
  const { client } = source;
  await client.images.v1.variants.create({ ...account, id: 'thumb', options: { fit: 'cover', width: 32, height: 32, metadata: 'none' } });
  await client.images.v1.variants.create({ ...account, id: 'open', options: { fit: 'contain', width: 48, height: 48, metadata: 'keep' }, neverRequireSignedURLs: true });
  await client.images.v1.keys.update('second', account);
  expect((await source.api('/images/v1/config', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flexible_variants: true }) })).status).toBe(200);
  const files = await Promise.all([images.jpeg(40, 30), images.png(24, 24), images.webp(50, 20), images.animatedGif(20, 16, 3), Promise.resolve(images.svg())]);
  const names = ['photo.jpg', 'icon.png', 'banner.webp', 'spinner.gif', 'logo.svg'];
  for (let i = 0; i < count; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, j) => {
        const n = i + j;
        const custom = n % 3 === 0;
        await client.images.v1.create({
          ...account,
          file: await toFile(files[n % files.length]!, `${n}-${names[n % names.length]}`),
          ...(custom ? { id: `albums/${n % 7}/pic ${n}` } : { requireSignedURLs: n % 4 === 1 }),
          metadata: JSON.stringify({ n, tags: ['a', n % 2 ? 'odd' : 'even'], nested: { deep: n % 5 } }) as unknown as object,
          ...(n % 5 === 0 ? { creator: `user-${n % 3}` } : {}),
        } as Parameters<typeof client.images.v1.create>[0]);
      }),
    );
  }
}

interface ListedImage {
  id: string;
  filename: string;
  creator: string | null;
  meta: unknown;
  requireSignedURLs: boolean;
  uploaded: string;
  variants: string[];
}

export interface Served {
  /** Every image as the v2 list shows it, delivery URLs with the origin left out. */
  images: ListedImage[];
  /** id → SHA-256 of the original. */
  originals: Map<string, string>;
  variants: unknown;
  keys: Array<{ name: string; value: string }>;
  config: unknown;
}

async function apiGet(origin: string, accountId: string, token: string, path: string): Promise<Response> {
  return fetch(`${origin}/client/v4/accounts/${accountId}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

async function result<T>(res: Response): Promise<T> {
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: T }).result;
}

/** Everything the API of an installation shows about the account, and every original's checksum. */
export async function recordServed(origin: string, accountId: string, token: string): Promise<Served> {
  const listed: ListedImage[] = [];
  let cursor: string | null = null;
  do {
    const page: { images: ListedImage[]; continuation_token: string | null } = await result(
      await apiGet(origin, accountId, token, `/images/v2?per_page=100&sort_order=asc${cursor ? `&continuation_token=${cursor}` : ''}`),
    );
    listed.push(...page.images.map((image) => ({ ...image, variants: image.variants.map((v) => v.replace(origin, '')).sort() })));
    cursor = page.continuation_token;
  } while (cursor);
  listed.sort((a, b) => a.id.localeCompare(b.id));
  const originals = new Map<string, string>();
  for (let i = 0; i < listed.length; i += 20) {
    await Promise.all(
      listed.slice(i, i + 20).map(async (image) => {
        const res = await apiGet(origin, accountId, token, `/images/v1/${encodeURIComponent(image.id)}/blob`);
        expect(res.status, image.id).toBe(200);
        originals.set(image.id, sha(Buffer.from(await res.arrayBuffer())));
      }),
    );
  }
  return {
    images: listed,
    originals,
    variants: await result(await apiGet(origin, accountId, token, '/images/v1/variants')),
    keys: (await result<{ keys: Served['keys'] }>(await apiGet(origin, accountId, token, '/images/v1/keys'))).keys.sort((a, b) => a.name.localeCompare(b.name)),
    config: await result(await apiGet(origin, accountId, token, '/images/v1/config')),
  };
}

/**
 * Each delivery path of a sample of images answers the same bytes on both servers: the named
 * variants, a flexible variant, and the /cdn-cgi/imagedelivery form; private images signed with the
 * source's key.
 */
export async function expectSameDelivery(sourceOrigin: string, targetOrigin: string, served: Served): Promise<void> {
  const key = served.keys[0]!.value;
  // Every ninth image by id, plus the first private one: ids are random, so the ninths alone
  // missed every private image in about one run of 60.
  const firstPrivate = served.images.find((image) => image.requireSignedURLs);
  expect(firstPrivate).toBeDefined();
  const sample = served.images.filter((image, i) => i % 9 === 0 || image === firstPrivate);
  for (const image of sample) {
    const base = image.variants.find((v) => v.endsWith('/public'))!.replace(/\/public$/, '');
    // Flexible variants never serve images that require signed URLs (as on Cloudflare).
    for (const variant of ['public', 'thumb', 'open', ...(image.requireSignedURLs ? [] : ['w=20,h=10,fit=cover'])]) {
      for (const prefix of ['', '/cdn-cgi/imagedelivery']) {
        const pathname = `${prefix}${base}/${variant}`;
        const bodies = await Promise.all(
          [sourceOrigin, targetOrigin].map(async (origin) => {
            const url = image.requireSignedURLs && variant !== 'open' ? signDeliveryUrl(origin + pathname, key, { expiresInSeconds: null }) : origin + pathname;
            const res = await fetch(url, { headers: { accept: 'image/webp,image/*' } });
            expect(res.status, url).toBe(200);
            return sha(Buffer.from(await res.arrayBuffer()));
          }),
        );
        expect(bodies[1], `${pathname} on the target`).toBe(bodies[0]);
      }
    }
  }
}

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs `pictor <args>` as a real process; `killWhen` may SIGKILL it part-way. */
export function runCli(env: Record<string, string>, args: string[], killWhen?: (kill: () => void) => void): Promise<RunResult> {
  const child = spawn(process.execPath, [mainScript, ...args], {
    env: { PATH: process.env.PATH ?? '', PICTOR_LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  killWhen?.(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
