/**
 * GET /metrics on the main port: produced by prom-client (labelled histograms, default process
 * metrics) and, with PICTOR_METRICS_TOKEN, only for the bearer of that token.
 * (Its own port and the cluster's aggregation: test/scale/metrics-port.test.ts, workers.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { deliveryPath, upload } from '../helpers/delivery.js';
import { declaredNames, samples } from '../helpers/exposition.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

describe('default: open on the main port', () => {
  let pictor: TestPictor;
  beforeAll(async () => (pictor = await startPictor()));
  afterAll(async () => pictor?.close());

  it('labels request durations by route, status, cache tier and output format', async () => {
    const path = deliveryPath(pictor, await upload(pictor, await images.png(64, 48)), 'public');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(pictor.origin + path, { headers: { accept: 'image/webp' } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const res = await fetch(`${pictor.origin}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const deliveries = samples(text, 'pictor_http_request_duration_seconds_count').filter((s) => s.labels.route === '/:hash/*');
    expect(deliveries.map((s) => s.labels).sort((a, b) => a.cache!.localeCompare(b.cache!))).toEqual([
      { route: '/:hash/*', status: '200', cache: 'memory', format: 'webp' },
      { route: '/:hash/*', status: '200', cache: 'render', format: 'webp' },
    ]);
    const buckets = samples(text, 'pictor_http_request_duration_seconds_bucket').filter((s) => s.labels.cache === 'render');
    expect(buckets.map((s) => s.labels.le)).toContain('+Inf');
    expect(buckets.find((s) => s.labels.le === '+Inf')!.value).toBe(1);
    // An API call carries no tier or format.
    await pictor.api('/images/v1/stats');
    const api = samples(await (await fetch(`${pictor.origin}/metrics`)).text(), 'pictor_http_request_duration_seconds_count').find((s) =>
      s.labels.route!.endsWith('/images/v1/stats'),
    );
    expect(api?.labels).toMatchObject({ status: '200', cache: 'none', format: 'none' });
    expect(samples(text, 'pictor_transforms_total')).toEqual([{ name: 'pictor_transforms_total', labels: { format: 'webp' }, value: 1 }]);
    expect(samples(text, 'pictor_transform_queue_wait_seconds_count')[0]?.value).toBe(1);
  });

  it("carries prom-client's default process metrics", async () => {
    const names = declaredNames(await (await fetch(`${pictor.origin}/metrics`)).text());
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds_bucket']) {
      expect(names, name).toContain(name);
    }
  });
});

describe('PICTOR_METRICS_TOKEN', () => {
  let pictor: TestPictor;
  beforeAll(async () => (pictor = await startPictor({ env: { PICTOR_METRICS_TOKEN: METRICS_TOKEN } })));
  afterAll(async () => pictor?.close());
  const scrape = (authorization?: string) => fetch(`${pictor.origin}/metrics`, { headers: authorization ? { authorization } : {} });

  it('answers 401 without a token and 403 with another one', async () => {
    const missing = await scrape();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toMatchObject({ success: false, errors: [{ code: 10000 }] });
    for (const wrong of [`Bearer ${METRICS_TOKEN}x`, `Bearer ${pictor.token}`, `Basic ${METRICS_TOKEN}`]) {
      const res = await scrape(wrong);
      expect(res.status, wrong).toBe(wrong.startsWith('Basic') ? 401 : 403);
      expect(await res.text()).not.toContain('pictor_');
    }
  });

  it('answers the bearer of the token', async () => {
    const res = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(declaredNames(await res.text())).toContain('pictor_transforms_total');
  });
});
