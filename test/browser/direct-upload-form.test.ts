/**
 * A real browser (Debian's Chromium via playwright-core) posts a file to a direct-upload URL from a
 * page on another origin: with a plain HTML <form>, and with fetch() (CORS). The image is then served.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserSuite } from '../helpers/browser.js';
import * as images from '../helpers/images.js';
import { startPictor, tempDir, type TestPictor } from '../helpers/pictor.js';

describe.skipIf(skipBrowserSuite)('direct upload from a browser', () => {
  let pictor: TestPictor;
  let browser: Browser;
  let page: http.Server;
  let pageOrigin: string;
  let html = '';
  const dir = tempDir('pictor-browser-');
  const photoPath = path.join(dir, 'holiday.jpg');

  beforeAll(async () => {
    pictor = await startPictor();
    fs.writeFileSync(photoPath, await images.jpeg(160, 120));
    page = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    // "localhost" rather than 127.0.0.1: a different origin from Pictor's.
    pageOrigin = `http://localhost:${(page.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => page?.close(resolve));
    await pictor?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const newUpload = () => pictor.client.images.v2.directUploads.create({ account_id: pictor.accountId });

  it('accepts a plain HTML form post and then serves the image', async () => {
    const { id, uploadURL } = await newUpload();
    html = `<!doctype html><form method="post" enctype="multipart/form-data" action="${uploadURL}">
      <input type="file" name="file"><button type="submit">Upload</button></form>`;
    const tab = await browser.newPage();
    await tab.goto(`${pageOrigin}/form`);
    await tab.setInputFiles('input[name=file]', photoPath);
    const [response] = await Promise.all([tab.waitForNavigation(), tab.click('button')]);
    expect(response!.status()).toBe(200);
    expect(JSON.parse(await tab.innerText('body'))).toMatchObject({ success: true, result: { id, filename: 'holiday.jpg' } });

    const image = await pictor.client.images.v1.get(id!, { account_id: pictor.accountId });
    await tab.setContent(`<img id="photo" src="${image.variants![0]}">`);
    // Runs in the page: the project's TypeScript has no DOM types, so the element is typed by hand.
    const photo = () => (globalThis as unknown as { document: { getElementById(id: string): { complete: boolean; naturalWidth: number } } }).document.getElementById('photo');
    await tab.waitForFunction(`(${photo.toString()})().complete`);
    expect(await tab.evaluate(`(${photo.toString()})().naturalWidth`)).toBe(160);
    await tab.close();
  });

  it('accepts a cross-origin fetch() upload (CORS)', async () => {
    const { id, uploadURL } = await newUpload();
    html = '<!doctype html><title>fetch upload</title>';
    const tab = await browser.newPage();
    await tab.goto(`${pageOrigin}/fetch`);
    const bytes = [...fs.readFileSync(photoPath)];
    const result = await tab.evaluate(
      async ({ url, data }) => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(data)], { type: 'image/jpeg' }), 'from-fetch.jpg');
        const res = await fetch(url, { method: 'POST', body: form });
        return { status: res.status, body: await res.json() };
      },
      { url: uploadURL!, data: bytes },
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ success: true, result: { id, filename: 'from-fetch.jpg' } });
    await tab.close();
  });
});
