import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateCustomId } from '../../src/images/custom-id.js';
import { bracketMetadataPath, metadataFromBrackets, parseMetadataJson } from '../../src/images/metadata.js';
import { newImageId } from '../../src/images/image-service.js';
import { declaredTypeMatches, sniffFormat } from '../../src/images/sniff.js';
import * as images from '../helpers/images.js';

describe('custom ids', () => {
  it('accepts subpaths, unicode and percent signs', () => {
    for (const id of ['a', 'a/b/c', 'фото/2024', 'with%25percent', 'x'.repeat(1024), 'name.with.dots', 'a b']) {
      expect(validateCustomId(id)).toBe(id);
    }
  });

  it('never accepts an id that could escape a path or pose as a generated one', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (id) => {
        let ok = true;
        try {
          validateCustomId(id);
        } catch {
          ok = false;
        }
        if (ok) {
          const segments = id.split('/');
          expect(segments.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
          expect(id).not.toMatch(/[\u0000-\u001f\\]/);
        }
      }),
    );
  });

  it('refuses generated-looking ids, and generated ids look like Cloudflare ones', () => {
    const generated = newImageId();
    expect(generated).toMatch(/^[0-9a-f-]{34}00$/);
    expect(() => validateCustomId(generated)).toThrow(/UUID/);
  });
});

describe('metadata', () => {
  it('builds nested objects from the SDK bracket form', () => {
    const fields = ['metadata[a]', 'metadata[b][c]', 'metadata[b][d]'].map((name, i) => ({ path: bracketMetadataPath(name)!, value: String(i) }));
    expect(metadataFromBrackets(fields)).toEqual({ a: '0', b: { c: '1', d: '2' } });
    expect(bracketMetadataPath('metadata')).toBeUndefined();
    expect(bracketMetadataPath('meta[a]')).toBeUndefined();
  });

  it('builds arrays from metadata[key][] fields, as the SDK sends arrays', () => {
    const fields = [
      ['metadata[tags][]', 'a'],
      ['metadata[tags][]', 'b'],
      ['metadata[shots][][lens]', '35'],
      ['metadata[shots][][iso]', '100'],
      ['metadata[shots][][lens]', '50'],
      ['metadata[shots][][tags][]', 'x'],
    ].map(([name, value]) => ({ path: bracketMetadataPath(name!)!, value: value! }));
    expect(metadataFromBrackets(fields)).toEqual({ tags: ['a', 'b'], shots: [{ lens: '35', iso: '100' }, { lens: '50', tags: ['x'] }] });
  });

  it('refuses bracket fields it cannot rebuild', () => {
    const f = (name: string, value = 'x') => ({ path: bracketMetadataPath(name)!, value });
    expect(() => bracketMetadataPath('metadata[a[b]')).toThrow(/one JSON field/);
    expect(() => bracketMetadataPath('metadata[a]b]')).toThrow(/one JSON field/);
    expect(() => metadataFromBrackets([f('metadata[grid][][]')])).toThrow(/one JSON field/);
    expect(() => metadataFromBrackets([f('metadata[a]'), f('metadata[a][]')])).toThrow(/both a value and a list/);
    expect(() => metadataFromBrackets([f('metadata[a][]'), f('metadata[a][b]')])).toThrow(/both a list and an object/);
  });

  it('refuses conflicting and prototype-polluting bracket keys', () => {
    const f = (name: string, value = 'x') => ({ path: bracketMetadataPath(name)!, value });
    expect(() => metadataFromBrackets([f('metadata[a]'), f('metadata[a][b]')])).toThrow(/both a value and an object/);
    expect(() => metadataFromBrackets([f('metadata[a]'), f('metadata[a]')])).toThrow(/twice/);
    expect(() => metadataFromBrackets([f('metadata[constructor][prototype]')])).toThrow(/not allowed/);
    expect(() => metadataFromBrackets([f('metadata[a][__proto__]')])).toThrow(/not allowed/);
    // What it builds is a plain object again (it works on null-prototype ones inside).
    expect(Object.getPrototypeOf(metadataFromBrackets([f('metadata[a][b]')]))).toBe(Object.prototype);
  });

  it('parses JSON metadata and enforces the byte limit on UTF-8', () => {
    expect(parseMetadataJson('{"a":{"b":[1,true,null]}}')).toEqual({ a: { b: [1, true, null] } });
    const multibyte = JSON.stringify({ k: 'é'.repeat(508) });
    expect(Buffer.byteLength(multibyte)).toBe(1024);
    expect(parseMetadataJson(multibyte)).toBeDefined();
    expect(() => parseMetadataJson(JSON.stringify({ k: 'é'.repeat(509) }))).toThrow(/1026 bytes/);
  });
});

describe('format sniffing', () => {
  it('recognizes every accepted format from its bytes', async () => {
    expect(sniffFormat(await images.jpeg(8, 8))).toBe('jpeg');
    expect(sniffFormat(await images.png(8, 8))).toBe('png');
    expect(sniffFormat(await images.animatedGif(8, 8, 2))).toBe('gif');
    expect(sniffFormat(await images.webp(8, 8))).toBe('webp');
    expect(sniffFormat(await images.avif(8, 8))).toBe('avif');
    expect(sniffFormat(images.heic())).toBe('heic');
    expect(sniffFormat(images.svg())).toBe('svg');
    expect(sniffFormat(Buffer.from('\uFEFF<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE svg>\n<svg></svg>'))).toBe('svg');
    expect(sniffFormat(Buffer.from('<html><svg></svg></html>'))).toBeUndefined();
    expect(sniffFormat(Buffer.from('GIF8'))).toBeUndefined();
  });

  it('accepts neutral or matching declared types only', () => {
    expect(declaredTypeMatches(undefined, 'png')).toBe(true);
    expect(declaredTypeMatches('application/octet-stream', 'png')).toBe(true);
    expect(declaredTypeMatches('image/jpg', 'jpeg')).toBe(true);
    expect(declaredTypeMatches('IMAGE/PNG; charset=binary', 'png')).toBe(true);
    expect(declaredTypeMatches('image/png', 'jpeg')).toBe(false);
    expect(declaredTypeMatches('text/html', 'svg')).toBe(false);
  });
});
