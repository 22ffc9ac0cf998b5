/**
 * A real Worker in workerd (the `workerd` npm package) with an Images binding whose backend is
 * Pictor: workerd's own images-api module serializes `input().transform().draw().output()` and
 * `info()`, and a fetcher Worker forwards them to Pictor's binding path with an API token
 * (test/fixtures/images-binding-worker/). Embedded pass only: the binding reads no store, so the
 * scaled pass would only repeat it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

const fixture = path.resolve('test/fixtures/images-binding-worker');
const workerdBin = path.resolve('node_modules/.bin/workerd');

let pictor: TestPictor;
let workerd: ChildProcess;
let worker: string;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForListening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
      socket.unref();
      setTimeout(() => resolve(false), 200).unref();
    }).then((ok) => ok);
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`workerd did not listen: ${output()}`);
}

beforeAll(async () => {
  pictor = await startPictor();
  const port = await freePort();
  const pictorAddress = new URL(pictor.origin).host;
  workerd = spawn(workerdBin, ['serve', path.join(fixture, 'config.capnp'), '-s', `http=127.0.0.1:${port}`, '-e', `pictor=${pictorAddress}`], {
    env: { ...process.env, PICTOR_ACCOUNT: pictor.accountId, PICTOR_TOKEN: pictor.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  workerd.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  workerd.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForListening(port, workerd, () => output);
  worker = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  if (workerd && workerd.exitCode === null) {
    const exited = new Promise((resolve) => workerd.once('exit', resolve));
    workerd.kill('SIGTERM');
    await exited;
  }
  await pictor?.close();
});

function form(fields: Record<string, string | Buffer>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, typeof value === 'string' ? value : new Blob([new Uint8Array(value)]), ...(typeof value === 'string' ? [] : ['blob']));
  return body;
}

describe('a Worker with an Images binding backed by Pictor', () => {
  it('transforms and outputs WebP through env.IMAGES', async () => {
    const response = await fetch(`${worker}/transform`, { method: 'POST', body: form({ image: await images.jpeg(400, 300), transforms: JSON.stringify([{ width: 120, height: 120, fit: 'cover' }, { rotate: 90 }]), format: 'image/webp' }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(await sharp(Buffer.from(await response.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 120, height: 120 });
  });

  it('draws a transformed watermark with opacity, at top/left', async () => {
    const canvas = await images.solid(200, 100);
    const mark = await sharp({ create: { width: 50, height: 50, channels: 3, background: { r: 255, g: 255, b: 255 } } }).png().toBuffer();
    const response = await fetch(`${worker}/transform`, {
      method: 'POST',
      body: form({ image: canvas, watermark: mark, watermark_transform: JSON.stringify({ width: 20, height: 20 }), draw: JSON.stringify({ opacity: 0.5, top: 10, left: 10 }), format: 'image/png' }),
    });
    expect(response.status).toBe(200);
    const out = Buffer.from(await response.arrayBuffer());
    const mean = async (left: number, top: number) => (await sharp(await sharp(out).extract({ left, top, width: 10, height: 10 }).toBuffer()).stats()).channels.slice(0, 3).map((c) => Math.round(c.mean));
    // Half white over (10,120,200).
    const [r, g, b] = await mean(15, 15);
    expect(Math.abs(r! - 133)).toBeLessThan(6);
    expect(Math.abs(g! - 188)).toBeLessThan(6);
    expect(Math.abs(b! - 228)).toBeLessThan(6);
    expect(await mean(100, 50)).toEqual([10, 120, 200]);
  });

  it('reports info() and carries the backend error code to the ImagesError', async () => {
    const info = await fetch(`${worker}/info`, { method: 'POST', body: form({ image: await images.png(64, 48) }) });
    expect(await info.json()).toEqual({ format: 'image/png', fileSize: expect.any(Number), width: 64, height: 48 });
    const bad = await fetch(`${worker}/transform`, { method: 'POST', body: form({ image: await images.jpeg(40, 30), transforms: JSON.stringify([{ fit: 'stretch' }]), format: 'image/jpeg' }) });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as { code: number; message: string };
    expect(error.code).toBe(9401);
    expect(error.message).toMatch(/^IMAGES_TRANSFORM_ERROR 9401: .*fit/);
  });
});
