// The soak's mixed load: each operation is one or two HTTP requests a real deployment sees.
// Weights are relative; an operation whose precondition is missing (nothing to delete yet) falls
// back to a hot delivery.
import { ORIGIN_SOURCES } from './origin.mjs';

export const WEIGHTS = {
  hotHosted: 30, // a named variant of a permanent image: a cached hit after the first request
  hotTransform: 12, // /cdn-cgi/image/ of an origin image, same options every time
  coldHosted: 10, // a flexible variant with a width not asked for yet: a transform, then stored
  coldTransform: 4, // /cdn-cgi/image/ with a width not asked for yet
  upload: 8,
  patch: 8,
  deleteImage: 6, // also purges the image's renditions in every worker
  purge: 3, // purge_cache of one origin URL
  list: 10, // v1 page, v2 cursor page and stats
  details: 9,
};

export function createMix({ baseUrl, accountId, token, origin, pool, uploads, random }) {
  const auth = { authorization: `Bearer ${token}` };
  const apiBase = `${baseUrl}/client/v4/accounts/${accountId}`;
  let accountHash;
  let coldCounter = 0;

  async function call(url, init = {}, expected = [200]) {
    const response = await fetch(url, { ...init, headers: { ...init.headers } });
    const body = Buffer.from(await response.arrayBuffer());
    if (!expected.includes(response.status)) {
      throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname} answered ${response.status}: ${body.subarray(0, 200)}`);
    }
    return body;
  }
  const api = async (method, path, body, headers = {}) =>
    JSON.parse((await call(`${apiBase}${path}`, { method, body, headers: { ...auth, ...headers } })).toString()).result;
  const json = { 'content-type': 'application/json' };

  async function upload() {
    const form = new FormData();
    form.append('file', new Blob([uploads[Math.floor(random() * uploads.length)]], { type: 'image/jpeg' }), 'soak.jpg');
    form.append('metadata', JSON.stringify({ soak: true }));
    const image = await api('POST', '/images/v1', form);
    accountHash ??= new URL(image.variants[0]).pathname.split('/')[1];
    pool.add(image.id);
  }

  async function withImage(options, use) {
    const id = pool.acquire(random, options);
    try {
      await use(id);
    } finally {
      pool.release(id);
    }
  }

  const operations = {
    hotHosted: () => withImage({ hot: true }, (id) => call(`${baseUrl}/${accountHash}/${id}/public`, { headers: { accept: 'image/webp' } })),
    hotTransform: () => call(`${baseUrl}/cdn-cgi/image/width=320,format=webp/${origin.url(Math.floor(random() * ORIGIN_SOURCES))}`),
    coldHosted: () => withImage({}, (id) => call(`${baseUrl}/${accountHash}/${id}/w=${64 + (coldCounter++ % 1900)},f=webp`)),
    coldTransform: () => call(`${baseUrl}/cdn-cgi/image/width=${64 + (coldCounter++ % 1900)},format=webp/${origin.url(Math.floor(random() * ORIGIN_SOURCES))}`),
    upload,
    patch: () => withImage({}, (id) => api('PATCH', `/images/v1/${id}`, JSON.stringify({ metadata: { soak: true, at: Date.now() } }), json)),
    deleteImage: async () => {
      const id = pool.takeForDeletion();
      if (id === undefined) return operations.hotHosted();
      await api('DELETE', `/images/v1/${id}`);
    },
    purge: () =>
      call(`${baseUrl}/client/v4/zones/${accountId}/purge_cache`, {
        method: 'POST',
        headers: { ...auth, ...json },
        body: JSON.stringify({ files: [origin.url(Math.floor(random() * ORIGIN_SOURCES))] }),
      }),
    list: async () => {
      await api('GET', '/images/v1?page=1&per_page=50');
      await api('GET', '/images/v2?per_page=50');
      await api('GET', '/images/v1/stats');
    },
    details: () => withImage({}, (id) => api('GET', `/images/v1/${id}`)),
  };

  const names = Object.keys(WEIGHTS);
  const total = names.reduce((sum, name) => sum + WEIGHTS[name], 0);
  return {
    /** Uploads the first images and turns flexible variants on. */
    async prepare(count) {
      await api('PATCH', '/images/v1/config', JSON.stringify({ flexible_variants: true }), json);
      for (let i = 0; i < count; i++) await upload();
    },
    /** One operation drawn by weight: its name and a function that runs it. */
    next() {
      let pick = random() * total;
      const name = names.find((n) => (pick -= WEIGHTS[n]) < 0) ?? names[0];
      return { name, run: operations[name] };
    },
  };
}
