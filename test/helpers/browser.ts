/** Real-browser helpers: Debian's Chromium through playwright-core, and a page server on another origin. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = fs.existsSync(CHROMIUM);
if (!chromiumAvailable) console.warn(`[browser tests] SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
/** Browser suites run when Chromium is there, and must when services are required (CI). */
export const skipBrowserSuite = !chromiumAvailable && process.env.PICTOR_REQUIRE_SERVICES !== '1';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface PageServer {
  /** `http://localhost:<port>`: "localhost" rather than 127.0.0.1, so a different origin from Pictor's. */
  origin: string;
  /** What the next page load gets. */
  html: string;
  headers: Record<string, string>;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const state = { html: '', headers: {} as Record<string, string> };
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...state.headers }).end(state.html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
