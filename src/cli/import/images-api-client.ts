/**
 * A client for the Images API of one account (Cloudflare's, or any server that speaks it) with the
 * manners a long import needs: every request waits its turn in the RequestWindow, a 429 pauses
 * all of them for its Retry-After, 5xx answers and network errors are retried with exponential
 * backoff, and an original is read with a byte cap.
 *
 * Plain fetch (undici) rather than the `cloudflare` SDK: the SDK retries on its own schedule and
 * reads Retry-After per call, so the window could not hold across concurrent calls; it has no
 * cursor paginator for v2 lists (cloudflare-typescript `v2.list`); and it does not cap a body.
 */
import { limits } from '../../limits.js';
import type { RequestWindow } from './request-window.js';

export const CLOUDFLARE_API_BASE = 'https://api.cloudflare.com/client/v4';

export interface ApiImage {
  id: string;
  filename?: string;
  creator?: string | null;
  meta?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  requireSignedURLs?: boolean;
  uploaded: string;
  variants?: string[];
  draft?: boolean;
}

export interface ApiVariant {
  id: string;
  options: unknown;
  neverRequireSignedURLs?: boolean;
}

export interface RetryPolicy {
  /** Attempts for one request on 5xx or network errors (429s are waited out and not counted). */
  attempts: number;
  baseDelayMs: number;
  /** Longest wait between two attempts, Retry-After included. */
  maxDelayMs: number;
  timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 300_000, timeoutMs: 120_000 };

/** Most 429s one request may wait out before the import gives up on it. */
const MAX_RATE_LIMITED = 30;
const PAGE_SIZE = 1000;

/** The API answered with an error that retrying does not fix (4xx other than 429). */
export class SourceApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ImagesApiClient {
  private readonly base: string;

  constructor(
    apiBase: string,
    accountId: string,
    private readonly auth: Record<string, string>,
    private readonly window: RequestWindow,
    private readonly retry: RetryPolicy = defaultRetryPolicy,
    private readonly onWait: (why: string) => void = () => undefined,
  ) {
    this.base = `${apiBase.replace(/\/+$/, '')}/accounts/${encodeURIComponent(accountId)}/images`;
  }

  /** Every image, oldest first (images uploaded during the import come last), one page in memory at a time. */
  async *images(): AsyncGenerator<ApiImage> {
    let token: string | null = null;
    do {
      const query = new URLSearchParams({ per_page: String(PAGE_SIZE), sort_order: 'asc' });
      if (token) query.set('continuation_token', token);
      const page = await this.json<{ images: ApiImage[]; continuation_token?: string | null }>(`/v2?${query}`);
      if (!Array.isArray(page?.images)) throw new SourceApiError(200, 'the v2 image list answered without an images array');
      yield* page.images;
      token = page.continuation_token ?? null;
    } while (token);
  }

  async imageCount(): Promise<number | undefined> {
    const stats = await this.json<{ count?: { current?: number } }>('/v1/stats').catch(() => undefined);
    return stats?.count?.current;
  }

  async variants(): Promise<ApiVariant[]> {
    const result = await this.json<{ variants: Record<string, ApiVariant> }>('/v1/variants');
    return Object.entries(result?.variants ?? {}).map(([id, v]) => ({ ...v, id: v.id ?? id }));
  }

  async keys(): Promise<Array<{ name: string; value: string }>> {
    return (await this.json<{ keys?: Array<{ name: string; value: string }> }>('/v1/keys'))?.keys ?? [];
  }

  /** `{flexible_variants, browser_ttl}`; undefined when the source has no GET for it. */
  async deliveryConfig(): Promise<{ flexible_variants?: boolean; browser_ttl?: number } | undefined> {
    try {
      return await this.json('/v1/config');
    } catch (err) {
      if (err instanceof SourceApiError && [404, 405].includes(err.status)) return undefined;
      throw err;
    }
  }

