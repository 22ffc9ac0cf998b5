/**
 * Hostile input at the delivery URL: bad option strings, an SVG carrying scripts and external
 * references, and a 100-megapixel image asked for at full size. Every answer is a delivery error
 * naming the problem or a correct image, never a 5xx.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, expectDeliveryError, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let photo: string;

beforeAll(async () => {
  pictor = await startPictor();
  photo = await upload(pictor, await images.jpeg(400, 300));
  await patchDeliveryConfig(pictor, { flexible_variants: true });
});
afterAll(async () => pictor?.close());

describe('bad option strings', () => {
  it.each([
    // [options as sent in the URL (already percent-encoded where needed), status, code]
    ['foo=1', 400, 9401],
    ['w=100,foo=1', 400, 9401],
    ['width=100,width=200', 400, 9401],
    ['w=100,w=200', 400, 9401],
    ['w=-1', 400, 9401],
    ['w=0', 400, 9401],
    ['w=NaN', 400, 9401],
    ['w=Infinity', 400, 9401],
    ['w=1e3', 400, 9401],
    ['w=0x10', 400, 9401],
    ['w=1.5', 400, 9401],
    ['w=', 400, 9401],
    ['=100', 400, 9401],
    ['w=100,,h=100', 400, 9401],
    ['w=100%00', 400, 9401],
    ['fit=<script>alert(1)<%2Fscript>', 400, 9401],
    ['w=99999999999999999999', 400, 9401],
    ['fit=cover%3Balert(1)', 400, 9401],
    ['w=100;rm%20-rf%20%2F', 400, 9401],
    ['background=url(javascript:alert(1))', 400, 9401],
    ['background=expression(alert(1))', 400, 9401],
    ["q=1'%20OR%201=1--", 400, 9401],
    ['f=gif', 400, 9401],
    ['format=%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', 400, 9401],
    ['rotate=45', 400, 9401],
    ['dpr=0', 400, 9401],
    ['q=0', 400, 9401],
    ['blur=-1', 400, 9401],
    ['trim=1;2;3', 400, 9401],
    ['gravity=2x2x2', 400, 9401],
    ['segment=background', 400, 9401],
    ['onerror=redirect', 400, 9401],
    ['upscale=generate', 400, 9401],
    [`w=100,${'sharpen=1,'.repeat(300)}`, 400, 9401],
    // Huge sizes are clamped to 12000, then refused because enlarging past 5000 px is not allowed.
    ['w=99999,fit=contain', 403, 9413],
    ['w=12000,h=12000,fit=squeeze', 403, 9413],
    ['trim=0;400;0;0', 403, 9413],
    ['w=%E0%A4%A', 403, 9426],
  ])('%s → %i / %i', async (options, status, code) => {
    expectDeliveryError(await deliver(pictor, deliveryPath(pictor, photo, '') + options), status, code);
  });

  it('a huge width with scale-down simply serves the image at its own size', async () => {
    const { res, body } = await deliver(pictor, deliveryPath(pictor, photo, 'w=99999999'));
    expect(res.status).toBe(200);
    expect(await decode(body)).toMatchObject({ width: 400, height: 300 });
  });

  it('the server still answers after all of that', async () => {
    expect((await deliver(pictor, deliveryPath(pictor, photo, 'public'))).res.status).toBe(200);
  });
});

describe('SVG with active content', () => {
  it('comes back without scripts, handlers or external references', async () => {
    const hostile = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="80" onload="alert(1)">
      <script>alert(2)</script>
      <script xlink:href="https://evil.example/x.js"/>
      <rect width="120" height="80" fill="#36c" onclick="alert(3)" onmouseover="alert(4)"/>
      <image href="https://evil.example/a.png" width="10" height="10"/>
      <image xlink:href="http://evil.example/b.png" width="10" height="10"/>
      <use href="https://evil.example/sprite.svg#icon"/>
      <a href="javascript:alert(5)"><text x="5" y="20">link</text></a>
      <foreignObject width="50" height="50"><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/></foreignObject>
      <style>@import url(https://evil.example/x.css); rect { fill: url(https://evil.example/f.svg#p) }</style>
      <animate attributeName="href" to="javascript:alert(6)"/>
      <set attributeName="onmouseover" to="alert(7)"/>
    </svg>`;
    const id = await upload(pictor, Buffer.from(hostile), { filename: 'hostile.svg' });
    for (const variant of ['public', 'w=10']) {
      const { res, body } = await deliver(pictor, deliveryPath(pictor, id, variant));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      const text = body.toString();
      expect(text).toContain('<rect');
      expect(text).toContain('link');
      for (const forbidden of [/<script/i, /\son[a-z]+\s*=/i, /evil\.example/i, /javascript:/i, /foreignObject/i, /<iframe/i, /@import/i, /<set\b/i]) {
        expect(text).not.toMatch(forbidden);
      }
      expect(await decode(body)).toMatchObject({ format: 'svg', width: 120, height: 80 });
    }
  });
});

describe('a 100-megapixel image', () => {
  let big: string;
  beforeAll(async () => {
    // A flat colour encodes to about 1.3 MB of PNG, well inside the 10 MB upload limit.
    big = await upload(pictor, await images.solid(10_000, 10_000, 'png'));
  }, 30_000);

  it('is served at full size', async () => {
    const { res, body } = await deliver(pictor, deliveryPath(pictor, big, 'public'), { headers: { accept: 'image/png' } });
    expect(res.status).toBe(200);
    const meta = await sharp(body, { limitInputPixels: false }).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 10_000, 10_000]);
  }, 20_000);

  it('cannot be enlarged past the output limit', async () => {
    expectDeliveryError(await deliver(pictor, deliveryPath(pictor, big, 'w=12000,fit=contain')), 403, 9413);
  });
});
