/**
 * Image metadata: a JSON object of at most limits.maxMetadataBytes. Upload forms carry it either as
 * one JSON field (`metadata={"a":1}`, curl and most clients) or in the official SDK's bracket form
 * (`metadata[a]=1`, `metadata[a][b]=2`), whose values arrive as strings.
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

/** `metadata[a][b]` → ['a','b']; undefined when the field name is not in bracket form. */
export function bracketMetadataPath(fieldName: string): string[] | undefined {
  const m = bracketPath.exec(fieldName);
  if (!m) return undefined;
  return m[1]!.slice(1, -1).split('][');
}

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Builds the object from bracket fields, refusing prototype-polluting keys and shape conflicts. */
export function metadataFromBrackets(fields: Array<{ path: string[]; value: string }>): JsonObject {
  const root: JsonObject = Object.create(null) as JsonObject;
  for (const { path, value } of fields) {
    let node: JsonObject = root;
    path.forEach((key, i) => {
      if (key === '' || forbiddenKeys.has(key)) throw errors.badRequest(`metadata key "${key}" is not allowed`, { pointer: '/metadata' });
      if (i === path.length - 1) {
        if (key in node) throw errors.badRequest(`metadata key "${path.join('.')}" is given twice`, { pointer: '/metadata' });
        node[key] = value;
        return;
      }
      const next = node[key];
      if (next === undefined) node = node[key] = Object.create(null) as JsonObject;
      else if (typeof next === 'object' && next !== null) node = next as JsonObject;
      else throw errors.badRequest(`metadata key "${path.slice(0, i + 1).join('.')}" is both a value and an object`, { pointer: '/metadata' });
    });
  }
  // Plain objects from here on (JSON.stringify handles null-prototype objects, but callers may not).
  return validateMetadata(JSON.parse(JSON.stringify(root)));
}
