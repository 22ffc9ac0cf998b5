/**
 * How Pictor serves the dashboard's built files (no browser needed): security headers, caching,
 * deep links answered with index.html, the delivery wildcard not taking /dashboard, the switch,
 * and the page weight the docs state. Needs the build (`npm run build`), as `npm test` does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner } from '../../src/cli/banner.js';
import { configFrom, isConfigError } from '../../src/config.js';
import { builtDashboardDir, DASHBOARD_CSP } from '../../src/http/dashboard/routes.js';
import { upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

const built = builtDashboardDir();

describe('the dashboard is served at /dashboard', () => {
  let pictor: TestPictor;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(built, 'index.html'))) throw new Error(`no dashboard build in ${built}: run npm run build first`);
    pictor = await startPictor();
  });
  afterAll(() => pictor?.close());

  const get = (p: string, headers: Record<string, string> = {}) => fetch(pictor.origin + p, { headers });

  it('answers index.html with a CSP that allows no inline script, framing or third-party origin', async () => {
    const res = await get('/dashboard');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy');
    expect(csp).toBe(DASHBOARD_CSP);
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "connect-src 'self'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).toContain('<div id="app"></div>');
    // Every script is a file of the build, none inline.
    expect(html.match(/<script\b[^>]*>/g)!.every((tag) => / src="\/dashboard\/assets\/[^"]+\.js"/.test(tag))).toBe(true);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
  });

  it('answers deep links with the same index.html, so a reload keeps the view', async () => {
    const index = await (await get('/dashboard')).text();
    for (const deep of ['/dashboard/', '/dashboard/images/2cdc28f0-017a-49c4-9ed7-87056c839000', '/dashboard/images/a%2Fb%2Fc.png', '/dashboard/variants', '/dashboard/keys', '/dashboard/settings']) {
      const res = await get(deep);
      expect({ deep, status: res.status, csp: res.headers.get('content-security-policy') }).toEqual({ deep, status: 200, csp: DASHBOARD_CSP });
      expect(await res.text()).toBe(index);
    }
  });

  it('serves hashed assets for a year, gzipped when asked, with ETag revalidation', async () => {
    const html = await (await get('/dashboard')).text();
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const style = /href="(\/dashboard\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    const js = await get(script, { 'accept-encoding': 'gzip' });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await js.text()).toBe(fs.readFileSync(path.join(built, script.slice('/dashboard/'.length)), 'utf8'));
    const css = await get(style);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const again = await get(style, { 'if-none-match': css.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('answers a missing asset 404 as text, never index.html', async () => {
    const res = await get('/dashboard/assets/missing-0000.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('leaves delivery, the API and other paths as they were', async () => {
    const id = await upload(pictor, await images.png(40, 30));
    expect((await get(`/${pictor.accountHash}/${id}/public`)).status).toBe(200);
    expect((await pictor.api('/images/v1/stats')).status).toBe(200);
    // An account hash "dashboards" is not the dashboard.
    expect((await get('/dashboards/x/public')).headers.get('content-security-policy')).toBeNull();
  });

  it('keeps the page light: the built JS and CSS weigh under 40 KB gzipped', () => {
    // Measured 20.5 KB (see docs/dashboard.md); the bound catches a heavy dependency slipping in.
    const assets = fs.readdirSync(path.join(built, 'assets')).filter((f) => /\.(js|css)$/.test(f));
    const gzipped = assets.reduce((sum, f) => sum + gzipSync(fs.readFileSync(path.join(built, 'assets', f)), { level: 9 }).length, 0);
    expect(gzipped).toBeLessThan(40 * 1024);
  });
});

describe('PICTOR_DASHBOARD', () => {
  it('off answers 404 under /dashboard, not a delivery error', async () => {
    const pictor = await startPictor({ env: { PICTOR_DASHBOARD: 'off' } });
    try {
      for (const p of ['/dashboard', '/dashboard/images/abc', '/dashboard/assets/index.js']) {
        const res = await fetch(pictor.origin + p);
        expect({ p, status: res.status }).toEqual({ p, status: 404 });
        expect(await res.text()).toContain('PICTOR_DASHBOARD=off');
      }
    } finally {
      await pictor.close();
    }
  });

  it('accepts on and off only, and the banner names the dashboard only when it is on', () => {
    expect(configFrom({}).dashboard).toBe(true);
    expect(configFrom({ PICTOR_DASHBOARD: 'off' }).dashboard).toBe(false);
    let error: unknown;
    try {
      configFrom({ PICTOR_DASHBOARD: 'yes' });
    } catch (err) {
      error = err;
    }
    expect(isConfigError(error) && error.message).toBe('PICTOR_DASHBOARD must be on or off, got "yes"');
    const account = { id: '023e105f4ecef8ad9ca31a8372d0c353', hash: 'Qd3abc' } as Parameters<typeof banner>[2]['account'];
    expect(banner(configFrom({}), 'http://127.0.0.1:8787', { account }, 1)).toContain('  Dashboard:         http://127.0.0.1:8787/dashboard');
    expect(banner(configFrom({ PICTOR_DASHBOARD: 'off' }), 'http://127.0.0.1:8787', { account }, 1)).not.toContain('Dashboard');
  });
});
