import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImagesError } from '../../src/errors.js';
import { canonicalString, parseOptionString, specFromNamedVariant } from '../../src/variants/option-parser.js';
import type { TransformSpec } from '../../src/render/spec.js';

function refusal(text: string): ImagesError {
  try {
    parseOptionString(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ImagesError);
    return error as ImagesError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseOptionString: one row per parameter (valid, alias, edge, clamped)', () => {
  const rows: Array<[string, TransformSpec]> = [
    ['width=400', { width: 400 }],
    ['w=400', { width: 400 }],
    ['w=auto', { width: 'auto' }],
    ['w=1', { width: 1 }],
    ['w=99999', { width: 12000 }],
    ['height=300', { height: 300 }],
    ['h=300', { height: 300 }],
    ['h=12001', { height: 12000 }],
    ['fit=cover', { fit: 'cover' }],
    ['fit=aspect-crop', { fit: 'aspect-crop' }],
    ['fit=scale-down', {}],
    ['gravity=auto', { gravity: 'auto' }],
    ['g=face', { gravity: 'face' }],
    ['g=left', { gravity: 'left' }],
    ['g=0.3x0.6', { gravity: { x: 0.3, y: 0.6 } }],
    ['g=0x1', { gravity: { x: 0, y: 1 } }],
    ['g=0.5x0.5', {}],
    ['g=2x0.25', { gravity: { x: 1, y: 0.25 } }],
    ['zoom=0.4', { zoom: 0.4 }],
    ['face-zoom=0.4', { zoom: 0.4 }],
    ['segment=foreground', { segment: 'foreground' }],
    ['zoom=0', {}],
    ['zoom=3', { zoom: 1 }],
    ['dpr=1.5', { dpr: 1.5 }],
    ['dpr=1', {}],
    ['dpr=3', { dpr: 2 }],
    ['dpr=0.5', { dpr: 0.5 }],
    ['quality=50', { quality: 50 }],
    ['q=high', { quality: 'high' }],
    ['q=85', { quality: 85 }],
    ['q=101', { quality: 100 }],
    ['slow-connection-quality=40', { slowConnectionQuality: 40 }],
    ['scq=low', { slowConnectionQuality: 'low' }],
    ['format=avif', { format: 'avif' }],
    ['f=baseline-jpeg', { format: 'baseline-jpeg' }],
    ['f=json', { format: 'json' }],
    ['f=png', { format: 'png' }],
    ['f=auto', {}],
    ['compression=fast', { compression: 'fast' }],
    ['anim=false', { anim: false }],
    ['anim=true', {}],
    ['metadata=keep', { metadata: 'keep' }],
    ['metadata=copyright', {}],
    ['background=%23ff0000', { background: { r: 255, g: 0, b: 0, a: 255 } }],
    ['background=#f00', { background: { r: 255, g: 0, b: 0, a: 255 } }],
    ['background=red', { background: { r: 255, g: 0, b: 0, a: 255 } }],
    ['background=white', { background: { r: 255, g: 255, b: 255, a: 255 } }],
    ['background=rgb%28240%2C40%2C145%29', { background: { r: 240, g: 40, b: 145, a: 255 } }],
    ['background=rgba(250,40,145,0.5)', { background: { r: 250, g: 40, b: 145, a: 128 } }],
    ['background=rgb(255 255 0)', { background: { r: 255, g: 255, b: 0, a: 255 } }],
    ['background=hsl(120,100%25,50%25)', { background: { r: 0, g: 255, b: 0, a: 255 } }],
    ['blur=50', { blur: 50 }],
    ['blur=0', {}],
    ['blur=251', { blur: 250 }],
    ['sharpen=2.5', { sharpen: 2.5 }],
    ['sharpen=11', { sharpen: 10 }],
    ['brightness=0.5', { brightness: 0.5 }],
    ['brightness=0', {}],
    ['brightness=1', {}],
    ['contrast=2', { contrast: 2 }],
    ['contrast=50', { contrast: 10 }],
    ['gamma=2', { gamma: 2 }],
    ['gamma=0.1', { gamma: 0.333 }],
    ['gamma=9', { gamma: 3 }],
    ['saturation=0', { saturation: 0 }],
    ['saturation=1', {}],
    ['rotate=90', { rotate: 90 }],
    ['rotate=0', {}],
    ['flip=hv', { flip: 'hv' }],
    ['trim=20;30;20;0', { trim: { kind: 'sides', top: 20, right: 30, bottom: 20, left: 0 } }],
    ['trim=0.1;0.2;0.1;0.2', { trim: { kind: 'sides', top: 0.1, right: 0.2, bottom: 0.1, left: 0.2 } }],
    ['trim=0;0;0;0', {}],
    ['trim.top=40,trim.left=30', { trim: { kind: 'sides', top: 40, right: 0, bottom: 0, left: 30 } }],
    ['trim.width=678,trim.height=0.5', { trim: { kind: 'sides', top: 0, right: 0, bottom: 0, left: 0, width: 678, height: 0.5 } }],
    ['trim=border', { trim: { kind: 'border' } }],
    [
      'trim.border.color=%23000000,trim.border.tolerance=5,trim.border.keep=10',
      { trim: { kind: 'border', color: { r: 0, g: 0, b: 0, a: 255 }, tolerance: 5, keep: 10 } },
    ],
    ['trim.border.tolerance=300', { trim: { kind: 'border', tolerance: 255 } }],
    ['upscale=interpolate', {}],
    ['width=400,sharpen=3', { width: 400, sharpen: 3 }],
    ['width=400,height=300,fit=cover,g=0.3x0.6', { width: 400, height: 300, fit: 'cover', gravity: { x: 0.3, y: 0.6 } }],
  ];
  it.each(rows)('%s', (text, expected) => {
    const spec = parseOptionString(text);
    expect(spec).toStrictEqual(expected);
    expect(Object.isFrozen(spec)).toBe(true);
  });
});

