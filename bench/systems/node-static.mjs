// A bare `node:http` server sending the rendition from memory (node-static-server.mjs): the
// ceiling for any Node.js server on a cached hit, beside nginx's. A reference row, not a peer.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/free-port.mjs';
import { startServer } from '../lib/server-process.mjs';
import { ensureRendition, renditionFile } from './nginx-static.mjs';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node-static-server.mjs');

function nodeStatic({ id, label, workers }) {
  let server = null;
  return {
    id,
    label,
    role: 'reference',
    kind: 'server',
    async prepare() {
      return { version: `node ${process.version}, node:http, ${workers} process(es)` };
    },
    async start({ scenario }) {
      await ensureRendition(scenario.transform);
      const port = await freePort();
      const { format } = scenario.transform;
      server = await startServer({
        name: id,
        command: process.execPath,
        args: [SERVER, String(port), renditionFile(scenario.transform), `image/${format}`, String(workers)],
        readyUrl: `http://127.0.0.1:${port}/`,
      });
      return { baseUrl: `http://127.0.0.1:${port}`, pid: server.pid };
    },
    urlFor() {
      return '/rendition';
    },
    async stop() {
      await server?.stop();
      server = null;
    },
  };
}

export default nodeStatic({ id: 'node-static', label: 'bare node:http, same bytes from memory', workers: 2 });

export const nodeStaticOneProcess = nodeStatic({ id: 'node-static-1p', label: 'bare node:http, 1 process', workers: 1 });
