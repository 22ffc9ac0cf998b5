// nginx serving a pre-made rendition from disk: the limit for a cached hit.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { CORPUS_DIR } from '../lib/paths.mjs';
import { corpusFile } from '../corpus.mjs';
import { startNginx, nginxVersion } from './nginx.mjs';

const RENDITIONS_DIR = path.join(CORPUS_DIR, 'renditions');

function renditionName({ source, width, format, quality }) {
  return `${path.parse(source).name}-w${width}-q${quality}.${format}`;
}

/** Where the pre-made rendition of `transform` lives (made by ensureRendition). */
export const renditionFile = (transform) => path.join(RENDITIONS_DIR, renditionName(transform));

/** The same rendition the image servers produce, made once with sharp. */
export async function ensureRendition(transform) {
  const file = renditionFile(transform);
  if (existsSync(file)) return;
  mkdirSync(RENDITIONS_DIR, { recursive: true });
  await sharp(corpusFile(transform.source)).resize(transform.width).toFormat(transform.format, { quality: transform.quality }).toFile(file);
}

function nginxStatic({ id, label, workers }) {
  let server = null;
  return {
    id,
    label,
    role: 'limit',
    kind: 'server',
    async prepare() {
      return { version: `nginx ${await nginxVersion()}, ${workers} worker(s)` };
    },
    async start({ scenario }) {
      await ensureRendition(scenario.transform);
      server = await startNginx({ name: id, root: CORPUS_DIR, workers });
      return { baseUrl: server.baseUrl, pid: server.pid };
    },
    urlFor(transform) {
      return `/renditions/${renditionName(transform)}`;
    },
    async stop() {
      await server?.stop();
      server = null;
    },
  };
}

export default nginxStatic({ id: 'nginx-static', label: 'nginx static file', workers: 2 });

/** One worker process: the per-core limit one Pictor process is held to. */
export const nginxStaticOneWorker = nginxStatic({ id: 'nginx-static-1w', label: 'nginx static file, 1 worker', workers: 1 });
