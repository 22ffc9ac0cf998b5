// Pictor itself, started from the build output as `node dist/src/main.js serve`.
// The contract this adapter relies on is written out in bench/README.md ("Pictor adapter contract").
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { REPO_DIR, TMP_DIR } from '../lib/paths.mjs';
import { freePort } from '../lib/free-port.mjs';
import { startServer } from '../lib/server-process.mjs';
import { corpusFile } from '../corpus.mjs';
import { sourcesOf } from '../scenarios.mjs';
import { writeSdkUploadBody } from '../lib/sdk-multipart.mjs';
import { runCommand } from '../setup/run-command.mjs';
import { remoteSourceUrl } from './remote-origin.mjs';

// PICTOR_MAIN benches another build (e.g. another checkout's dist/src/main.js) as is, without building.
const MAIN = process.env.PICTOR_MAIN ? path.resolve(process.env.PICTOR_MAIN) : path.join(REPO_DIR, 'dist', 'src', 'main.js');
const ACCOUNT_ID = randomBytes(16).toString('hex');
const API_TOKEN = `bench-${randomBytes(16).toString('hex')}`;
const AUTH = { Authorization: `Bearer ${API_TOKEN}` };
// Prometheus counter of renditions actually computed. Adjust here if the server names it otherwise.
const TRANSFORM_COUNTER_NAMES = ['pictor_transforms_total', 'pictor_render_transforms_total', 'pictor_renditions_rendered_total'];