  /** The original bytes; undefined when the image is gone. */
  async original(id: string): Promise<Buffer | undefined> {
    return this.send(`/v1/${encodeURIComponent(id)}/blob`, 'image/*', async (res) => {
      if (res.status === 404) return undefined;
      await this.refuse(res);
      return readCapped(res, limits.maxFileBytes);
    });
  }

  private async json<T>(path: string): Promise<T> {
    return this.send(path, 'application/json', async (res) => {
      await this.refuse(res);
      const body = (await res.json()) as { success?: boolean; result?: T };
      if (body.success === false) throw new SourceApiError(res.status, `GET ${path}: the API answered success: false`);
      return body.result as T;
    });
  }

  /** Throws for an error answer (retryable statuses never reach here). */
  private async refuse(res: Response): Promise<void> {
    if (res.ok) return;
    const text = await res.text().catch(() => '');
    let detail = text.slice(0, 200);
    try {
      const errors = (JSON.parse(text) as { errors?: Array<{ code: number; message: string }> }).errors ?? [];
      if (errors.length) detail = errors.map((e) => `${e.code} ${e.message}`).join('; ');
    } catch {
      // Not JSON: the start of the text will do.
    }
    const hint = res.status === 401 || res.status === 403 ? ' (check CLOUDFLARE_API_TOKEN, or CLOUDFLARE_API_EMAIL + CLOUDFLARE_API_KEY, and the account id)' : '';
    throw new SourceApiError(res.status, `${new URL(res.url).pathname} answered ${res.status}: ${detail}${hint}`);
  }

  /** One GET with the window, the retries and the timeout; `read` consumes the response inside the attempt. */
  private async send<T>(path: string, accept: string, read: (res: Response) => Promise<T>): Promise<T> {
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      const slot = await this.window.acquire();
      let retryIn: number;
      try {
        const res = await fetch(this.base + path, { headers: { ...this.auth, accept }, signal: AbortSignal.timeout(this.retry.timeoutMs) }).finally(slot.answered);
        if (res.status === 429 && ++rateLimited <= MAX_RATE_LIMITED) {
          await res.body?.cancel();
          retryIn = Math.min(retryAfterMs(res.headers.get('retry-after')) ?? 60_000, this.retry.maxDelayMs);
          this.window.pauseFor(retryIn);
          this.onWait(`rate limited by the source: waiting ${Math.ceil(retryIn / 1000)} s`);
          continue;
        }
        if (res.status < 500) return await read(res);
        await res.body?.cancel();
        if (++failures >= this.retry.attempts) throw new GaveUpError(`${path} answered ${res.status} ${this.retry.attempts} times`);
        retryIn = this.backoff(failures);
        this.onWait(`the source answered ${res.status}: retrying in ${(retryIn / 1000).toFixed(1)} s`);
      } catch (err) {
        if (err instanceof SourceApiError || err instanceof GaveUpError) throw err;
        if (++failures >= this.retry.attempts) throw new GaveUpError(`${path}: ${networkMessage(err)} (${this.retry.attempts} attempts)`);
        retryIn = this.backoff(failures);
        this.onWait(`${networkMessage(err)}: retrying in ${(retryIn / 1000).toFixed(1)} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, retryIn));
    }
  }

  /** Exponential with full jitter, so lanes that failed together do not come back together. */
  private backoff(failures: number): number {
    const ceiling = Math.min(this.retry.baseDelayMs * 2 ** (failures - 1), this.retry.maxDelayMs);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

class TooLargeError extends SourceApiError {}

class GaveUpError extends Error {}

/** Retry-After as seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function networkMessage(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'the source did not answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** Reads the body chunk by chunk and stops at `max` bytes instead of holding whatever is sent. */
async function readCapped(res: Response, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel();
    throw new TooLargeError(res.status, `the original is ${declared} bytes, over the ${max}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.length;
    if (size > max) throw new TooLargeError(res.status, `the original is over the ${max}-byte limit`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}
