/**
 * Every limit Pictor enforces, in one place (Cloudflare Images' published limits unless noted).
 * Validation code imports from here; docs/api-compatibility.md quotes these numbers.
 */
export const limits = {
  /** Bytes per uploaded file (hosted images: 10 MB). */
  maxFileBytes: 10 * 1024 * 1024,
  /** Longest side of an uploaded image, px. */
  maxSidePx: 12_000,
  /** Total pixels; for animations the sum over all frames. */
  maxPixels: 100_000_000,
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
  /** Multipart bookkeeping: how many non-file fields an upload form may carry, and their size. */
  maxFormFields: 200,
  maxFormFieldBytes: 16 * 1024,
  /** Slack above maxFileBytes for multipart boundaries and fields when checking Content-Length early. */
  formOverheadBytes: 256 * 1024,
  list: {
    perPageMin: 10,
    perPageMax: 10_000,
    perPageDefault: 1000,
  },
  metaFilters: {
    maxFilters: 5,
    maxDepth: 5,
    maxInValues: 10,
    maxFieldNameLength: 100,
  },
  directUploadExpirySeconds: { min: 120, max: 6 * 3600, default: 30 * 60 },
  browserTtlSeconds: { min: 3600, max: 31_536_000, default: 172_800 },
} as const;
