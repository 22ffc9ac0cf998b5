/**
 * Driving the dashboard in Chromium: a page that records what must never happen (script errors,
 * CSP violations, dialogs a payload opened, requests to another origin), axe-core run inside the
 * page, sign-in, and the screenshots docs/dashboard.md shows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestPictor } from './pictor.js';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Written only on request (PICTOR_DASHBOARD_SCREENSHOTS=1), so ordinary runs leave the tree clean. */
const SCREENSHOTS = process.env.PICTOR_DASHBOARD_SCREENSHOTS === '1' ? path.resolve('docs/dashboard') : undefined;

export interface DashboardPage {
  page: Page;
  context: BrowserContext;
  /** Page errors, console errors (CSP violations land here), dialogs and foreign requests seen so far. */
  incidents: string[];
  close(): Promise<void>;
}

export async function openDashboard(browser: Browser, pictor: TestPictor, viewport = { width: 1280, height: 900 }): Promise<DashboardPage> {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: pictor.origin });
  const page = await context.newPage();
  const incidents: string[] = [];
  page.on('pageerror', (err) => incidents.push(`page error: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && !/status of 4\d\d/.test(msg.text()) && incidents.push(`console: ${msg.text()}`));
  page.on('dialog', (dialog) => {
    incidents.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(`${pictor.origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:')) incidents.push(`foreign request: ${url}`);
  });
  await page.goto(`${pictor.origin}/dashboard`);
  return { page, context, incidents, close: () => context.close() };
}

export async function signIn(page: Page, accountId: string, token: string): Promise<void> {
  await page.getByLabel('Account ID').fill(accountId);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** axe-core inside the page (evaluated through the debugger protocol: the page's CSP allows no injected script). */
export async function expectAccessible(page: Page, view: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const violations = (await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) })))`)) as unknown[];
  expect({ view, violations }).toEqual({ view, violations: [] });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The natural width of an <img> (0 while nothing is shown). */
export const naturalWidth = (img: Locator): Promise<number> => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth);
