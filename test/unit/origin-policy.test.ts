/** The origin allow-list, source lifetimes and the transform-only `onerror` option. */
import { describe, expect, it } from 'vitest';
import { ImagesError } from '../../src/errors.js';
import { sourceLifetime } from '../../src/origins/cache-lifetime.js';
import { createOriginPolicy } from '../../src/origins/origin-policy.js';
import { parseOptions, parseOptionString } from '../../src/variants/option-parser.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as ImagesError).code;
  }
  return undefined;
};

describe('origin policy', () => {
  const policy = createOriginPolicy({ defaultOrigin: 'http://10.0.0.5:8080/site', sources: ['https://cdn.example.com', 'images.example.org'] });

  it('resolves relative sources under the default origin and its base path', () => {
    expect(policy.resolve('/img/a.jpg').href).toBe('http://10.0.0.5:8080/site/img/a.jpg');
    expect(policy.resolve('img/a.jpg?v=1').href).toBe('http://10.0.0.5:8080/site/img/a.jpg?v=1');
    expect(codeOf(() => policy.resolve('//evil.example/a.jpg'))).toBeUndefined(); // stays on the origin
    expect(policy.resolve('//evil.example/a.jpg').origin).toBe('http://10.0.0.5:8080');
  });

  it('allows named origins and hosts, refuses the rest, and exempts only named hosts from the private-address rule', () => {
    expect(policy.resolve('https://cdn.example.com/a.jpg').href).toBe('https://cdn.example.com/a.jpg');
    expect(policy.resolve('http://images.example.org/b.png').host).toBe('images.example.org');
    expect(codeOf(() => policy.resolve('http://cdn.example.com/a.jpg'))).toBe(9401); // another scheme is another origin
    expect(codeOf(() => policy.resolve('https://other.example/a.jpg'))).toBe(9401);
    expect(codeOf(() => policy.resolve('https://u:p@cdn.example.com/a.jpg'))).toBe(9419);
    expect([...policy.exemptHosts].sort()).toEqual(['10.0.0.5', 'cdn.example.com', 'images.example.org']);
    expect(policy.mayRedirectTo(new URL('https://cdn.example.com/x'))).toBe(true);
  });

  it('`*` allows any origin but exempts none and never redirects to unnamed ones', () => {
    const any = createOriginPolicy({ defaultOrigin: undefined, sources: ['*'] });
    expect(any.enabled).toBe(true);
    expect(any.resolve('https://anywhere.example/a.jpg').host).toBe('anywhere.example');
    expect(any.exemptHosts).toEqual([]);
    expect(any.mayRedirectTo(new URL('https://anywhere.example/a.jpg'))).toBe(false);
    expect(codeOf(() => any.resolve('/relative.jpg'))).toBe(9401);
  });

  it('is off with neither setting', () => {
    expect(createOriginPolicy({ defaultOrigin: undefined, sources: [] }).enabled).toBe(false);
  });
});

describe('source lifetime', () => {
  const bounds = { floorSeconds: 3600, ceilingSeconds: 86_400 };
  const now = Date.parse('2026-12-01T00:00:00Z');
  it.each([
    [{ 'cache-control': 'max-age=60' }, 3600, false],
    [{ 'cache-control': 'public, max-age=7200' }, 7200, false],
    [{ 'cache-control': 's-maxage=10000, max-age=60' }, 10_000, false],
    [{ 'cache-control': 'max-age=999999999' }, 86_400, false],
    [{ 'cache-control': 'no-cache' }, 0, true],
    [{ 'cache-control': 'max-age=60, must-revalidate' }, 60, true],
    [{ expires: 'Tue, 01 Dec 2026 05:00:00 GMT', date: 'Tue, 01 Dec 2026 00:00:00 GMT' }, 18_000, false],
    [{}, 3600, false],
  ])('%j → %d s', (headers, seconds, mustRevalidate) => {
    expect(sourceLifetime(headers, now, bounds)).toEqual({ seconds, mustRevalidate });
  });
});

describe('onerror', () => {
  it('is accepted on /cdn-cgi/image/ and refused on hosted images', () => {
    expect(parseOptions('w=10,onerror=redirect', 'transform').onError).toBe('redirect');
    expect(codeOf(() => parseOptionString('w=10,onerror=redirect'))).toBe(9401);
  });

  it('keeps an explicit format=auto on transformations only', () => {
    expect(parseOptions('format=auto', 'transform').spec.format).toBe('auto');
    expect(parseOptionString('format=auto').format).toBeUndefined();
  });
});
