/** Which area of the edge a URL belongs to: the JSON API (Cloudflare's paths) or image delivery. */
const API_PREFIX = '/client/v4/';
/** The batch API's paths (`/images/v1…`, `/images/v2…`); no account hash is "images", so no delivery URL starts so. */
const BATCH_API_PATH = /^\/images\/v[12](\/|\?|$)/;

export const isApiPath = (url: string): boolean => url.startsWith(API_PREFIX) || BATCH_API_PATH.test(url);