/** Sums every sample of the first transform counter found in a Prometheus text exposition. */
export function parseTransformCount(metricsText) {
  for (const name of TRANSFORM_COUNTER_NAMES) {
    const samples = [...metricsText.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([\\d.eE+-]+)`, 'gm'))];
    if (samples.length) return samples.reduce((sum, [, value]) => sum + Number(value), 0);
  }
  return null;
}

async function api(baseUrl, method, apiPath, body, headers = {}) {
  const response = await fetch(`${baseUrl}/client/v4/accounts/${ACCOUNT_ID}${apiPath}`, { method, headers: { ...AUTH, ...headers }, body });
  const envelope = await response.json().catch(() => null);
  if (!response.ok || !envelope?.success) {
    throw new Error(`${method} ${apiPath} answered ${response.status}: ${JSON.stringify(envelope?.errors ?? envelope)}`);
  }
  return envelope.result;
}

const CONTENT_TYPE = { '.jpg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.svg': 'image/svg+xml' };

async function uploadImage(baseUrl, file) {
  const form = new FormData();
  form.append('file', new File([readFileSync(file)], path.basename(file), { type: CONTENT_TYPE[path.extname(file)] }));
  const image = await api(baseUrl, 'POST', '/images/v1', form);
  // Delivery URLs look like <origin>/<account_hash>/<image_id>/<variant>.
  const segments = new URL(image.variants[0]).pathname.split('/').filter(Boolean);
  return { id: image.id, accountHash: segments[segments.indexOf(image.id) - 1] };
}

/** One build serves every Pictor variant (and the raw sharp loop, which reads Pictor's encoder settings). */
let built = null;
export function ensurePictorBuild() {
  if (!process.env.PICTOR_MAIN && !built) built = runCommand('npm', ['run', 'build', '--silent'], { cwd: REPO_DIR });
  return built;
}
/** The compiled `src/` directory of the Pictor being benched. */
export const PICTOR_BUILD_DIR = path.dirname(MAIN);

/**
 * Pictor as started by `npm start`, with `env` on top: `pictor` is the subject (its defaults,
 * one worker process per core); a variant may pin other settings for a side-by-side row, or pass
 * flags to node itself (`nodeArgs`, e.g. the profiler's, which NODE_OPTIONS does not allow), or ask
 * for more than the scenario's transform (`urlOptions`, appended to every URL's options).
 */
export function pictorSystem({ id, label, role, env: fixedEnv = {}, nodeArgs = [], urlOptions = '', main = MAIN }) {
  let server = null;
  return {
    id,
    label,
    role,
    kind: 'server',
    async prepare() {
      await ensurePictorBuild();
      if (!existsSync(main)) throw new Error(`${path.relative(REPO_DIR, main)} not built: Pictor's server is not on this branch yet`);
      if (main !== path.join(REPO_DIR, 'dist', 'src', 'main.js')) return { version: `pictor from ${main}` };
      const { version } = JSON.parse(readFileSync(path.join(REPO_DIR, 'package.json'), 'utf8'));
      const commit = (await runCommand('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR }).catch(() => '?')).trim();
      return { version: `pictor ${version} (${commit})` };
    },
    async start({ scenario }) {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const dataDir = path.join(TMP_DIR, `pictor-${randomBytes(4).toString('hex')}`);
      mkdirSync(dataDir, { recursive: true });
      const env = {
        PORT: String(port),
        HOST: '127.0.0.1',
        PICTOR_DATA_DIR: dataDir,
        PICTOR_ACCOUNT_ID: ACCOUNT_ID,
        PICTOR_API_TOKEN: API_TOKEN,
        PICTOR_LOG_LEVEL: 'warn',
        PICTOR_API_RATE_LIMIT: '0',
        ...(scenario.cache === 'off' ? { PICTOR_CACHE_MEMORY_MB: '0', PICTOR_CACHE_DISK_MB: '0' } : {}),
        // Remote-source scenarios: the origin is named, so Pictor may fetch from loopback.
        ...(scenario.transform?.origin ? { PICTOR_TRANSFORM_SOURCES: scenario.transform.origin } : {}),
        ...fixedEnv,
      };
      let handle;
      try {
        handle = await startServer({ name: 'pictor', command: process.execPath, args: [...nodeArgs, main, 'serve'], cwd: REPO_DIR, env, readyUrl: `${baseUrl}/` });
        server = { handle, baseUrl, dataDir, images: {} };
        await api(baseUrl, 'PATCH', '/images/v1/config', JSON.stringify({ flexible_variants: true }), { 'Content-Type': 'application/json' });
        for (const source of sourcesOf(scenario)) server.images[source] = await uploadImage(baseUrl, corpusFile(source));
        if (scenario.kind === 'upload') server.upload = await writeSdkUploadBody(corpusFile(scenario.source));
      } catch (error) {
        await this.stop();
        rmSync(dataDir, { recursive: true, force: true });
        throw error;
      }
      return { baseUrl, pid: handle.pid };
    },
    urlFor({ source, width, format, quality, origin }, { unique = false } = {}) {
      if (origin) return `/cdn-cgi/image/w=${width},f=${format},q=${quality}/${remoteSourceUrl({ origin, source })}`;
      const { accountHash, id } = server.images[source];
      // A new rendition per request with the cache on: a different height limit each time, always
      // taller than the photo will be at this width (fit=scale-down), so the work and the answer
      // stay those of the plain URL while every request stores its own rendition.
      return `/${accountHash}/${id}/w=${width},f=${format},q=${quality}${urlOptions}${unique ? ',h={i}' : ''}`;
    },
    uploadRequest() {
      return { method: 'POST', path: `/client/v4/accounts/${ACCOUNT_ID}/images/v1`, headers: AUTH, ...server.upload };
    },
    async transformCount() {
      const response = await fetch(`${server.baseUrl}/metrics`);
      return parseTransformCount(await response.text());
    },
    async stop() {
      if (!server) return;
      await server.handle?.stop();
      rmSync(server.dataDir, { recursive: true, force: true });
      server = null;
    },
  };
}

export default pictorSystem({ id: 'pictor', label: 'Pictor', role: 'subject' });

/** One process, as every peer runs: the like-for-like row for memory. */
export const pictorOneProcess = pictorSystem({ id: 'pictor-1p', label: 'Pictor, PICTOR_WORKERS=1', role: 'variant', env: { PICTOR_WORKERS: '1' } });

/** With the access log on (`info`, the default level; every other row runs at `warn`). */
export const pictorLogged = pictorSystem({ id: 'pictor-logged', label: 'Pictor, access log on', role: 'variant', env: { PICTOR_LOG_LEVEL: 'info' } });

/** Pictor as is; the `hit-isolation` scenario keeps cold requests coming while it measures this row. */
export const pictorUnderColdLoad = pictorSystem({ id: 'pictor-loaded', label: 'Pictor, under cold transform load', role: 'variant' });

/**
 * Hits of a gravity=face crop: its cold request loaded the face model into the process (an inference
 * thread, about 0.3 GB), which must not cost the cached hits anything (issue 15).
 */
export const pictorFaceCrop = pictorSystem({ id: 'pictor-face', label: 'Pictor, gravity=face crop', role: 'variant', urlOptions: ',h=300,fit=cover,g=face' });

/**
 * PICTOR_BASELINE_MAIN=<another build's dist/src/main.js> adds that build as a row beside every
 * `pictor` row, started the same way, so a change is judged against its baseline in one run.
 */
export const pictorBaseline = process.env.PICTOR_BASELINE_MAIN
  ? pictorSystem({ id: 'pictor-baseline', label: 'Pictor, baseline build (PICTOR_BASELINE_MAIN)', role: 'reference', main: path.resolve(process.env.PICTOR_BASELINE_MAIN) })
  : null;
