/**
 * Metadata filters (`meta.<path>[<op>]`) as SQL over the JSON text column, for each dialect.
 * Paths and values are always bound parameters, never spliced into the SQL text.
 */
import { type RawBuilder, sql } from 'kysely';
import type { MetaFilter } from '../images/model.js';
import type { DialectName } from './database.js';

interface JsonAccess {
  isString: RawBuilder<boolean>;
  isNumber: RawBuilder<boolean>;
  isBoolean: RawBuilder<boolean>;
  text: RawBuilder<string>;
  number: RawBuilder<number>;
  /** 'true' / 'false' for booleans. */
  boolText: RawBuilder<string>;
}

function jsonAccess(dialect: DialectName, path: string[]): JsonAccess {
  if (dialect === 'sqlite') {
    const p = '$' + path.map((k) => `."${k}"`).join('');
    const type = sql`json_type(meta, ${p})`;
    const value = sql`json_extract(meta, ${p})`;
    return {
      isString: sql<boolean>`${type} = 'text'`,
      isNumber: sql<boolean>`${type} in ('integer', 'real')`,
      isBoolean: sql<boolean>`${type} in ('true', 'false')`,
      text: sql<string>`${value}`,
      number: sql<number>`${value}`,
      boolText: sql<string>`${type}`,
    };
  }
  const node = sql`(meta::jsonb #> ${path}::text[])`;
  const text = sql<string>`(meta::jsonb #>> ${path}::text[])`;
  const type = sql`jsonb_typeof(${node})`;
  return {
    isString: sql<boolean>`${type} = 'string'`,
    isNumber: sql<boolean>`${type} = 'number'`,
    isBoolean: sql<boolean>`${type} = 'boolean'`,
    text,
    number: sql<number>`(case when ${type} = 'number' then ${text}::numeric end)`,
    boolText: text,
  };
}

const comparators = { eq: sql.raw('='), gt: sql.raw('>'), gte: sql.raw('>='), lt: sql.raw('<'), lte: sql.raw('<=') } as const;

function matchOne(j: JsonAccess, filter: MetaFilter, value: string | number | boolean): RawBuilder<boolean> {
  const op = filter.op === 'in' ? comparators.eq : comparators[filter.op];
  switch (filter.type) {
    case 'string':
      return sql<boolean>`(${j.isString} and ${j.text} = ${String(value)})`;
    case 'number':
      return sql<boolean>`(${j.isNumber} and ${j.number} ${op} ${Number(value)})`;
    case 'boolean':
      return sql<boolean>`(${j.isBoolean} and ${j.boolText} = ${String(value)})`;
    case 'any': {
      // The untyped form matches whatever JSON type the text could stand for.
      const text = String(value);
      const alternatives: RawBuilder<boolean>[] = [sql<boolean>`(${j.isString} and ${j.text} = ${text})`];
      if (text.trim() !== '' && Number.isFinite(Number(text))) {
        alternatives.push(sql<boolean>`(${j.isNumber} and ${j.number} = ${Number(text)})`);
      }
      if (text === 'true' || text === 'false') {
        alternatives.push(sql<boolean>`(${j.isBoolean} and ${j.boolText} = ${text})`);
      }
      return sql<boolean>`(${sql.join(alternatives, sql` or `)})`;
    }
  }
}

export function metaFilterSql(dialect: DialectName, filter: MetaFilter): RawBuilder<boolean> {
  const j = jsonAccess(dialect, filter.path);
  const each = filter.values.map((v) => matchOne(j, filter, v));
  return sql<boolean>`(${sql.join(each, sql` or `)})`;
}
