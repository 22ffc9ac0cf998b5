/**
 * What the Search box means. `creator:<name>` and `meta.<field>=<value>` become the v2 list API's
 * own filters (answered by the database, fast on any number of images). Any other text matches ID,
 * filename, creator and metadata as a case-insensitive substring, over the pages already loaded and
 * further pages fetched in bulk (the API has no substring search); an exact ID is also looked up
 * directly, so it is found at once however many images the account holds.
 */
import type { Image } from './api';

export type Search =
  | { kind: 'none' }
  | { kind: 'server'; creator?: string; meta?: Record<string, string> }
  | { kind: 'text'; needle: string; exactId: string };

export function parseSearch(text: string): Search {
  const q = text.trim();
  if (q === '') return { kind: 'none' };
  const creator = /^creator:\s*(.+)$/i.exec(q);
  if (creator) return { kind: 'server', creator: creator[1]!.trim() };
  const meta = /^meta\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+){0,4})\s*=\s*(.*)$/.exec(q);
  if (meta) return { kind: 'server', meta: { [meta[1]!]: meta[2]! } };
  return { kind: 'text', needle: q.toLowerCase(), exactId: q };
}

export function matches(image: Image, needle: string): boolean {
  return (
    image.id.toLowerCase().includes(needle) ||
    (image.filename ?? '').toLowerCase().includes(needle) ||
    (image.creator ?? '').toLowerCase().includes(needle) ||
    JSON.stringify(image.meta).toLowerCase().includes(needle)
  );
}
