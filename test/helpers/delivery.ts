/** Delivery-side test helpers: upload through the SDK, build delivery URLs, fetch and decode renditions. */
import { toFile } from 'cloudflare';
import sharp from 'sharp';
import { expect } from 'vitest';
import { samples } from './exposition.js';
import type { TestPictor } from './pictor.js';

export interface UploadOptions {
  id?: string;
  requireSignedURLs?: boolean;
  filename?: string;
}

/** Uploads through the official SDK and returns the image id. */
export async function upload(pictor: TestPictor, bytes: Buffer, options: UploadOptions = {}): Promise<string> {
  const image = await pictor.client.images.v1.create({
    account_id: pictor.accountId,
    file: await toFile(bytes, options.filename ?? 'upload'),
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.requireSignedURLs === undefined ? {} : { requireSignedURLs: options.requireSignedURLs }),
  });
  return image.id!;
}

/** Path of a delivery URL: each segment of the id percent-encoded (so `%` becomes `%25`), `/` kept. */
export function deliveryPath(pictor: TestPictor, imageId: string, variant: string, options: { customDomain?: boolean } = {}): string {
  const id = imageId.split('/').map(encodeURIComponent).join('/');
  return `${options.customDomain ? '/cdn-cgi/imagedelivery' : ''}/${pictor.accountHash}/${id}/${variant}`;
}

export interface Delivered {
  res: Response;
  body: Buffer;
}

export async function deliver(pictor: TestPictor, pathAndQuery: string, init: RequestInit = {}): Promise<Delivered> {
  const res = await fetch(pictor.origin + pathAndQuery, init);
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

export interface Decoded {
  format: string | undefined;
  width: number | undefined;
  /** One frame's height. */
  height: number | undefined;
  pages: number;
}

/** Decodes the header with sharp: the format and size the bytes really have. */
export async function decode(body: Buffer): Promise<Decoded> {
  const meta = await sharp(body, { animated: true }).metadata();
  return { format: meta.format, width: meta.width, height: meta.pageHeight ?? meta.height, pages: meta.pages ?? 1 };
}

/** Expects a delivery error as imagedelivery.net sends it: status, `Cf-Resized: err=<code>`, `ERROR <code>: …` text. */
export function expectDeliveryError({ res, body }: Delivered, status: number, code: number): void {
  expect({ status: res.status, text: body.toString().slice(0, 200) }).toMatchObject({ status, text: expect.stringMatching(new RegExp(`^ERROR ${code}: \\S`)) });
  expect(res.headers.get('cf-resized')).toBe(`err=${code}`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
}

export async function patchDeliveryConfig(pictor: TestPictor, config: { flexible_variants?: boolean; browser_ttl?: number }): Promise<void> {
  const res = await pictor.api('/images/v1/config', { method: 'PATCH', body: JSON.stringify(config), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
}

/** One sample of a Prometheus counter or gauge from GET /metrics, with exactly these labels (0 when absent). */
export async function metric(origin: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return samples(text, name).find((s) => JSON.stringify(Object.entries(s.labels).sort()) === wanted)?.value ?? 0;
}

/** Sum of a counter over all its label sets. */
export async function metricTotal(origin: string, name: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return samples(text, name).reduce((sum, s) => sum + s.value, 0);
}