describe('parseOptionString refuses bad values, naming the option', () => {
  const rows: Array<[string, string]> = [
    ['width=0', 'width='],
    ['width=-5', 'width='],
    ['width=400.5', 'width='],
    ['width=abc', 'width='],
    ['width=1e9', 'width='],
    ['width=NaN', 'width='],
    ['width=Infinity', 'width='],
    ['width=0x10', 'width='],
    ['height=auto', 'height='],
    ['fit=inside', 'one of scale-down'],
    ['gravity=center', 'gravity='],
    ['gravity=0.5x', 'gravity='],
    ['zoom=-1', 'zoom='],
    ['dpr=0', 'dpr='],
    ['quality=0', 'quality='],
    ['quality=best', 'quality='],
    ['format=gif', 'one of auto'],
    ['compression=slow', 'compression='],
    ['anim=yes', 'anim='],
    ['metadata=all', 'metadata='],
    ['background=notacolor', 'background='],
    ['background=rgb(1,2)', 'background='],
    ['blur=-1', 'blur='],
    ['sharpen=x', 'sharpen='],
    ['brightness=-0.5', 'brightness='],
    ['rotate=45', 'rotate='],
    ['rotate=360', 'rotate='],
    ['flip=x', 'flip='],
    ['trim=1;2;3', 'trim='],
    ['trim=1.5;0;0;0', 'trim='],
    ['trim=border,trim.top=5', 'cannot be combined'],
    ['trim=1;2;3;4,trim.top=5', 'given twice'],
    ['trim.border.tolerance=-1', 'trim.border.tolerance='],
    ['w=100,width=200', 'more than once'],
    ['q=50,quality=60', 'more than once'],
    ['unknown=1', 'unknown option'],
    ['W=100', 'unknown option'],
    ['public', 'not a name=value option'],
    ['w=', 'empty value'],
    ['w=100,', 'not a name=value option'],
    ['=100', 'not a name=value option'],
  ];
  it.each(rows)('%s', (text, fragment) => {
    const error = refusal(text);
    expect(error.code).toBe(9401);
    expect(error.status).toBe(400);
    expect(error.message).toContain(fragment);
  });

  it.each([
    ['upscale=generate', 'upscale=generate'],
    ['onerror=redirect', 'onerror'],
    ['border=5', 'Workers'],
  ])('refuses the unsupported Cloudflare option %s', (text, fragment) => {
    const error = refusal(text);
    expect(error.code).toBe(9401);
    expect(error.message).toContain('Unsupported');
    expect(error.message).toContain(fragment);
  });
});

