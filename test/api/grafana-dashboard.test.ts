/** deploy/grafana-dashboard.json: valid JSON, and every metric its PromQL queries is in a live /metrics. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { deliveryPath, upload } from '../helpers/delivery.js';
import { declaredNames } from '../helpers/exposition.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'grafana-dashboard.json');

interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
}

/** PromQL words that are not metric names. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless']);

/** The metric names a PromQL expression selects: identifiers outside strings, label sets, ranges and groupings, not called as functions. */
function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]!).filter((word) => !KEYWORDS.has(word));
}

let pictor: TestPictor;
beforeAll(async () => {
  pictor = await startPictor();
  await (await fetch(pictor.origin + deliveryPath(pictor, await upload(pictor, await images.jpeg(40, 30)), 'public'))).arrayBuffer();
});
afterAll(async () => pictor?.close());

it('reads metric names out of PromQL', () => {
  expect(metricNamesOf('histogram_quantile(0.95, sum by (le, cache) (rate(a_bucket{cache!="x y"}[$__rate_interval]))) / on (x) b_total')).toEqual(['a_bucket', 'b_total']);
});

it('queries only metrics that /metrics exports', async () => {
  const dashboard = JSON.parse(fs.readFileSync(file, 'utf8')) as { panels: Panel[] };
  const exported = declaredNames(await (await fetch(`${pictor.origin}/metrics`)).text());
  const queried = dashboard.panels.flatMap((panel) => {
    expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    return panel.targets!.flatMap((t) => metricNamesOf(t.expr).map((name) => ({ panel: panel.title, name })));
  });
  expect(queried.length).toBeGreaterThanOrEqual(dashboard.panels.length);
  expect(queried.filter((q) => !exported.has(q.name))).toEqual([]);
});
