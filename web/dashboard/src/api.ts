/**
 * The page's only way to the server: Pictor's Cloudflare-compatible API, with the token in an
 * Authorization header (never in a URL, so it stays out of access logs and browser history).
 */

export interface CfMessage {
  code: number;
  message: string;
}

/** A failed call, carrying Cloudflare's error list so the page can show the server's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: CfMessage[],
  ) {
    super(errors.length ? errors.map((e) => `${e.message} (${e.code})`).join('; ') : `The server answered HTTP ${status}`);
  }

  /** 403 / 10000: the credential lacks the permission (a read-only token trying to write). */
  get isPermissionRefusal(): boolean {
    return this.status === 403 && this.errors.some((e) => e.code === 10000);
  }
}

export interface Image {
  id: string;
  filename?: string;
  creator: string | null;
  meta: Record<string, unknown>;
  requireSignedURLs: boolean;
  uploaded: string;
  variants: string[];
  draft?: boolean;
}

export interface VariantOptions {
  fit: string;
  width: number;
  height: number;
  metadata: string;
}

export interface Variant {
  id: string;
  options: VariantOptions;
  neverRequireSignedURLs: boolean;
}

export interface SigningKey {
  name: string;
  value: string;
}

export interface DeliveryConfig {
  flexible_variants: boolean;
  browser_ttl: number;
}

export interface ListQuery {
  continuationToken?: string;
  perPage: number;
  sortOrder: 'asc' | 'desc';
  creator?: string;
  /** `meta.<field>[eq]` filters. */
  meta?: Record<string, string>;
}

export interface ImagePatch {
  metadata?: Record<string, unknown>;
  requireSignedURLs?: boolean;
}

export interface Webhook {
  url: string;
  secret: string;
}

async function envelopeOf<T>(status: number, text: string): Promise<T> {
  let body: { success?: boolean; result?: T; errors?: CfMessage[] } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  if (status >= 200 && status < 300 && body?.success !== false) return body?.result as T;
  throw new ApiError(status, Array.isArray(body?.errors) ? body.errors : []);
}

/** `images/v1/<id>` with a custom ID's `/` sent as %2F, as Cloudflare requires. */
const imagePath = (id: string) => `images/v1/${encodeURIComponent(id)}`;

export class Api {
  constructor(
    readonly accountId: string,
    private readonly token: string,
  ) {}

  private url(path: string): string {
    return `/client/v4/accounts/${encodeURIComponent(this.accountId)}/${path}`;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(this.url(path), { method, headers, body: payload, cache: 'no-store', credentials: 'omit' });
    return envelopeOf<T>(res.status, await res.text());
  }

  /** Reads the account's stats: proves the token can read this account. */
  stats(): Promise<{ count: { allowed: number; current: number } }> {
    return this.call('GET', 'images/v1/stats');
  }

  /**
   * Whether the token may write, without changing anything: a PATCH of the delivery config with a
   * value its schema refuses. Permissions are checked before the body, so a read-only token gets
   * 403 / 10000 and a writing one a validation error; nothing is ever saved.
   */
  async canWrite(): Promise<boolean> {
    try {
      await this.call('PATCH', 'images/v1/config', { browser_ttl: -1 });
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.isPermissionRefusal) return false;
      if (err instanceof ApiError && err.status === 400) return true;
      throw err;
    }
  }

  listImages(q: ListQuery): Promise<{ images: Image[]; continuation_token: string | null }> {
    const params = new URLSearchParams({ per_page: String(q.perPage), sort_order: q.sortOrder });
    if (q.continuationToken) params.set('continuation_token', q.continuationToken);
    if (q.creator) params.set('creator', q.creator);
    for (const [field, value] of Object.entries(q.meta ?? {})) params.set(`meta.${field}[eq]`, value);
    return this.call('GET', `images/v2?${params}`);
  }

  getImage(id: string): Promise<Image> {
    return this.call('GET', imagePath(id));
  }

  updateImage(id: string, patch: ImagePatch): Promise<Image> {
    return this.call('PATCH', imagePath(id), patch);
  }

  deleteImage(id: string): Promise<unknown> {
    return this.call('DELETE', imagePath(id));
  }

  /** The original bytes (with the token: works for private images without making them public). */
  async imageBlob(id: string): Promise<Blob> {
    const res = await fetch(this.url(`${imagePath(id)}/blob`), { headers: { authorization: `Bearer ${this.token}` }, credentials: 'omit' });
    if (!res.ok) return envelopeOf<Blob>(res.status, await res.text());
    return res.blob();
  }

  /** Uploads one multipart form, reporting progress (fetch cannot report upload progress). */
  upload(form: FormData, onProgress: (fraction: number) => void): Promise<Image> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', this.url('images/v1'));
      xhr.setRequestHeader('authorization', `Bearer ${this.token}`);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => envelopeOf<Image>(xhr.status, xhr.responseText).then(resolve, reject);
      xhr.onerror = () => reject(new ApiError(0, [{ code: 0, message: 'The upload could not reach the server' }]));
      xhr.send(form);
    });
  }

  variants(): Promise<{ variants: Record<string, Variant> }> {
    return this.call('GET', 'images/v1/variants');
  }

  createVariant(variant: Variant): Promise<{ variant: Variant }> {
    return this.call('POST', 'images/v1/variants', variant);
  }

  updateVariant(variant: Variant): Promise<{ variant: Variant }> {
    return this.call('PATCH', `images/v1/variants/${encodeURIComponent(variant.id)}`, {
      options: variant.options,
      neverRequireSignedURLs: variant.neverRequireSignedURLs,
    });
  }

  deleteVariant(id: string): Promise<unknown> {
    return this.call('DELETE', `images/v1/variants/${encodeURIComponent(id)}`);
  }

  deliveryConfig(): Promise<DeliveryConfig> {
    return this.call('GET', 'images/v1/config');
  }

  patchDeliveryConfig(patch: Partial<DeliveryConfig>): Promise<DeliveryConfig> {
    return this.call('PATCH', 'images/v1/config', patch);
  }

  keys(): Promise<{ keys: SigningKey[] }> {
    return this.call('GET', 'images/v1/keys');
  }

  /** Creates the key, or gives an existing one a new value (rotation). */
  putKey(name: string): Promise<{ keys: SigningKey[] }> {
    return this.call('PUT', `images/v1/keys/${encodeURIComponent(name)}`);
  }

  deleteKey(name: string): Promise<{ keys: SigningKey[] }> {
    return this.call('DELETE', `images/v1/keys/${encodeURIComponent(name)}`);
  }

  webhook(): Promise<Webhook | null> {
    return this.call('GET', 'images/v1/webhook');
  }

  putWebhook(webhook: { url: string; secret?: string }): Promise<Webhook> {
    return this.call('PUT', 'images/v1/webhook', webhook);
  }

  deleteWebhook(): Promise<unknown> {
    return this.call('DELETE', 'images/v1/webhook');
  }

  directUpload(form: FormData): Promise<{ id: string; uploadURL: string }> {
    return this.call('POST', 'images/v2/direct_upload', form);
  }
}
