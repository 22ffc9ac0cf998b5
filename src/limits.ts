/**
 * Every limit Pictor enforces, in one place (Cloudflare Images' published limits unless noted).
 * Validation code imports from here; docs/api-compatibility.md quotes these numbers.
 */
import { availableParallelism } from 'node:os';

export const limits = {
  /** Bytes per uploaded file (hosted images: 10 MB). */
  maxFileBytes: 10 * 1024 * 1024,
  /** Longest side of an uploaded image, px. */
  maxSidePx: 12_000,
  /** Total pixels; for animations the sum over all frames. */
  maxPixels: 100_000_000,
  /**
   * Frames of an animation (Pictor's own; Cloudflare documents only the pixel sum). Every frame has
   * a fixed cost in decoders and encoders however small it is, so 1×1 frames would otherwise pass
   * the pixel sum by the hundred thousand. 5,000 frames is over three minutes at 25 fps, beyond any
   * real animated image.
   */
  maxAnimationFrames: 5_000,
  /** AVIF output is only produced up to this size per side; larger renditions fall back to WebP. */
  maxAvifSidePx: 1_200,
  /** Bytes of the JSON serialisation of an image's metadata. */
  maxMetadataBytes: 1024,
  maxCustomIdLength: 1024,
  maxCreatorLength: 1024,
  maxFilenameLength: 255,
  maxVariants: 100,
  maxVariantNameLength: 99,
  maxSigningKeys: 2,
  maxSigningKeyNameLength: 20,
  /** Bytes of a JSON request body (PATCH, variants, config...): far above any valid one. */
  maxJsonBodyBytes: 1024 * 1024,
  /** Multipart bookkeeping: how many non-file fields an upload form may carry, and their size. */
  maxFormFields: 200,
  maxFormFieldBytes: 16 * 1024,
  /** Slack above maxFileBytes for multipart boundaries and fields when checking Content-Length early. */
  formOverheadBytes: 256 * 1024,
  /**
   * A refused over-size upload is read to its end, up to this many bytes, before the 413 goes out
   * (fetch-based clients read no answer before sending everything); a bigger one is cut off.
   */
  refusedBodyDiscardBytes: 32 * 1024 * 1024,
  /** Entries in one zone purge request (files, prefixes or hosts); Cloudflare allows 30 to 500 by plan. */
  maxPurgeItems: 500,
  list: {
    perPageMin: 10,
    perPageMax: 10_000,
    perPageDefault: 1000,
    /** Highest v1 `page`: keeps the row offset an exact integer that SQLite and PostgreSQL accept. */
    pageMax: 1_000_000_000,
  },
  metaFilters: {
    maxFilters: 5,
    maxDepth: 5,
    maxInValues: 10,
    maxFieldNameLength: 100,
  },
  directUploadExpirySeconds: { min: 120, max: 6 * 3600, default: 30 * 60 },
  browserTtlSeconds: { min: 3600, max: 31_536_000, default: 172_800 },
  /** The Images binding's transform requests (docs/transformations.md, "Images binding"). */
  binding: {
    /** draw_image parts per request, besides the canvas. */
    maxDrawImages: 8,
    /** Entries of the transforms list (transforms and draws together). */
    maxSteps: 32,
    /** A draw's top/left/bottom/right, in px from the target's edge. */
    maxDrawOffsetPx: 100_000,
  },
  /** Transformations (flexible and named variants); docs/transform-options.md explains each. */
  render: {
    /** Animations whose frames sum above this are delivered untransformed (Cloudflare: 50 MP). */
    maxTransformedAnimationPixels: 50_000_000,
    /** Enlarging beyond this many px per side is refused (Cloudflare error 9413 quotes 5000). */
    maxEnlargedSidePx: 5_000,
    /** Longest flexible-variant option string accepted, and most options in it. */
    maxOptionStringLength: 2048,
    maxOptions: 64,
    /** width=auto: Cloudflare's breakpoints, and the widths used without client hints. */
    autoWidthBreakpoints: [320, 768, 960, 1200],
    autoWidthDesktop: 1200,
    autoWidthMobile: 768,
    maxDpr: 2,
    maxBlur: 250,
    maxSharpen: 10,
    /** brightness, contrast and saturation are multipliers; larger values are clamped to this. */
    maxMultiplier: 10,
    /** gamma is an exponent; sharp can express 1/3..3. */
    gammaRange: { min: 1 / 3, max: 3 },
    defaultQuality: 85,
    /** Perceptual quality levels (Cloudflare names, Pictor's numbers). */
    qualityLevels: { high: 90, 'medium-high': 80, 'medium-low': 65, low: 50 },
    /**
     * AVIF encoder effort. sharp's default (4) takes seconds per 1200 px image on a 2-core box;
     * effort 1 is near effort 2's size at about 60% of its time (bench/avif-effort.ts, numbers in
     * docs/transform-options.md).
     */
    avifEffort: 1,
    /** JPEG is progressive except below/above these sizes (Cloudflare's rule). */
    progressiveJpeg: { minSidePx: 50, maxSidePx: 3000 },
    /**
     * SVG complexity. Checked when an SVG is uploaded (refused with 400 / 5400) and again when a
     * stored one is first delivered (415 / 9412), so the sanitizer's time and memory stay bounded
     * whatever fits in maxFileBytes. Drawings from editors stay far below these.
     */
    svg: {
      /** Elements of any kind, dropped ones included. */
      maxElements: 100_000,
      /** Deepest element nesting. */
      maxDepth: 256,
      /** Path data summed over the document (d, points, animation values), bytes. */
      maxPathDataBytes: 4 * 1024 * 1024,
      /** Attribute names and values summed over the document, bytes. */
      maxAttributeBytes: 8 * 1024 * 1024,
      /** Text of <style> elements summed over the document, bytes. */
      maxStyleBytes: 256 * 1024,
      /** A sanitizer run taking longer than this is stopped and the SVG refused. */
      sanitizeTimeoutMs: 10_000,
      /** Heap of the sanitizer's worker thread, MB: a bound on its memory whatever the input. */
      workerHeapMb: 256,
    },
  },
  /** Uploads inspected at once (sharp decodes in parallel: one per core, at least 2) and waiting. */
  inspect: {
    concurrency: Math.max(2, availableParallelism()),
    queued: 64,
  },
  /** Per-credential request windows: Cloudflare's API allows 1200 requests per 5 minutes per user; batch tokens 200 per second. */
  rateLimitWindowMs: { api: 300_000, batch: 1000 },
  /** How often the webhook dispatcher looks for due deliveries. */
  webhookPollMs: 1000,
} as const;
