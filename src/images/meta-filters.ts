/**
 * Parses `meta.<field>[<operator>]=<value>` list filters. Errors carry Cloudflare's exact wording
 * where it is known (unsupported operator, too many filters).
 */
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import type { MetaFilter } from './model.js';

const filterKey = /^meta\.([^[\]]+)\[([^\]]*)\]$/;
const fieldName = /^[A-Za-z0-9_]+$/;

type Operator = `${MetaFilter['op']}${'' | `:${Exclude<MetaFilter['type'], 'any'>}`}`;
type OperatorMeaning = Pick<MetaFilter, 'op' | 'type'>;

/** Operator → (comparison, value type). The bare forms of eq/in are untyped; comparisons are numeric. */
const operators: Partial<Record<string, OperatorMeaning>> = {
  eq: { op: 'eq', type: 'any' },
  'eq:string': { op: 'eq', type: 'string' },
  'eq:number': { op: 'eq', type: 'number' },
  'eq:boolean': { op: 'eq', type: 'boolean' },
  gt: { op: 'gt', type: 'number' },
  'gt:number': { op: 'gt', type: 'number' },
  gte: { op: 'gte', type: 'number' },
  'gte:number': { op: 'gte', type: 'number' },
  lt: { op: 'lt', type: 'number' },
  'lt:number': { op: 'lt', type: 'number' },
  lte: { op: 'lte', type: 'number' },
  'lte:number': { op: 'lte', type: 'number' },
  in: { op: 'in', type: 'any' },
  'in:string': { op: 'in', type: 'string' },
  'in:number': { op: 'in', type: 'number' },
} satisfies Partial<Record<Operator, OperatorMeaning>>;

function parseValue(raw: string, type: MetaFilter['type'], key: string): string | number | boolean {
  switch (type) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw errors.badRequest(`Metadata filter ${key} needs a number, got "${raw}"`);
      return n;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw errors.badRequest(`Metadata filter ${key} needs true or false, got "${raw}"`);
      return raw === 'true';
    default:
      return raw;
  }
}

export function parseMetaFilters(query: Record<string, unknown>): MetaFilter[] {
  const filters: MetaFilter[] = [];
  for (const [key, rawValue] of Object.entries(query)) {
    if (!key.startsWith('meta.') && !key.startsWith('meta[')) continue;
    const m = filterKey.exec(key);
    if (!m) throw errors.badRequest(`Invalid metadata filter "${key}": use meta.<field>[<operator>]=<value>`);
    const path = m[1]!.split('.');
    if (path.length > limits.metaFilters.maxDepth) {
      throw errors.badRequest(`Metadata filter "${key}" is nested ${path.length} levels deep; the maximum is ${limits.metaFilters.maxDepth}`);
    }
    for (const segment of path) {
      if (!fieldName.test(segment) || segment.length > limits.metaFilters.maxFieldNameLength) {
        throw errors.badRequest(`Invalid metadata field name "${segment}": use letters, digits and "_", at most ${limits.metaFilters.maxFieldNameLength} characters`);
      }
    }
    const operator = operators[m[2]!];
    if (!operator) throw errors.badRequest(`Unsupported metadata filter operator: '${m[2]}'`);
    for (const raw of Array.isArray(rawValue) ? rawValue.map(String) : [String(rawValue)]) {
      const texts = operator.op === 'in' ? raw.split('|') : [raw];
      if (texts.length > limits.metaFilters.maxInValues) {
        throw errors.badRequest(`Metadata filter "${key}" lists ${texts.length} values; the maximum is ${limits.metaFilters.maxInValues}`);
      }
      filters.push({ path, op: operator.op, type: operator.type, values: texts.map((t) => parseValue(t, operator.type, key)) });
    }
  }
  if (filters.length > limits.metaFilters.maxFilters) {
    throw errors.badRequest(`Too many metadata filters: ${filters.length} provided, maximum ${limits.metaFilters.maxFilters} allowed`);
  }
  return filters;
}
