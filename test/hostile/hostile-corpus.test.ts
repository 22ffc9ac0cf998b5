/**
 * The hostile corpus (issue 10's acceptance): several hundred hostile inputs from six families,
 * sent to one real Pictor process. Every answer is below 500 and, when a 4xx, Cloudflare-shaped;
 * the process never dies; it answers /healthz within 100 ms all along; its resident memory stays
 * under a bound. Entries tagged [issue 10.N] demand the behavior item N of the issue asks for.
 *
 * `node scripts/hostile-report.js` runs this suite and prints the figures docs/security.md quotes.
 */
import fs from 'node:fs';
import { toFile } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { TEST_ACCOUNT_ID, TEST_TOKEN } from '../helpers/pictor.js';
import { startNodes, type TestNode, type TestNodes } from '../helpers/nodes.js';
import { createTestStores, type TestStores } from '../helpers/test-engine.js';
import { type Family, families, type HostileInput, Probe, type Tally, type Target } from './corpus.js';
import { headerInputs } from './headers.js';
import { imageInputs } from './images.js';
import { jsonInputs } from './json.js';
import { multipartInputs } from './multipart.js';
import { residentBytes, type ServerWatch, type WatchSummary, watchServer } from './server-watch.js';
import { SOURCE_HOST, type SourceOrigin, startSourceOrigin } from './source-origin.js';
import { svgInputs } from './svg.js';
import { urlInputs } from './urls.js';

const corpus: Record<Family, HostileInput[]> = {
  images: imageInputs,
  svg: svgInputs,
  json: jsonInputs,
  multipart: multipartInputs,
  urls: urlInputs,
  headers: headerInputs,
};

/**
 * The issue's bound on /healthz, asserted on every probe. A timed assertion because the acceptance
 * point demands this bound: /healthz does no work, so a slow answer means the event loop was held
 * by something synchronous (sanitizing, parsing, decoding hostile input), which stalls every
 * other client of the node too.
 */
const HEALTHZ_BOUND_MS = 100;
/**
 * Peak resident memory allowed above the warmed-up baseline. Measured on today's main with the
 * entries tagged [issue 10.N] left out (PICTOR_HOSTILE_SKIP_TAGGED=1): baseline 133 MiB, peak
 * +33 MiB. The bound is about eight times that, for libvips' caches and allocator slack under
 * other loads; the failures of issue 10 pass it by far (item 1: 378 MB, item 2: 1.37 GB, item 3:
 * 4.7 GB; the whole corpus on today's main: +1.5 GiB).
 */
const RSS_GROWTH_BOUND = 256 * 1024 * 1024;

let stores: TestStores;
let cluster: TestNodes;
let server: TestNode;
let source: SourceOrigin;
let target: Target;
let watch: ServerWatch;
let baselineRss = 0;
const tallies = Object.fromEntries(families.map((f) => [f, { requests: 0, serverErrors: 0, noAnswer: 0 }])) as Record<Family, Tally>;
const failures: Array<{ family: Family; name: string; issue?: HostileInput['issue']; error: string }> = [];

