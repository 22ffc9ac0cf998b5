/**
 * Image metadata: a JSON object of at most limits.maxMetadataBytes. Upload forms carry it either as
 * one JSON field (`metadata={"a":1}`, curl and most clients) or in the official SDK's bracket form
 * (`metadata[a]=1`, `metadata[a][b]=2`, arrays as `metadata[a][]=1`), whose values arrive as strings.
 */
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import type { JsonObject } from './model.js';

/**
 * Size of the value's JSON. Nesting deep enough to overflow JSON.stringify's recursion (thousands
 * of levels, so thousands of bytes) is reported as Infinity: far over any limit, never a crash.
 */
function jsonByteLength(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value));
  } catch (err) {
    if (err instanceof RangeError) return Infinity;
    throw err;
  }
}

export function validateMetadata(value: unknown): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.badRequest('metadata must be a JSON object', { pointer: '/metadata' });
  }
  const size = jsonByteLength(value);
  if (size > limits.maxMetadataBytes) {
    const what = size === Infinity ? 'nested too deeply to measure' : `${size} bytes of JSON`;
    throw errors.badRequest(`metadata is ${what}; the limit is ${limits.maxMetadataBytes} bytes`, { pointer: '/metadata' });
  }
  return value as JsonObject;
}

export function parseMetadataJson(text: string): JsonObject {
  if (text.trim() === '') throw errors.badRequest('metadata is empty: send a JSON object or leave the field out', { pointer: '/metadata' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw errors.badRequest('metadata is not valid JSON', { pointer: '/metadata' });
  }
  return validateMetadata(parsed);
}

const bracketPath = /^metadata((?:\[[^\[\]]*\])+)$/;

/** Why a bracket field cannot be read: the fix is always the JSON form, which carries anything. */
const unreadable = (what: string) =>
  errors.badRequest(`${what} cannot be sent as metadata[key] fields; send metadata as one JSON field`, { pointer: '/metadata' });

/**
 * `metadata[a][b]` → ['a','b'], `metadata[a][]` → ['a',''] (an array entry); undefined when the
 * field is not metadata in bracket form. A `metadata[` field that does not parse (the SDK sends a
 * key containing "[" or "]" that way) is refused rather than ignored as an unknown field.
 */
export function bracketMetadataPath(fieldName: string): string[] | undefined {
  if (!fieldName.startsWith('metadata[')) return undefined;
  const m = bracketPath.exec(fieldName);
  if (!m) throw unreadable(`The field "${fieldName}" (a key containing "[" or "]")`);
  return m[1]!.slice(1, -1).split('][');
}

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);
const pointer = { pointer: '/metadata' };
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Puts `value` at `path` under `node`; a `''` segment (from `[]`) makes the key a list. */
function place(node: JsonObject, path: string[], value: string, shown: string[]): void {
  const [key, ...rest] = path as [string, ...string[]];
  if (key === '' || forbiddenKeys.has(key)) throw errors.badRequest(`metadata key "${key}" is not allowed`, pointer);
  const here = [...shown, key];
  const existing = node[key];
  if (rest.length === 0) {
    if (existing !== undefined) throw errors.badRequest(`metadata key "${here.join('.')}" is given twice`, pointer);
    node[key] = value;
  } else if (rest[0] === '') {
    if (typeof existing === 'string') throw errors.badRequest(`metadata key "${here.join('.')}" is both a value and a list`, pointer);
    if (isObject(existing)) throw errors.badRequest(`metadata key "${here.join('.')}" is both a list and an object`, pointer);
    const list = (existing ?? (node[key] = [])) as unknown[];
    placeInList(list, rest.slice(1), value, here);
  } else {
    if (typeof existing === 'string') throw errors.badRequest(`metadata key "${here.join('.')}" is both a value and an object`, pointer);
    if (Array.isArray(existing)) throw errors.badRequest(`metadata key "${here.join('.')}" is both a list and an object`, pointer);
    const child = (existing ?? (node[key] = Object.create(null) as JsonObject)) as JsonObject;
    place(child, rest, value, here);
  }
}

/**
 * The SDK sends an array of objects as runs of `key[][field]` fields, one run per entry: as Rails
 * and qs read them, a field the last entry already has starts the next entry.
 */
function placeInList(list: unknown[], rest: string[], value: string, shown: string[]): void {
  if (rest.length === 0) {
    list.push(value);
    return;
  }
  if (rest[0] === '') throw unreadable(`A list of lists (metadata key "${shown.join('.')}")`);
  const last = list[list.length - 1];
  const entry = isObject(last) && !hasPath(last, rest) ? last : (Object.create(null) as JsonObject);
  if (entry !== last) list.push(entry);
  place(entry, rest, value, shown);
}

/** Whether `path` already leads to a value in `node`; a list segment never counts as taken. */
function hasPath(node: JsonObject, path: string[]): boolean {
  let at: unknown = node;
  for (const key of path) {
    if (key === '' || !isObject(at) || !(key in at)) return false;
    at = at[key];
  }
  return true;
}

/** Builds the object from bracket fields, refusing prototype-polluting keys and shape conflicts. */
export function metadataFromBrackets(fields: Array<{ path: string[]; value: string }>): JsonObject {
  const root: JsonObject = Object.create(null) as JsonObject;
  for (const { path, value } of fields) place(root, path, value, []);
  // Plain objects from here on (JSON.stringify handles null-prototype objects, but callers may not).
  return validateMetadata(JSON.parse(JSON.stringify(root)));
}
