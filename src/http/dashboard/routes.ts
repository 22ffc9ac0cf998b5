/**
 * Serves the built dashboard (sources in web/dashboard/, built by `npm run build` into
 * dist/dashboard/) at /dashboard on the API's port. Hashed assets are cached for a year; every other
 * path under /dashboard answers index.html (revalidated on each load) so deep links survive a
 * reload. Every answer carries a Content-Security-Policy without inline script: user data the page
 * shows (file names, metadata) can never run as code even if a rendering bug let it into the DOM.
 *
 * The few files are read once at start and kept in memory with their gzip form (the whole build is
 * tens of kilobytes), so a page load never touches the disk.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface DashboardOptions {
  /** PICTOR_DASHBOARD: off answers 404 under /dashboard. */
  enabled: boolean;
  /** The built assets (index.html and assets/). */
  assetsDir: string;
}

/** The vite build's output: <project root>/dist/dashboard, found from this file in src/ or dist/src/. */
export function builtDashboardDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'dashboard');
}

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // blob: shows private originals fetched with the token; data: only for the empty favicon.
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

interface Asset {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  etag: string;
  cacheControl: string;
}

function loadAsset(file: string, cacheControl: string): Asset {
  const body = fs.readFileSync(file);
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  const compressible = /^text\/|svg/.test(type);
  return {
    body,
    gzip: compressible ? gzipSync(body, { level: 9 }) : undefined,
    type,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    cacheControl,
  };
}

/** index.html plus every file under assets/ (vite names them by content hash). */
function loadBuild(dir: string): { index: Asset; assets: Map<string, Asset> } | undefined {
  const indexFile = path.join(dir, 'index.html');
  if (!fs.existsSync(indexFile)) return undefined;
  const assets = new Map<string, Asset>();
  const assetsDir = path.join(dir, 'assets');
  for (const name of fs.existsSync(assetsDir) ? fs.readdirSync(assetsDir) : []) {
    assets.set(name, loadAsset(path.join(assetsDir, name), 'public, max-age=31536000, immutable'));
  }
  return { index: loadAsset(indexFile, 'no-cache'), assets };
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  reply.headers(SECURITY_HEADERS).header('cache-control', asset.cacheControl).header('etag', asset.etag).header('vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  reply.type(asset.type);
  if (asset.gzip && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.body);
}

const notFound = (reply: FastifyReply, message: string) =>
  reply.code(404).headers(SECURITY_HEADERS).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(message);

/**
 * Registers /dashboard and /dashboard/*. These static prefixes win over the delivery routes'
 * `/:hash/*`, so "dashboard" is never read as an account hash, whether the dashboard is on or off.
 */
export function registerDashboardRoutes(app: FastifyInstance, options: DashboardOptions): void {
  const build = options.enabled ? loadBuild(options.assetsDir) : undefined;
  if (options.enabled && !build) app.log.warn({ assetsDir: options.assetsDir }, 'the dashboard is not built (run npm run build); /dashboard answers 503');

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!options.enabled) return notFound(reply, 'Not found: the dashboard is turned off (PICTOR_DASHBOARD=off)');
    if (!build) {
      return reply.code(503).headers(SECURITY_HEADERS).header('cache-control', 'no-store').type('text/plain; charset=utf-8')
        .send('The dashboard is not built: run npm run build');
    }
    const rest = (request.params as { '*'?: string })['*'] ?? '';
    if (rest.startsWith('assets/')) {
      const asset = build.assets.get(rest.slice('assets/'.length));
      // A missing script must not be answered with HTML: the browser would report a MIME error, not a 404.
      return asset ? send(request, reply, asset) : notFound(reply, 'Not found');
    }
    return send(request, reply, build.index);
  };
  app.get('/dashboard', handler);
  app.get('/dashboard/*', handler);
}
