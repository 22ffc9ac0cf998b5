// IPX (unjs, the Nuxt Image server) run as `ipx serve` over the corpus directory. IPX keeps no
// result cache, so "cache on/off" changes nothing: every request transforms.
import path from 'node:path';
import { CORPUS_DIR, PEERS_DIR } from '../lib/paths.mjs';
import { startCountedNodeServer } from '../lib/counted-node-server.mjs';
import { installedVersion } from '../setup/npm-peers.mjs';
import { remoteSourceUrl } from './remote-origin.mjs';

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
  async start({ scenario }) {
    // Remote sources: IPX's HTTP storage, allowed the origin's host. It keeps nothing either: every
    // request asks the origin twice (HEAD for the modification time, then GET) and transforms.
    const origin = scenario.transform?.origin;
    const domains = origin ? ['--domains', new URL(origin).hostname] : [];
    server = await startCountedNodeServer({
      name: 'ipx',
      args: (port) => [path.join(IPX_DIR, 'bin', 'ipx.mjs'), 'serve', '--dir', CORPUS_DIR, ...domains, '--host', '127.0.0.1', '--port', String(port)],
    });
    return { baseUrl: server.baseUrl, pid: server.pid };
  },
  urlFor({ source, width, format, quality, origin }) {
    return `/w_${width},f_${format},q_${quality}/${origin ? remoteSourceUrl({ origin, source }) : source}`;
  },
  async transformCount() {
    return server.transformCount();
  },
  async stop() {
    await server?.stop();
    server = null;
  },
};