beforeAll(async () => {
  stores = await createTestStores();
  source = await startSourceOrigin();
  cluster = await startNodes(1, { ...stores.env, PICTOR_URL_UPLOAD_ALLOW: SOURCE_HOST, PICTOR_URL_UPLOAD_TIMEOUT_MS: '2000' });
  server = cluster.nodes[0]!;
  const upload = async (bytes: Buffer, requireSignedURLs: boolean) =>
    (await server.client.images.v1.create({ account_id: TEST_ACCOUNT_ID, file: await toFile(bytes, 'seed.jpg'), requireSignedURLs })).id!;
  const [photo, privateImage] = [await upload(await images.jpeg(400, 300), false), await upload(await images.jpeg(64, 48), true)];
  const keys = await server.client.images.v1.keys.list({ account_id: TEST_ACCOUNT_ID });
  expect((await server.api('/images/v1/config', { method: 'PATCH', body: '{"flexible_variants":true}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
  const variantUrl = new URL((await server.client.images.v1.get(photo, { account_id: TEST_ACCOUNT_ID })).variants![0]!);
  target = {
    origin: server.origin,
    accountId: TEST_ACCOUNT_ID,
    accountHash: variantUrl.pathname.split('/')[1]!,
    token: TEST_TOKEN,
    photo,
    privateImage,
    signingKey: keys.keys![0]!.value!,
    sourceOrigin: source.origin,
  };
  // Warm up libvips, the allocator and the caches, so the baseline is a working server's.
  for (const options of ['public', 'w=200', 'w=100,f=webp', 'w=50,f=avif']) expect((await fetch(`${server.origin}/${target.accountHash}/${photo}/${options}`)).status).toBe(200);
  baselineRss = residentBytes(server.child.pid!);
  watch = watchServer(server.origin, server.child.pid!, HEALTHZ_BOUND_MS);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await source?.close();
  await stores?.remove();
});

const title = (input: HostileInput) =>
  input.issue === 'new' ? `[new finding] ${input.name}` : input.issue ? `[issue 10.${input.issue}] ${input.name}` : input.name;

/**
 * PICTOR_HOSTILE_SKIP_TAGGED=1 leaves out the entries tagged with an issue item or a new finding:
 * to measure what the rest costs on a tree where those fixes are not merged yet.
 */
const skipTagged = process.env.PICTOR_HOSTILE_SKIP_TAGGED === '1';

/** When each entry ran (epoch ms), so slow /healthz answers can be traced to their input. */
const timeline: Array<{ family: Family; name: string; start: number; end: number }> = [];

for (const family of families) {
  describe(family, () => {
    for (const input of corpus[family]) {
      it.skipIf(skipTagged && input.issue !== undefined)(title(input), async ({ onTestFailed }) => {
        onTestFailed(({ task }) => void failures.push({ family, name: input.name, issue: input.issue, error: String(task.result?.errors?.[0]?.message ?? '').split('\n')[0]! }));
        const start = Date.now();
        try {
          await input.run(new Probe(target, tallies[family]), target);
        } finally {
          timeline.push({ family, name: title(input), start, end: Date.now() });
          expect(server.child.exitCode, `the server exited:\n${server.output().slice(-2000)}`).toBeNull();
          expect(server.child.signalCode).toBeNull();
        }
      });
    }
  });
}

describe('throughout the corpus', () => {
  let summary: WatchSummary;
  beforeAll(async () => {
    summary = await watch.stop();
    writeReport(summary);
  });

  it(`answered /healthz within ${HEALTHZ_BOUND_MS} ms every time`, () => {
    // Slow answers the machine's load excused (see server-watch.ts) judge nothing: most must be
    // judged. A probe goes out every 50 ms, so the count follows the corpus's duration: about 100
    // on a fast machine (5 s), 300 on a slow one.
    expect(summary.healthzProbes).toBeGreaterThan(50);
    expect(summary.excusedProbes.length).toBeLessThan(summary.healthzProbes / 2);
    expect(summary.slowProbes).toEqual([]);
  });

  it('kept its resident memory under the bound', () => {
    // The sampler ran throughout (a few samples a second; the corpus alone takes 5–15 s).
    expect(summary.rssSamples).toBeGreaterThan(30);
    expect(summary.peakRssBytes - baselineRss).toBeLessThan(RSS_GROWTH_BOUND);
  });

  it('never answered 5xx and never dropped a request', () => {
    expect(Object.values(tallies).reduce((n, t) => n + t.serverErrors + t.noAnswer, 0)).toBe(0);
  });
});

/** The figures docs/security.md quotes, for scripts/hostile-report.js (only when it asks). */
function writeReport(summary: WatchSummary) {
  const file = process.env.HOSTILE_REPORT_FILE;
  if (!file) return;
  const byFamily = Object.fromEntries(families.map((f) => [f, { inputs: timeline.filter((t) => t.family === f).length, ...tallies[f] }]));
  const during = (at: number) => timeline.filter((t) => t.start <= at && at <= t.end + 50).map((t) => t.name);
  const slowProbes = summary.slowProbes.map((p) => ({ ...p, during: during(p.at) }));
  const report = { engine: process.env.PICTOR_TEST_ENGINE ?? 'embedded', skipTagged, byFamily, baselineRss, ...summary, slowProbes, rssBound: RSS_GROWTH_BOUND, failures };
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
}
