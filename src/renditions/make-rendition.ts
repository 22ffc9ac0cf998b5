/**
 * What stored images (delivery) and remote sources (/cdn-cgi/image/) share once they have an
 * original: the part of the rendition key that depends on the request, the transform on the bounded
 * queue, and the response headers. Both paths go through here, so neither copies the other.
 */
import { createHash } from 'node:crypto';
import type { Rendition } from '../cache/rendition.js';
import { errors } from '../errors.js';
import type { ImageFormat } from '../media/image-format.js';
import type { PictorMetrics } from '../metrics/pictor-metrics.js';
import { clientWidthFromHints, isSlowConnection, type ClientHints } from '../render/client-hints.js';
import { accepts } from '../render/formats.js';
import { autoWidth } from '../render/plan-geometry.js';
import type { Vision } from '../ai/vision.js';
import { Deadline } from '../render/deadline.js';
import { renderImage, type RenderResult } from '../render/render.js';
import type { RenderInput } from '../render/source.js';
import type { SvgSanitizer } from '../render/svg-sanitizer.js';
import { BoundedQueue, QueueAbortedError, QueueFullError } from '../util/bounded-queue.js';
import { lowerBackgroundThreads } from '../util/background-thread-priority.js';
import type { TransformSpec } from '../render/spec.js';

/** "Give me the original bytes": a stored blob or a fetched remote source. */
export interface Original {
  bytes: Buffer;
  format: ImageFormat;
}

/** The request facts a rendition may depend on. */
export interface RenditionRequest {
  accept: string | undefined;
  clientHints: ClientHints;
}

export interface RenditionMaker {
  queue: BoundedQueue;
  metrics: Pick<PictorMetrics, 'transforms' | 'transformSeconds' | 'transformWaitSeconds'>;
  /** Per-transform deadline, counted from the queue slot. */
  transformTimeoutMs: number;
  /** Face detection and segmentation; absent: their fallbacks. */
  vision?: Vision | undefined;
  svgSanitizer?: SvgSanitizer | undefined;
}

/**
 * The key parts a request adds to (original version, options): only the facts the spec reads, in
 * buckets, so made-up header values cannot force a transform per request past the cache.
 */
export function requestKeyParts(spec: TransformSpec, request: RenditionRequest): string[] {
  const parts: string[] = [];
  if ((spec.format ?? 'auto') === 'auto') parts.push(`a${+accepts(request.accept, 'image/avif')}w${+accepts(request.accept, 'image/webp')}`);
  if (spec.width === 'auto') {
    const { clientHints } = request;
    parts.push(`aw${autoWidth({ clientWidth: clientWidthFromHints(clientHints), mobile: clientHints.mobile })}`);
  }
  if (spec.slowConnectionQuality !== undefined) parts.push(`slow${+isSlowConnection(request.clientHints)}`);
  return parts;
}

/**
 * Runs one transform on the bounded queue; the original is read only once a slot is ours.
 * `signal` aborts a queued transform whose requests have all gone away.
 */
export async function makeRendition(
  maker: RenditionMaker,
  original: () => Promise<Original>,
  spec: TransformSpec,
  request: RenditionRequest,
  signal?: AbortSignal,
): Promise<Rendition> {
  return onTransformQueue(maker, async (deadline) => {
    const { bytes, format } = await original();
    const result = await renderOnSlot(maker, { bytes, format, deadline }, spec, request);
    return {
      body: result.body,
      contentType: result.contentType,
      etag: `"${createHash('sha256').update(result.body).digest('base64url').slice(0, 32)}"`,
      width: result.width,
      height: result.height,
      varyAccept: result.varyAccept,
    };
  }, signal);
}

/**
 * Any job that transforms pixels (a rendition, an Images binding request) takes one slot of the
 * bounded queue; its deadline counts from the slot, so time spent waiting is not held against it.
 * A full queue answers 429 and an abandoned wait 499, as for every rendition.
 */
export async function onTransformQueue<T>(maker: RenditionMaker, job: (deadline: Deadline) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const queued = performance.now();
  try {
    return await maker.queue.run(async () => {
      const started = performance.now();
      // Transform threads yield to the event loop, so cached hits stay fast under transform load.
      lowerBackgroundThreads(started);
      maker.metrics.transformWaitSeconds.observe((started - queued) / 1000);
      return job(new Deadline(maker.transformTimeoutMs));
    }, signal);
  } catch (err) {
    if (err instanceof QueueFullError) throw errors.busy(1);
    if (err instanceof QueueAbortedError) throw errors.clientClosedRequest();
    throw err;
  }
}

/** One render inside a queue slot, with the maker's vision and sanitizer, counted in the metrics. */
export async function renderOnSlot(maker: RenditionMaker, input: RenderInput, spec: TransformSpec, request: RenditionRequest): Promise<RenderResult> {
  const rendering = performance.now();
  const result = await renderImage(input, spec, {
    accept: request.accept,
    clientHints: request.clientHints,
    vision: maker.vision,
    svgSanitizer: maker.svgSanitizer,
  });
  maker.metrics.transformSeconds.labels(result.format).observe((performance.now() - rendering) / 1000);
  maker.metrics.transforms.labels(result.format).inc();
  return result;
}

/** Hints a page should delegate for width=auto / slow-connection-quality (legacy names are not requested). */
const WIDTH_HINTS_TO_REQUEST = 'Sec-CH-Width, Sec-CH-Viewport-Width, Sec-CH-DPR';
const CONNECTION_HINTS_TO_REQUEST = 'RTT, Downlink, ECT';

export interface HintHeaderNames {
  width: readonly string[];
  connection: readonly string[];
}

/** Headers every rendition response carries, whatever its cache policy. */
export function renditionHeaders(rendition: Rendition, spec: TransformSpec, hintHeaders: HintHeaderNames): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': rendition.contentType,
    etag: rendition.etag,
    // Images are meant to be embedded anywhere: readable by canvases (CORS), shown in
    // cross-origin-isolated pages (COEP require-corp blocks a no-cors <img> without CORP).
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
    // Lets pages on other origins measure image loads (Resource Timing sizes, LCP timings).
    'timing-allow-origin': '*',
    'x-content-type-options': 'nosniff',
  };
  const vary: string[] = [];
  if (rendition.varyAccept) vary.push('Accept');
  const acceptCh: string[] = [];
  if (spec.width === 'auto') {
    vary.push(...hintHeaders.width);
    acceptCh.push(WIDTH_HINTS_TO_REQUEST);
  }
  if (spec.slowConnectionQuality !== undefined) {
    vary.push(...hintHeaders.connection);
    acceptCh.push(CONNECTION_HINTS_TO_REQUEST);
  }
  if (acceptCh.length) headers['accept-ch'] = acceptCh.join(', ');
  if (vary.length) headers.vary = vary.join(', ');
  // Sanitized already; this stops any script that slipped through if the SVG is opened directly.
  if (rendition.contentType === 'image/svg+xml') headers['content-security-policy'] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";
  return headers;
}

/** If-None-Match uses the weak comparison: `W/` prefixes are ignored; `*` matches anything. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
