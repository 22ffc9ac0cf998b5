/**
 * A read-only token (`pictor tokens create --read-only`) gets a read-only dashboard: it sees the
 * images, private ones included (without making them public), and no control that would write.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserSuite } from '../helpers/browser.js';
import { expectAccessible, naturalWidth, openDashboard, screenshot, signIn, type DashboardPage } from '../helpers/dashboard-page.js';
import { upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

describe.skipIf(skipBrowserSuite)('the dashboard with a read-only token', () => {
  let pictor: TestPictor;
  let browser: Browser;
  let dash: DashboardPage;
  let page: Page;
  let privateId: string;
  let readToken: string;

  beforeAll(async () => {
    pictor = await startPictor();
    await upload(pictor, await images.png(120, 90), { filename: 'open.png' });
    privateId = await upload(pictor, await images.png(200, 100), { filename: 'secret.png', requireSignedURLs: true });
    const { token } = await pictor.services.accounts.createToken(pictor.accountId, 'read');
    readToken = token;
    browser = await launchChromium();
    dash = await openDashboard(browser, pictor);
    page = dash.page;
    await signIn(page, pictor.accountId, token);
    await page.getByRole('heading', { name: 'Images', exact: true }).waitFor();
  });

  afterAll(async () => {
    await dash?.close();
    await browser?.close();
    await pictor?.close();
  });

  it('says so, and offers no upload', async () => {
    await page.getByText('Read-only', { exact: true }).waitFor();
    await expect.poll(() => page.locator('.grid .card').count()).toBe(2);
    expect(await page.getByLabel('Upload images').count()).toBe(0);
    await expectAccessible(page, 'read-only images');
    await screenshot(page, 'read-only');
  });

  it('shows a private image without making it public, and offers no change on its detail', async () => {
    await page.getByRole('link', { name: 'secret.png' }).click();
    await page.getByRole('heading', { name: 'secret.png' }).waitFor();
    await expect.poll(() => naturalWidth(page.locator('.preview-main img'))).toBe(200);
    expect(await page.getByLabel('Require signed URLs').isDisabled()).toBe(true);
    expect(await page.getByLabel('Metadata (JSON)').getAttribute('readonly')).toBe('');
    expect(await page.getByRole('button', { name: 'Save metadata' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect((await pictor.client.images.v1.get(privateId, { account_id: pictor.accountId })).requireSignedURLs).toBe(true);
    await expectAccessible(page, 'read-only detail');
  });

  it('lists variants and keys without write controls', async () => {
    await page.getByRole('link', { name: 'Variants' }).click();
    await page.getByRole('heading', { name: 'Variants', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'New variant' }).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: /^Flexible variants/ }).isDisabled()).toBe(true);
    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    expect(await page.getByRole('button', { name: /^Rotate/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    expect(dash.incidents).toEqual([]);
  });

  it('shows private images through their originals when key values are refused to the token', async () => {
    // Key values may be readable only with write access: the page then fetches the original with
    // the token and shows it as a blob: URL, still without making the image public.
    const other = await openDashboard(browser, pictor);
    try {
      await other.context.route('**/images/v1/keys', (route) =>
        route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ result: null, success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [] }) }));
      await signIn(other.page, pictor.accountId, readToken);
      await other.page.getByRole('link', { name: 'secret.png' }).click();
      const preview = other.page.locator('.preview-main img');
      await expect.poll(() => naturalWidth(preview)).toBe(200);
      expect(await preview.getAttribute('src')).toMatch(/^blob:/);
      expect(await other.page.getByText(/^Signed URLs need a signing key/).count()).toBeGreaterThan(0);
      expect((await pictor.client.images.v1.get(privateId, { account_id: pictor.accountId })).requireSignedURLs).toBe(true);
    } finally {
      await other.close();
    }
  });
});
