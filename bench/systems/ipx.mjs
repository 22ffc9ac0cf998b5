// IPX (unjs, the Nuxt Image server) run as `ipx serve` over the corpus directory. IPX keeps no
// result cache, so "cache on/off" changes nothing: every request transforms.
import path from 'node:path';
import { CORPUS_DIR, PEERS_DIR } from '../lib/paths.mjs';
import { freePort } from '../lib/free-port.mjs';
import { startServer } from '../lib/server-process.mjs';
import { createSharpCallCount } from '../lib/sharp-call-count.mjs';
import { installedVersion } from '../setup/npm-peers.mjs';

const IPX_DIR = path.join(PEERS_DIR, 'node_modules', 'ipx');

let server = null;

export default {
  id: 'ipx',
  label: 'IPX',
  role: 'peer',
  kind: 'server',
  async prepare() {
    const version = installedVersion('ipx');
    if (!version) throw new Error('ipx is not installed in bench/.work/peers');
    // IPX depends on its own sharp range, so it may run a different sharp than Pictor.
    return { version: `ipx ${version} (sharp ${installedVersion('sharp', IPX_DIR) ?? installedVersion('sharp')})` };
  },
  async start() {
    const port = await freePort();
    const sharpCalls = createSharpCallCount();
    // The bin is started directly, not through npx, so the measured pid is the server itself.
    const handle = await startServer({
      name: 'ipx',
      command: process.execPath,
      args: [path.join(IPX_DIR, 'bin', 'ipx.mjs'), 'serve', '--dir', CORPUS_DIR, '--host', '127.0.0.1', '--port', String(port)],
      env: sharpCalls.env,
      readyUrl: `http://127.0.0.1:${port}/`,
    });
    server = { ...handle, baseUrl: `http://127.0.0.1:${port}`, sharpCalls };
    return { baseUrl: server.baseUrl, pid: server.pid };
  },
  urlFor({ source, width, format, quality }) {
    return `/w_${width},f_${format},q_${quality}/${source}`;
  },
  async transformCount() {
    return server.sharpCalls.read();
  },
  async stop() {
    await server?.stop();
    server?.sharpCalls.remove();
    server = null;
  },
};
