// The Next.js image optimizer (/_next/image) in a minimal app under bench/.work/peers, run with
// `next start`. Next keeps a disk cache keyed by the full source URL, so cold scenarios make every
// request unique with a query on the source (`url=/photo.jpg?v=<n>`); hits repeat one URL.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_DIR, PEERS_DIR } from '../lib/paths.mjs';
import { startCountedNodeServer } from '../lib/counted-node-server.mjs';
import { installedVersion } from '../setup/npm-peers.mjs';
import { runCommand } from '../setup/run-command.mjs';
import { remoteSourceUrl } from './remote-origin.mjs';

const NEXT_BIN = path.join(PEERS_DIR, 'node_modules', 'next', 'dist', 'bin', 'next');
const ENV = { NEXT_TELEMETRY_DISABLED: '1' };

// Widths and qualities must be on Next's allow-lists, or it answers 400.
const NEXT_CONFIG = `module.exports = {
  images: {
    formats: ['image/avif', 'image/webp'],
    imageSizes: [256, 512],
    qualities: [80],
    // Without this Next refuses local URLs with a query, which cold runs use to defeat its cache.
    localPatterns: [{ pathname: '/**' }],
    // Remote-source scenarios: the origin on loopback (any port), which Next refuses unless told.
    remotePatterns: [{ protocol: 'http', hostname: '127.0.0.1' }],
    dangerouslyAllowLocalIP: true,
  },
  // The app sits inside the Pictor checkout: keep Next from adopting the outer project as its root.
  outputFileTracingRoot: __dirname,
  turbopack: { root: __dirname },
};
`;

function writeApp() {
  mkdirSync(path.join(PEERS_DIR, 'pages'), { recursive: true });
  writeFileSync(path.join(PEERS_DIR, 'pages', 'index.js'), 'export default function Home() { return null }\n');
  writeFileSync(path.join(PEERS_DIR, 'next.config.js'), NEXT_CONFIG);
  cpSync(CORPUS_DIR, path.join(PEERS_DIR, 'public'), { recursive: true });
}

/** `next build` only when the config or the Next version changed since the last build. */
async function buildIfStale(version) {
  const stampFile = path.join(PEERS_DIR, '.next', 'bench-build-stamp');
  const stamp = `${version}\n${NEXT_CONFIG}`;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  await runCommand(process.execPath, [NEXT_BIN, 'build'], { cwd: PEERS_DIR, env: ENV });
  writeFileSync(stampFile, stamp);
}

let server = null;

export default {
  id: 'next',
  label: 'Next.js image optimizer',
  role: 'peer',
  kind: 'server',
  async prepare() {
    const version = installedVersion('next');
    if (!version) throw new Error('next is not installed in bench/.work/peers');
    writeApp();
    await buildIfStale(version);
    const sharpVersion = installedVersion('sharp', path.join(PEERS_DIR, 'node_modules', 'next')) ?? installedVersion('sharp');
    return { version: `next ${version} (sharp ${sharpVersion})` };
  },
  async start() {
    // A fresh server starts with an empty image cache.
    rmSync(path.join(PEERS_DIR, '.next', 'cache', 'images'), { recursive: true, force: true });
    server = await startCountedNodeServer({
      name: 'next',
      args: (port) => [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)],
      cwd: PEERS_DIR,
      env: ENV,
    });
    return { baseUrl: server.baseUrl, pid: server.pid };
  },
  urlFor({ source, width, quality, origin }) {
    // The output format comes from the Accept header, which the runner sets per format.
    const url = origin ? remoteSourceUrl({ origin, source }) : `/${source}?v={n}`;
    return `/_next/image?url=${encodeURIComponent(url).replace('%7Bn%7D', '{n}')}&w=${width}&q=${quality}`;
  },
  async transformCount() {
    return server.transformCount();
  },
  async stop() {
    await server?.stop();
    server = null;
  },
};
