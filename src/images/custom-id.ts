/**
 * Custom image IDs (Cloudflare rules plus path safety). IDs never become file paths — blob keys are
 * generated — but they do become URL paths, so anything that could be read as traversal or an
 * encoded separator is refused outright.
 */
import { errors } from '../errors.js';
import { limits } from '../limits.js';

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// C0 and C1 controls and DEL.
const controlChars = /[\u0000-\u001f\u007f-\u009f]/;
// Percent-encoded slash, backslash, dot or NUL: double-encoding tricks.
const encodedSeparator = /%(2f|5c|2e|00)/i;
// Runs of percent-escapes must decode to well-formed UTF-8: overlong forms (%C0%AE for ".") are a
// classic disguise for traversal in decoders that accept them.
const percentRuns = /(?:%[0-9a-f]{2})+/gi;
const decodesAsUtf8 = (run: string): boolean => {
  try {
    decodeURIComponent(run);
    return true;
  } catch {
    return false;
  }
};
/** Literal segments of the API under images/v1/{id}: an image with such an id could never be addressed. */
const reserved = new Set(['keys', 'stats', 'variants', 'config', 'batch_token', 'direct_upload', 'webhook']);

export function validateCustomId(id: string): string {
  const bad = (why: string) => errors.badRequest(`Invalid custom ID: ${why}`, { pointer: '/id' });
  if (id.length === 0) throw bad('it is empty');
  if ([...id].length > limits.maxCustomIdLength) throw bad(`it is longer than ${limits.maxCustomIdLength} characters`);
  if (id.startsWith('/') || id.endsWith('/')) throw bad('it must not start or end with "/"');
  if (uuidShape.test(id)) throw bad('it must not be a UUID (those are reserved for generated IDs)');
  if (controlChars.test(id)) throw bad('it must not contain control characters');
  if (id.includes('\\')) throw bad('it must not contain "\\"');
  if (encodedSeparator.test(id)) throw bad('it must not contain percent-encoded "/", "\\", "." or NUL');
  if (id.match(percentRuns)?.some((run) => !decodesAsUtf8(run))) throw bad('it must not contain percent-encoded bytes that are not valid UTF-8');
  const segments = id.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw bad('path segments must not be empty, "." or ".."');
  if (id.trim() !== id) throw bad('it must not start or end with whitespace');
  if (reserved.has(id)) throw bad(`"${id}" is reserved by the API`);
  if (!id.isWellFormed()) throw bad('it must be valid UTF-8');
  return id;
}

export const isGeneratedIdShape = (id: string): boolean => uuidShape.test(id);
