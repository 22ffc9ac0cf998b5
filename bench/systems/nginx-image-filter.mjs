// nginx with libgd's image_filter: the C baseline most people already have. JPEG in, JPEG out;
// it cannot convert formats and has no result cache.
import { CORPUS_DIR } from '../lib/paths.mjs';
import { startNginx, nginxVersion } from './nginx.mjs';

let server = null;

export default {
  id: 'nginx-image-filter',
  label: 'nginx image_filter',
  role: 'peer',
  kind: 'server',
  async prepare() {
    return { version: `nginx ${await nginxVersion()} + image_filter (libgd)` };
  },
  async start() {
    server = await startNginx({ name: 'nginx-image-filter', root: CORPUS_DIR, imageFilterSourceDir: CORPUS_DIR });
    return { baseUrl: server.baseUrl, pid: server.pid };
  },
  urlFor({ source, width, quality }) {
    return `/resize/${width}/${quality}/${source}`;
  },
  async stop() {
    await server?.stop();
    server = null;
  },
};
