// Installs the npm peers into bench/.work/peers, outside the project's own dependencies.
// Pinned to versions that run on Node 20. IPX brings its own nested sharp (0.34.x).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PEERS_DIR } from '../lib/paths.mjs';
import { runCommand } from './run-command.mjs';

export const PEER_PINS = { ipx: '3.1.1', next: '16.4.6', react: '19.3.1', 'react-dom': '19.3.1' };

export function installedVersion(packageName, fromDir = PEERS_DIR) {
  try {
    return JSON.parse(readFileSync(path.join(fromDir, 'node_modules', packageName, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

export async function ensureNpmPeers(log) {
  const stale = Object.entries(PEER_PINS).filter(([name, version]) => installedVersion(name) !== version);
  if (stale.length === 0) return;
  log(`installing npm peers into ${path.relative(process.cwd(), PEERS_DIR)}: ${stale.map(([n, v]) => `${n}@${v}`).join(' ')}`);
  mkdirSync(PEERS_DIR, { recursive: true });
  // Not `npm init -y`: npm 11 writes "type":"commonjs", which breaks `next build`.
  if (!existsSync(path.join(PEERS_DIR, 'package.json'))) writeFileSync(path.join(PEERS_DIR, 'package.json'), '{"private":true}\n');
  const specs = Object.entries(PEER_PINS).map(([name, version]) => `${name}@${version}`);
  // --prefer-offline: reuse the machine's npm cache when it has these versions already.
  await runCommand('npm', ['install', '--prefix', PEERS_DIR, '--prefer-offline', '--no-audit', '--no-fund', '--save-exact', '--loglevel=error', ...specs]);
}
