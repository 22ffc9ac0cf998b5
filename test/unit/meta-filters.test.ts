import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMetaFilters } from '../../src/images/meta-filters.js';

describe('parseMetaFilters', () => {
  it('parses every operator form', () => {
    expect(
      parseMetaFilters({
        'meta.status[eq]': 'active',
        'meta.a.b[eq:number]': '5',
        'meta.on[eq:boolean]': 'true',
        'meta.n[gte]': '1.5',
        'meta.region[in]': 'us|eu',
        other: 'ignored',
      }),
    ).toEqual([
      { path: ['status'], op: 'eq', type: 'any', values: ['active'] },
      { path: ['a', 'b'], op: 'eq', type: 'number', values: [5] },
      { path: ['on'], op: 'eq', type: 'boolean', values: [true] },
      { path: ['n'], op: 'gte', type: 'number', values: [1.5] },
      { path: ['region'], op: 'in', type: 'any', values: ['us', 'eu'] },
    ]);
    expect(parseMetaFilters({ 'meta.k[in:number]': '1|2', 'meta.s[eq:string]': '7' })).toEqual([
      { path: ['k'], op: 'in', type: 'number', values: [1, 2] },
      { path: ['s'], op: 'eq', type: 'string', values: ['7'] },
    ]);
  });

  it.each([
    [{ 'meta.a[not-eq]': 'x' }, "Unsupported metadata filter operator: 'not-eq'"],
    [{ 'meta.a[eq:number]': 'abc' }, /needs a number/],
    [{ 'meta.a[gt]': '' }, /needs a number/],
    [{ 'meta.a[eq:boolean]': 'yes' }, /true or false/],
    [{ 'meta.a.b.c.d.e.f[eq]': 'x' }, /nested 6 levels/],
    [{ 'meta.a-b[eq]': 'x' }, /Invalid metadata field name/],
    [{ [`meta.${'x'.repeat(101)}[eq]`]: 'x' }, /Invalid metadata field name/],
    [{ 'meta.a': 'x' }, /use meta.<field>\[<operator>\]/],
    [{ 'meta.a[in]': Array.from({ length: 11 }, (_, i) => i).join('|') }, /11 values; the maximum is 10/],
    [Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`meta.f${i}[eq]`, 'x'])), 'Too many metadata filters: 6 provided, maximum 5 allowed'],
  ])('refuses %j', (query, message) => {
    expect(() => parseMetaFilters(query)).toThrow(message);
  });

  it('accepts five levels of nesting and ten in-values', () => {
    expect(parseMetaFilters({ 'meta.a.b.c.d.e[eq]': 'x' })[0]!.path).toHaveLength(5);
    expect(parseMetaFilters({ 'meta.a[in]': '1|2|3|4|5|6|7|8|9|10' })[0]!.values).toHaveLength(10);
  });

  it('never throws anything but a 5400 error on arbitrary input', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string().map((s) => `meta.${s}`), fc.string()), (query) => {
        try {
          parseMetaFilters(query);
        } catch (err) {
          expect((err as { code: number }).code).toBe(5400);
        }
      }),
    );
  });
});
