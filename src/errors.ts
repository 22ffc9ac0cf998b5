/**
 * Typed errors. Domain code throws these; one HTTP error handler turns them into the Cloudflare
 * envelope (API) or a delivery error response. Messages are public: never put internals in them.
 */
export interface ErrorChainItem {
  code: number;
  message: string;
}

export interface ImagesErrorOptions {
  /** Extra response headers (Retry-After, Connection: close for cut-off uploads). */
  headers?: Record<string, string>;
  /** Cloudflare's nested `error_chain` (used by 6003 header-format errors). */
  errorChain?: ErrorChainItem[];
  /** JSON pointer to the offending field, as Cloudflare's `source.pointer`. */
  pointer?: string;
  /** Internal detail for the log only (e.g. the address a host resolved to); never sent. */
  cause?: unknown;
}

export class ImagesError extends Error {
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
    readonly options: ImagesErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ImagesError';
  }
}

const make = (code: number, status: number) => (message: string, options?: ImagesErrorOptions) =>
  new ImagesError(code, status, message, options);

/** Named factories, so call sites read as what went wrong. */
export const errors = {
  // --- request shape / validation (API) ---
  badRequest: make(5400, 400),
  noRoute: (path: string) =>
    new ImagesError(7003, 404, `No route for the URI: ${path}`),
  invalidObjectIdentifier: (path: string) =>
    new ImagesError(7003, 400, `Could not route to ${path}, perhaps your object identifier is invalid?`),
  methodNotAllowed: (method: string) => new ImagesError(10405, 405, `Method ${method} not allowed for this route`),
  unsupportedMediaType: make(5415, 415),
  requestIncomplete: () => new ImagesError(5400, 400, 'The connection closed before the whole request body arrived'),
  headersTooLarge: () => new ImagesError(5400, 431, 'The request URL and headers are too large (at most 16 KB)'),
  requestTimeout: () =>
    new ImagesError(5400, 408, 'The request was not received in time: send the whole body within the server\'s request timeout'),
  unsupportedImage: make(5455, 415),
  /** Upload inspection ran past PICTOR_TRANSFORM_TIMEOUT_MS (the image is refused, not stored). */
  decodeTimeout: (limitMs: number) => new ImagesError(5400, 400, `The image took too long to decode: longer than the ${limitMs} ms allowed`),
  fileTooLarge: (limitBytes: number) =>
    new ImagesError(5413, 413, `Uploaded file exceeds the limit of ${limitBytes} bytes (10 MB)`, {
      headers: { connection: 'close' },
    }),
  jsonBodyTooLarge: (limitBytes: number) =>
    new ImagesError(5413, 413, `Request body exceeds the limit of ${limitBytes} bytes`, { headers: { connection: 'close' } }),
  customIdWithSignedUrls: () =>
    new ImagesError(5410, 400, 'Images with a custom ID cannot require signed URLs (requireSignedURLs)'),
  // --- upload by URL: the source fetch (messages name only what the user supplied) ---
  invalidSourceUrl: () => new ImagesError(5400, 400, 'The url must be an absolute http:// or https:// URL'),
  unsupportedProtocol: (protocol: string) =>
    new ImagesError(5454, 400, `Unsupported protocol "${protocol}" in url: only http and https URLs can be fetched`),
  sourceRefused: (reason: string, cause?: unknown) =>
    new ImagesError(5400, 400, `The url is not allowed: ${reason}`, { cause }),
  sourceFetchFailed: (reason: string, cause?: unknown) =>
    new ImagesError(5400, 400, `Could not fetch the image from the url: ${reason}`, { cause }),
  sourceTooLarge: (limitBytes: number) =>
    new ImagesError(5413, 413, `The image at the url exceeds the limit of ${limitBytes} bytes`),
  // 400 rather than 408: the cloudflare SDK retries 408, and retrying a slow origin only multiplies the wait.
  sourceTimeout: (timeoutMs: number) =>
    new ImagesError(5400, 400, `Fetching the image from the url took longer than ${timeoutMs} ms`),
  // --- resources ---
  imageNotFound: () => new ImagesError(5404, 404, 'Image not found'),
  variantNotFound: () => new ImagesError(5401, 404, 'Variant not found'),
  keyNotFound: () => new ImagesError(5404, 404, 'Signing key not found'),
  uploadUrlInvalid: () => new ImagesError(5404, 404, 'This upload URL is not valid or has already been used'),
  uploadUrlExpired: () => new ImagesError(5408, 410, 'This upload URL has expired; request a new one'),
  webhookNotFound: () => new ImagesError(5404, 404, 'No webhook is configured for this account'),
  alreadyExists: (what = 'Resource') =>
    new ImagesError(5409, 409, `${what} already exists. Verify the resource information and try again.`),
  quotaExceeded: (allowed: number) =>
    new ImagesError(5403, 403, `Image quota exceeded: the account may store at most ${allowed} images`),
  // --- auth (Cloudflare platform codes) ---
  missingCredentials: () =>
    new ImagesError(9106, 400, 'Missing X-Auth-Key, X-Auth-Email or Authorization headers'),
  invalidHeaders: (chain: ErrorChainItem) =>
    new ImagesError(6003, 400, 'Invalid request headers', { errorChain: [chain] }),
  invalidAccessToken: () => new ImagesError(9109, 401, 'Invalid access token'),
  unknownGlobalKey: () => new ImagesError(9103, 403, 'Unknown X-Auth-Key or X-Auth-Email'),
  authenticationError: () => new ImagesError(10000, 403, 'Authentication error'),
  invalidApiToken: () => new ImagesError(1000, 401, 'Invalid API Token'),
  rateLimited: (retryAfterSeconds: number) =>
    new ImagesError(971, 429, 'Please wait and consider throttling your request speed', {
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  // --- delivery / transformation (Cloudflare's 94xx/95xx codes, sent with `Cf-Resized: err=<code>`) ---
  /** A flexible-variant option is unknown, malformed or out of range; the message names it. */
  invalidOption: (detail: string) =>
    new ImagesError(9401, 400, `Missing or invalid resizing parameters: ${detail}`),
  /** A Cloudflare option Pictor does not implement (segment, upscale=generate, onerror, ...). */
  unsupportedOption: (detail: string) =>
    new ImagesError(9401, 400, `Unsupported resizing parameter: ${detail}`),
  /** Source or requested output exceeds the size limits, or the result would be empty. */
  imageTooLarge: (detail: string) => new ImagesError(9413, 403, `Could not resize the image: ${detail}`),
  /** The stored bytes are not an image Pictor can decode. */
  unsupportedSource: (detail: string) => new ImagesError(9412, 415, `Could not resize the image: ${detail}`),
  /**
   * A transform ran past PICTOR_TRANSFORM_TIMEOUT_MS. Cloudflare documents 9522 as "the image
   * exceeded the processing limit" (its earlier timeout code, 9422, now means a usage limit).
   */
  transformTimeout: (limitMs: number) =>
    new ImagesError(9522, 503, `Could not resize the image: the transformation took longer than the ${limitMs} ms allowed`),
  decodeFailed: () =>
    new ImagesError(9516, 422, 'Could not resize the image: error during decoding'),
  encodeFailed: () =>
    new ImagesError(9516, 500, 'Could not resize the image: error during encoding'),
  // --- delivery URLs (imagedelivery.net answers these as `ERROR <code>: <message>` text) ---
  deliveryUrlInvalid: (detail: string) => new ImagesError(9426, 403, `Image delivery URL has an invalid text part: ${detail}`),
  deliveryAccountUnknown: () => new ImagesError(9427, 403, 'Image access denied: the account hash in the URL is not valid'),
  deliveryImageNotFound: () => new ImagesError(9431, 404, 'Image not found'),
  deliveryVariantNotFound: (name: string) => new ImagesError(9431, 404, `Variant "${name}" not found`),
  flexibleVariantsDisabled: () =>
    new ImagesError(9429, 403, 'Flexible variants are not enabled for this account: enable them with PATCH images/v1/config {"flexible_variants": true}'),
  accessDenied: (reason: string) => new ImagesError(9425, 403, `Image access denied: check failed: ${reason}`),
  /**
   * The client went away while its transform waited: only the log sees this answer (status as
   * nginx's 499; 9402 is Cloudflare's "the connection was interrupted").
   */
  clientClosedRequest: () => new ImagesError(9402, 499, 'The client closed the connection before the image was ready'),
  // --- server ---
  tooManyUploads: (perClient: number) =>
    new ImagesError(971, 429, `Please wait and consider throttling your request speed: at most ${perClient} uploads at once per client`, {
      headers: { 'retry-after': '1' },
    }),
  busy: (retryAfterSeconds: number) =>
    new ImagesError(9529, 429, 'Too many images are being processed right now; retry shortly', {
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  /** PostgreSQL or the S3 server could not be reached or failed to answer; the cause is logged. */
  storeUnavailable: (store: string, cause: unknown) =>
    new ImagesError(9522, 503, `The image ${store} is unavailable right now; retry shortly`, {
      headers: { 'retry-after': '5' },
      cause,
    }),
  internal: () => new ImagesError(10001, 500, 'Internal error'),
  // --- GET /metrics (Pictor's own) ---
  metricsTokenMissing: () =>
    new ImagesError(10000, 401, 'Authentication error: /metrics needs Authorization: Bearer <PICTOR_METRICS_TOKEN>', {
      headers: { 'www-authenticate': 'Bearer' },
    }),
  metricsUnavailable: () =>
    new ImagesError(10001, 503, 'The metrics of every worker could not be collected right now; retry shortly', { headers: { 'retry-after': '5' } }),
} as const;

/** Chain items for the 6003 "Invalid request headers" error. */
export const headerFormat = {
  email: { code: 6102, message: 'Invalid format for X-Auth-Email header' },
  key: { code: 6103, message: 'Invalid format for X-Auth-Key header' },
  authorization: { code: 6111, message: 'Invalid format for Authorization header' },
} as const;
