/**
 * The dashboard end to end in Debian's Chromium against a real Pictor: every view driven as a
 * person would, each checked with axe-core, and what the page did checked through the API and
 * delivery. One page walks the flows in order (sign in, upload, search, detail, variants, keys,
 * settings, delete), as they build on each other.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserSuite } from '../helpers/browser.js';
import { expectAccessible, naturalWidth, openDashboard, screenshot, signIn, type DashboardPage } from '../helpers/dashboard-page.js';
import { decode, deliveryPath } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

const HOSTILE = '<img src=x onerror=alert(1)>.png';

describe.skipIf(skipBrowserSuite)('the dashboard in a browser', () => {
  let pictor: TestPictor;
  let browser: Browser;
  let dash: DashboardPage;
  let page: Page;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    pictor = await startPictor();
    browser = await launchChromium();
    dash = await openDashboard(browser, pictor);
    page = dash.page;
  });

  afterAll(async () => {
    await dash?.close();
    await browser?.close();
    await pictor?.close();
  });

  const imagesOnServer = async () => (await pictor.client.images.v2.list({ account_id: pictor.accountId })).images!;
  const card = (name: string) => page.getByRole('listitem').filter({ has: page.getByRole('link', { name, exact: true }) });

  it('refuses a wrong token with an alert, then signs in with the right one', async () => {
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Pictor' }).isVisible()).toBe(true);
    await expectAccessible(page, 'sign-in');
    await signIn(page, pictor.accountId, 'not-the-right-token-0123456789');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Invalid access token (9109)');
    await screenshot(page, 'sign-in');

    await signIn(page, pictor.accountId, pictor.token);
    await page.getByRole('heading', { name: 'Images', exact: true }).waitFor();
    // The token stays in this tab: no cookie, nothing in localStorage, never in the URL.
    expect(await page.evaluate('[document.cookie, localStorage.length, location.href.includes(' + JSON.stringify(pictor.token) + ')]')).toEqual(['', 0, false]);
  });

  it('uploads several files at once, shows each appear, and a bad file with Cloudflare\'s message', async () => {
    await page.getByText('Upload options').click();
    await page.getByLabel('Metadata (JSON)').fill('{"album": "holiday"}');
    await page.getByLabel('Upload images').setInputFiles([
      { name: 'beach.png', mimeType: 'image/png', buffer: await images.png(400, 300) },
      { name: 'forest.jpg', mimeType: 'image/jpeg', buffer: await images.jpeg(320, 240) },
      { name: HOSTILE, mimeType: 'image/png', buffer: await images.png(64, 48) },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image at all') },
    ]);
    const uploads = page.getByRole('list', { name: 'Uploads' });
    await expect.poll(() => uploads.getByText('Uploaded', { exact: true }).count(), { timeout: 20_000 }).toBe(3);
    expect(await uploads.getByRole('alert').textContent()).toMatch(/\(5455\)$/);
    for (const name of ['beach.png', 'forest.jpg', HOSTILE]) await card(name).waitFor();

    const stored = await imagesOnServer();
    expect(stored.map((i) => i.filename).sort()).toEqual([HOSTILE, 'beach.png', 'forest.jpg'].sort());
    expect(stored.every((i) => (i.meta as { album?: string }).album === 'holiday')).toBe(true);
    for (const image of stored) ids[image.filename!] = image.id!;
    // Thumbnails load from Pictor itself.
    await expect.poll(() => naturalWidth(card('beach.png').locator('img'))).toBeGreaterThan(0);
    await expectAccessible(page, 'images');
  });

  it('shows a hostile filename as text and runs no script from it', async () => {
    expect(await card(HOSTILE).getByRole('link').textContent()).toBe(HOSTILE);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dash.incidents).toEqual([]);
  });

  it('searches by filename, ID and metadata, and sorts by upload date', async () => {
    const search = page.getByLabel('Search');
    const shown = () => page.locator('.grid .filename').allTextContents();
    await search.fill('fores');
    await expect.poll(shown).toEqual(['forest.jpg']);
    await search.fill(ids['beach.png']!);
    await expect.poll(shown).toEqual(['beach.png']);
    await search.fill('meta.album=holiday');
    await expect.poll(async () => (await shown()).length).toBe(3);
    await search.fill('no such thing');
    await expect.poll(shown).toEqual([]);
    await search.fill('');
    await page.getByLabel('Sort').selectOption({ label: 'Oldest first' });
    await expect.poll(async () => (await shown()).length).toBe(3);
    const oldestFirst = await shown();
    await page.getByLabel('Sort').selectOption({ label: 'Newest first' });
    await expect.poll(shown).toEqual([...oldestFirst].reverse());
    await screenshot(page, 'images');
  });

  it('opens a detail with the image\'s ID, dimensions, size and format', async () => {
    await card('beach.png').getByRole('link').click();
    await page.getByRole('heading', { name: 'beach.png' }).waitFor();
    expect(page.url()).toBe(`${pictor.origin}/dashboard/images/${encodeURIComponent(ids['beach.png']!)}`);
    const facts = page.locator('dl.facts');
    await expect.poll(() => facts.textContent()).toContain('400 × 300 px');
    const text = await facts.textContent();
    expect(text).toContain(ids['beach.png']);
    expect(text).toContain('image/png');
    await expectAccessible(page, 'image detail');
    await screenshot(page, 'image-detail');
  });

  it('edits metadata as JSON: refuses invalid JSON, saves an object', async () => {
    const editor = page.getByLabel('Metadata (JSON)');
    await editor.fill('{"album": ');
    await page.getByRole('button', { name: 'Save metadata' }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/^Metadata is not valid JSON/);
    await editor.fill('{"album": "summer", "rating": 5}');
    await page.getByRole('button', { name: 'Save metadata' }).click();
    await page.getByRole('status').filter({ hasText: 'Metadata saved' }).waitFor();
    expect((await pictor.client.images.v1.get(ids['beach.png']!, { account_id: pictor.accountId })).meta).toEqual({ album: 'summer', rating: 5 });
  });

  it('"Require signed URLs" saves at once: the API agrees and unsigned delivery is refused', async () => {
    const id = ids['beach.png']!;
    const unsigned = pictor.origin + deliveryPath(pictor, id, 'public');
    expect((await fetch(unsigned)).status).toBe(200);
    await page.getByLabel('Require signed URLs').check();
    await page.getByRole('status').filter({ hasText: 'The image is now private' }).waitFor();
    expect((await pictor.client.images.v1.get(id, { account_id: pictor.accountId })).requireSignedURLs).toBe(true);
    expect((await fetch(unsigned)).status).toBe(403);
    // The page still shows it, through a URL it signed itself.
    const preview = page.locator('.preview-main img');
    await expect.poll(() => naturalWidth(preview)).toBe(400);
    expect(await preview.getAttribute('src')).toMatch(/[?&]sig=[0-9a-f]{64}$/);
  });

  let copiedUrl: string;
  it('copies a signed variant URL that loads', async () => {
    await page.getByRole('button', { name: /^Copy public URL/ }).click();
    copiedUrl = (await page.evaluate('navigator.clipboard.readText()')) as string;
    expect(copiedUrl).toMatch(new RegExp(`^${pictor.origin}/${pictor.accountHash}/${ids['beach.png']}/public\\?exp=\\d+&sig=[0-9a-f]{64}$`));
    const res = await fetch(copiedUrl, { headers: { accept: 'image/png' } });
    expect(res.status).toBe(200);
    expect(await decode(Buffer.from(await res.arrayBuffer()))).toMatchObject({ format: 'png', width: 400, height: 300 });
  });

  it('creates and edits a variant, and the preview follows', async () => {
    await page.getByRole('link', { name: 'Variants' }).click();
    await page.getByRole('heading', { name: 'Variants', exact: true }).waitFor();
    await page.getByLabel('Preview image').selectOption(ids['forest.jpg']!);
    await page.getByRole('button', { name: 'New variant' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('thumb');
    await page.getByLabel('Width', { exact: true }).first().fill('100');
    await page.getByLabel('Height', { exact: true }).first().fill('100');
    await page.getByRole('button', { name: 'Create variant' }).click();
    const size = page.locator('.variant-preview .preview-size');
    await expect.poll(() => size.textContent()).toBe('100 × 75 px');
    expect((await pictor.client.images.v1.variants.get('thumb', { account_id: pictor.accountId })).variant?.options?.width).toBe(100);
    await expectAccessible(page, 'variants');

    await page.getByRole('button', { name: 'Edit thumb' }).click();
    await page.getByLabel('Width', { exact: true }).first().fill('200');
    await page.getByLabel('Height', { exact: true }).first().fill('200');
    await screenshot(page, 'variants');
    await page.getByRole('button', { name: 'Save variant' }).click();
    await expect.poll(() => size.textContent()).toBe('200 × 150 px');
    expect((await pictor.client.images.v1.variants.get('thumb', { account_id: pictor.accountId })).variant?.options?.width).toBe(200);
  });

  it('rotates a signing key: the value changes and URLs signed with the old one are refused', async () => {
    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    const value = page.getByLabel('Value of default');
    expect(await value.textContent()).toMatch(/^•+$/);
    await page.getByRole('button', { name: 'Reveal default' }).click();
    const before = (await pictor.client.images.v1.keys.list({ account_id: pictor.accountId })).keys![0]!.value;
    expect(await value.textContent()).toBe(before);
    await expectAccessible(page, 'signing keys');

    await page.getByRole('button', { name: 'Rotate default' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expectAccessible(page, 'rotate dialog');
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    await page.getByRole('status').filter({ hasText: 'Key default rotated' }).waitFor();
    const after = (await pictor.client.images.v1.keys.list({ account_id: pictor.accountId })).keys![0]!.value;
    expect(after).not.toBe(before);
    expect(await value.textContent()).toBe(after);
    expect((await fetch(copiedUrl)).status).toBe(403);

    // The generator signs with the new value: its URL loads.
    await page.getByLabel('Image', { exact: true }).selectOption(ids['beach.png']!);
    await page.getByLabel('Variant').selectOption('thumb');
    await page.getByRole('button', { name: 'Generate signed URL' }).click();
    const signed = await page.getByLabel('Signed URL', { exact: true }).inputValue();
    expect(signed).toContain(`/${ids['beach.png']}/thumb?exp=`);
    const res = await fetch(signed);
    expect(res.status).toBe(200);
    await screenshot(page, 'signing-keys');
  });

  it('shows usage against the quota and makes a direct-upload URL', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await expect.poll(() => page.locator('#usage-text').textContent()).toBe('3 of 100,000 images stored');
    await page.getByRole('button', { name: 'Create upload URL' }).click();
    const uploadUrl = await page.getByLabel('Upload URL', { exact: true }).inputValue();
    expect(uploadUrl).toMatch(new RegExp(`^${pictor.origin}/upload/${pictor.accountHash}/`));
    await expectAccessible(page, 'settings');
    await screenshot(page, 'settings');
  });

  it('keeps the view on reload (deep link) and deletes only after confirmation', async () => {
    const id = ids['forest.jpg']!;
    await page.goto(`${pictor.origin}/dashboard/images/${encodeURIComponent(id)}`);
    await page.getByRole('heading', { name: 'forest.jpg' }).waitFor();

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expectAccessible(page, 'delete dialog');
    await screenshot(page, 'delete-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.isVisible()).toBe(false);
    expect((await pictor.api(`/images/v1/${id}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('heading', { name: 'Images', exact: true }).waitFor();
    expect((await pictor.api(`/images/v1/${id}`)).status).toBe(404);
    await expect.poll(() => page.locator('.grid .filename').allTextContents()).not.toContain('forest.jpg');
  });

  it('works at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${pictor.origin}/dashboard`);
    await card('beach.png').waitFor();
    // Nothing wider than the screen: no sideways scrolling.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'images at phone width');
    await screenshot(page, 'phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('saw no script error, CSP violation, dialog or third-party request on the way', () => {
    expect(dash.incidents).toEqual([]);
  });
});