describe('hostile input gets a clear error, never a crash', () => {
  const hostile = [
    '',
    'w=1;rm -rf /',
    'w=100%00',
    'w=%00',
    'w=%E0%A4%A',
    'w=١٠٠',
    'w=100,background=\u202eredd',
    'background=url(javascript:alert(1))',
    'w=' + '9'.repeat(5000),
    'w=100,'.repeat(500),
    'g=' + 'x'.repeat(100),
    'trim=' + ';'.repeat(100),
    'background=' + '('.repeat(1000),
    'constructor=1',
    '__proto__=1',
    'background=constructor',
    'background=toString',
  ];
  it.each(hostile.map((text) => [text.slice(0, 60), text]))('%s', (_label, text) => {
    const error = refusal(text);
    expect(error.code).toBe(9401);
    expect(error.message.length).toBeLessThan(300);
  });

  it('keeps control characters out of error messages', () => {
    expect(refusal('unknown%0A%0D=1').message).not.toMatch(/[\n\r]/);
  });
});

describe('canonicalString', () => {
  it('uses full names in a fixed order and omits defaults', () => {
    const spec = parseOptionString('q=80,fit=cover,h=300,w=400,g=0.3x0.6,f=auto,dpr=1');
    expect(canonicalString(spec)).toBe('width=400,height=300,fit=cover,gravity=0.3x0.6,quality=80');
  });

  it('writes colors URL-safe and trims in one form', () => {
    const spec = parseOptionString('background=rgba(0,0,0,0),trim.left=5,trim.width=100');
    expect(canonicalString(spec)).toBe('trim=0;0;0;5,trim.width=100,background=%2300000000');
  });

  it('is empty for an all-default spec', () => {
    expect(canonicalString(parseOptionString('fit=scale-down,anim=true'))).toBe('');
  });
});

describe('specFromNamedVariant', () => {
  it('gives the same spec as the equivalent flexible string', () => {
    const named = specFromNamedVariant({ fit: 'cover', width: 400, height: 300, metadata: 'none', browser_ttl: 3600 });
    expect(named).toStrictEqual(parseOptionString('fit=cover,w=400,h=300,metadata=none'));
  });

  it('accepts extra Cloudflare options such as blur and refuses unknown ones', () => {
    expect(specFromNamedVariant({ fit: 'scale-down', width: 100, height: 100, metadata: 'copyright', blur: 20 })).toStrictEqual({
      width: 100,
      height: 100,
      blur: 20,
    });
    expect(() => specFromNamedVariant({ fit: 'pad', width: 1, height: 1, metadata: 'keep', nonsense: 1 })).toThrow(ImagesError);
    expect(() => specFromNamedVariant({ fit: 'pad', width: 0, height: 1, metadata: 'keep' })).toThrow(/width=/);
  });
});

