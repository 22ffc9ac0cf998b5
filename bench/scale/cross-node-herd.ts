/**
 * A herd across nodes: 100 simultaneous requests for a rendition nobody asked for yet, through
 * nginx running deploy/nginx.conf in front of 3 nodes (PostgreSQL + S3, Redis purge bus). How many
 * transforms did the cluster run, did every request get its image, and how long until the last
 * answer? Rows: the shipped config (deliveries routed by path), the same with the rendition's node
 * killed, and the shipped file with its `hash` line removed (round-robin, as before issue 16).
 * Needs nginx, PostgreSQL and an S3 server, named as for the tests. Run:
 *   npm run build && TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *     TEST_S3_ENDPOINT=http://127.0.0.1:7480 TEST_REDIS_URL=redis://127.0.0.1:6379 \
 *     node dist/bench/scale/cross-node-herd.js [herds per row] [requests per herd]
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { toFile } from 'cloudflare';
import sharp from 'sharp';
import { freePort, nginxMissing, startNginx } from '../../test/helpers/nginx.js';
import { startNodes, type TestNode } from '../../test/helpers/nodes.js';
import { TEST_ACCOUNT_ID } from '../../test/helpers/pictor.js';
import { createScaledStores } from '../../test/helpers/test-engine.js';

const HERDS = Number(process.argv[2] ?? 3);
const REQUESTS = Number(process.argv[3] ?? 100);
const NODES = 3;
if (nginxMissing) throw new Error(nginxMissing);

interface Herd {
  transforms: number;
  ok: number;
  lastAnswerMs: number;
}

async function transformsOf(nodes: TestNode[]): Promise<number> {
  const counts = await Promise.all(
    nodes.map(async (node) => {
      const text = await (await fetch(`${node.origin}/metrics`)).text();
      return [...text.matchAll(/^pictor_transforms_total(?:\{[^}]*\})? ([\d.e+]+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function herd(url: string, alive: TestNode[]): Promise<Herd> {
  const before = await transformsOf(alive);
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: REQUESTS }, async () => {
      const res = await fetch(url, { headers: { accept: 'image/webp' } });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  const lastAnswerMs = performance.now() - started;
  return { transforms: (await transformsOf(alive)) - before, ok: statuses.filter((s) => s === 200).length, lastAnswerMs };
}

const image = await sharp({ create: { width: 2048, height: 1365, channels: 3, background: '#6a8' } })
  .composite([{ input: Buffer.from('<svg width="2048" height="1365"><circle cx="900" cy="600" r="400" fill="#c33"/></svg>') }])
  .jpeg({ quality: 85 })
  .toBuffer();
const stores = await createScaledStores();
const redis = process.env.TEST_REDIS_URL;
const bus: Record<string, string> = redis ? { PURGE_BUS_URL: `${redis}?channel=pictor-bench-${randomBytes(6).toString('hex')}:purge` } : {};
const cluster = await startNodes(NODES, { ...stores.env, ...bus });
const rows: string[] = [];
let width = 300;
const alive = () => cluster.nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
try {
  const config = await cluster.nodes[0]!.api('/images/v1/config', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flexible_variants: true }) });
  if (!config.ok) throw new Error(`flexible variants: ${config.status}`);
  const uploaded = await cluster.nodes[0]!.client.images.v1.create({ account_id: TEST_ACCOUNT_ID, file: await toFile(image, 'herd.jpg') });
  const imagePath = new URL(uploaded.variants![0]!).pathname.replace(/\/[^/]+$/, '');
  const rendition = (w: number) => `${imagePath}/w=${w},f=webp`;
  const upstreams = cluster.nodes.map((n) => new URL(n.origin).host);

  const measure = async (label: string, paths: string[], edit?: (site: string) => string) => {
    const nginx = await startNginx(upstreams, await freePort(), { edit, logLevel: 'crit' });
    try {
      const herds: Herd[] = [];
      for (const path of paths) herds.push(await herd(`${nginx.origin}${path}`, alive()));
      const ms = herds.map((h) => h.lastAnswerMs).sort((a, b) => a - b);
      const answered = herds.map((h) => `${h.ok}/${REQUESTS}`).join(', ');
      rows.push(`| ${label} | ${alive().length} of ${NODES} | ${herds.map((h) => h.transforms).join(', ')} | ${answered} | ${ms[Math.floor(ms.length / 2)]!.toFixed(0)} |`);
    } finally {
      await nginx.stop();
    }
  };
  const fresh = () => Array.from({ length: HERDS }, () => rendition(width++));

  await measure('round-robin (the shipped file without its `hash` line)', fresh(), (site) => site.replace(/^\s*hash \$pictor_rendition consistent;$/m, ''));
  await measure('by rendition (deploy/nginx.conf as shipped)', fresh());

  // Renditions routed to the last node: each asked for once (the node whose counter moves made
  // it), until there are enough; then that node is killed and the herds find it down.
  const victim = cluster.nodes.at(-1)!;
  const victims: string[] = [];
  const probe = await startNginx(upstreams, await freePort(), { logLevel: 'crit' });
  try {
    while (victims.length < HERDS) {
      const path = rendition(width++);
      const before = await transformsOf([victim]);
      const res = await fetch(`${probe.origin}${path}`);
      await res.arrayBuffer();
      if ((await transformsOf([victim])) > before) victims.push(path);
    }
  } finally {
    await probe.stop();
  }
  victim.child.kill('SIGKILL');
  await victim.exited;
  await measure("by rendition, the rendition's node killed", victims);
} finally {
  await cluster.stop();
  await stores.remove();
}
console.log(`A herd of ${REQUESTS} simultaneous requests for one new rendition (2048x1365 JPEG -> WebP), through nginx with deploy/nginx.conf in front of ${NODES} nodes (PostgreSQL + S3${redis ? ' + Redis' : ''}); ${HERDS} herds per row, each for another rendition; ${os.availableParallelism()} cores\n`);
console.log('| routing | nodes up | transforms per herd | answered 200 | last answer, median ms |');
console.log('| --- | --- | --- | --- | ---: |');
for (const row of rows) console.log(row);