/** Valid values for each option, with the names it may be written under. */
const optionArbitraries: Array<fc.Arbitrary<[string[], string]>> = [
  fc.tuple(fc.constant(['width', 'w']), fc.oneof(fc.integer({ min: 1, max: 12000 }).map(String), fc.constant('auto'))),
  fc.tuple(fc.constant(['height', 'h']), fc.integer({ min: 1, max: 12000 }).map(String)),
  fc.tuple(fc.constant(['fit']), fc.constantFrom('scale-down', 'contain', 'cover', 'crop', 'aspect-crop', 'pad', 'squeeze', 'scale-up')),
  fc.tuple(
    fc.constant(['gravity', 'g']),
    fc.oneof(
      fc.constantFrom('auto', 'face', 'left', 'right', 'top', 'bottom'),
      fc.tuple(thousandths(0, 1000), thousandths(0, 1000)).map(([x, y]) => `${x}x${y}`),
    ),
  ),
  fc.tuple(fc.constant(['zoom', 'face-zoom']), thousandths(0, 1000)),
  fc.tuple(fc.constant(['segment']), fc.constant('foreground')),
  fc.tuple(fc.constant(['dpr']), thousandths(1, 2000)),
  fc.tuple(fc.constant(['quality', 'q']), fc.oneof(fc.integer({ min: 1, max: 100 }).map(String), fc.constantFrom('high', 'low'))),
  fc.tuple(fc.constant(['slow-connection-quality', 'scq']), fc.integer({ min: 1, max: 100 }).map(String)),
  fc.tuple(fc.constant(['format', 'f']), fc.constantFrom('auto', 'avif', 'webp', 'jpeg', 'baseline-jpeg', 'json')),
  fc.tuple(fc.constant(['compression']), fc.constant('fast')),
  fc.tuple(fc.constant(['anim']), fc.constantFrom('true', 'false')),
  fc.tuple(fc.constant(['metadata']), fc.constantFrom('keep', 'copyright', 'none')),
  fc.tuple(
    fc.constant(['background']),
    fc.oneof(
      fc.constantFrom('red', 'white', 'transparent', 'rebeccapurple'),
      fc.tuple(byte(), byte(), byte()).map(([r, g, b]) => `rgb(${r},${g},${b})`),
      fc.tuple(byte(), byte(), byte(), byte()).map((bytes) => `%23${bytes.map((x) => x.toString(16).padStart(2, '0')).join('')}`),
    ),
  ),
  fc.tuple(fc.constant(['blur']), thousandths(0, 250_000)),
  fc.tuple(fc.constant(['sharpen']), thousandths(0, 10_000)),
  fc.tuple(fc.constant(['brightness']), thousandths(0, 10_000)),
  fc.tuple(fc.constant(['contrast']), thousandths(0, 10_000)),
  fc.tuple(fc.constant(['gamma']), thousandths(0, 5_000)),
  fc.tuple(fc.constant(['saturation']), thousandths(0, 10_000)),
  fc.tuple(fc.constant(['rotate']), fc.constantFrom('0', '90', '180', '270')),
  fc.tuple(fc.constant(['flip']), fc.constantFrom('h', 'v', 'hv')),
  fc.tuple(
    fc.constant(['trim']),
    fc.oneof(fc.constant('border'), fc.array(trimLength(), { minLength: 4, maxLength: 4 }).map((parts) => parts.join(';'))),
  ),
];

function thousandths(min: number, max: number): fc.Arbitrary<string> {
  return fc.integer({ min, max }).map((n) => String(n / 1000));
}
function byte(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 255 });
}
function trimLength(): fc.Arbitrary<string> {
  return fc.oneof(fc.integer({ min: 0, max: 500 }).map(String), thousandths(1, 999));
}

/** A set of distinct options, each as [possible names, value], in arbitrary order. */
const optionSets = fc
  .subarray(optionArbitraries.map((_arb, index) => index), { minLength: 1 })
  .chain((indexes) => fc.tuple(...indexes.map((index) => optionArbitraries[index]!)))
  .chain((options) => fc.shuffledSubarray(options, { minLength: options.length, maxLength: options.length }));

const write = (options: Array<[string[], string]>, pickAlias: (names: string[]) => string) =>
  options.map(([names, value]) => `${pickAlias(names)}=${value}`).join(',');

describe('properties', () => {
  it('parseOptionString(canonicalString(s)) equals s', () => {
    fc.assert(
      fc.property(optionSets, (options) => {
        const spec = parseOptionString(write(options, (names) => names[0]!));
        const canonical = canonicalString(spec);
        if (canonical === '') expect(spec).toStrictEqual({});
        else expect(parseOptionString(canonical)).toStrictEqual(spec);
      }),
      { numRuns: 500 },
    );
  });

  it('canonicalString does not depend on option order or alias', () => {
    fc.assert(
      fc.property(optionSets, fc.infiniteStream(fc.boolean()), (options, coin) => {
        const first = parseOptionString(write(options, (names) => names[0]!));
        const reordered = [...options].reverse();
        const second = parseOptionString(write(reordered, (names) => names[coin.next().value ? names.length - 1 : 0]!));
        expect(canonicalString(second)).toBe(canonicalString(first));
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary text either parses or is refused with a 9401', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          parseOptionString(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ImagesError);
          expect((error as ImagesError).code).toBe(9401);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
