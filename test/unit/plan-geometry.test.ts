import { describe, expect, it } from 'vitest';
import { ImagesError } from '../../src/errors.js';
import { autoWidth, planGeometry, type GeometryHints } from '../../src/render/plan-geometry.js';
import { parseOptionString } from '../../src/variants/option-parser.js';

const landscape = { width: 1080, height: 720 };
const plan = (options: string, source = landscape, hints: GeometryHints = {}) =>
  planGeometry(source, parseOptionString(options), hints);
const size = (width: number, height: number) => ({ width, height });

describe('fit modes (Cloudflare examples on a 1080×720 source)', () => {
  it.each([
    ['scale-down shrinks to fit', 'fit=scale-down,w=500,h=500', size(500, 333)],
    ['scale-down never enlarges', 'fit=scale-down,w=2000,h=2000', size(1080, 720)],
    ['contain shrinks', 'fit=contain,w=500,h=500', size(500, 333)],
    ['contain enlarges', 'fit=contain,w=2000,h=2000', size(2000, 1333)],
    ['contain with one side matches it', 'fit=contain,w=540', size(540, 360)],
    ['scale-up never shrinks', 'fit=scale-up,w=500,h=500', size(1080, 720)],
    ['scale-up enlarges', 'fit=scale-up,w=2000,h=2000', size(2000, 1333)],
    ['cover fills exactly', 'fit=cover,w=500,h=500', size(500, 500)],
    ['cover enlarges', 'fit=cover,w=2000,h=2000', size(2000, 2000)],
    ['crop keeps a smaller image as is', 'fit=crop,w=1296,h=1296', size(1080, 720)],
    ['crop behaves like cover when larger', 'fit=crop,w=500,h=500', size(500, 500)],
    ['crop does not enlarge the short side', 'fit=crop,w=500,h=900', size(500, 720)],
    ['aspect-crop keeps the target shape without enlarging', 'fit=aspect-crop,w=1920,h=1120', size(1080, 630)],
    ['aspect-crop shrinks like cover', 'fit=aspect-crop,w=500,h=500', size(500, 500)],
    ['pad fills the box', 'fit=pad,w=1080,h=1080', size(1080, 1080)],
    ['squeeze distorts', 'fit=squeeze,w=1080,h=540', size(1080, 540)],
    ['no size keeps the source', 'fit=cover', size(1080, 720)],
    ['one side only keeps the aspect for cover', 'fit=cover,h=360', size(540, 360)],
  ])('%s', (_name, options, output) => {
    expect(plan(options).output).toEqual(output);
  });

  it('aspect-crop reproduces the documented 612×613 at 1920×1120 → 612×357', () => {
    expect(plan('fit=aspect-crop,w=1920,h=1120', size(612, 613)).output).toEqual(size(612, 357));
  });

  it('scale-down without enlargement does not resize at all', () => {
    const result = plan('w=2000');
    expect(result.resized).toEqual(size(1080, 720));
    expect(result.crop).toBeUndefined();
    expect(result.region).toEqual({ left: 0, top: 0, width: 1080, height: 720 });
  });

  it('cover resizes to cover the box, then crops the centre', () => {
    const result = plan('fit=cover,w=500,h=500');
    expect(result.resized).toEqual(size(750, 500));
    expect(result.crop).toEqual({ left: 125, top: 0, width: 500, height: 500 });
    expect(result.region).toEqual({ left: 180, top: 0, width: 720, height: 720 });
  });

  it('pad centres the content', () => {
    const result = plan('fit=pad,w=1080,h=1080');
    expect(result.resized).toEqual(size(1080, 720));
    expect(result.pad).toEqual({ top: 180, right: 0, bottom: 180, left: 0 });
  });

  it('pad splits odd space with the extra pixel at the bottom/right', () => {
    expect(plan('fit=pad,w=100,h=101', size(100, 50)).pad).toEqual({ top: 25, right: 0, bottom: 26, left: 0 });
  });
});

describe('gravity', () => {
  it.each([
    ['g=left', 0],
    ['g=right', 250],
    ['g=0x0.5', 0],
    ['g=1x0', 250],
    ['g=0.3x0.5', 75],
    ['g=top', 125],
  ])('%s places the crop at x=%d', (gravity, left) => {
    expect(plan(`fit=cover,w=500,h=500,${gravity}`).crop?.left).toBe(left);
  });

  it('moves vertically for tall crops', () => {
    expect(plan('fit=cover,w=1080,h=200,g=bottom').crop).toEqual({ left: 0, top: 520, width: 1080, height: 200 });
    expect(plan('fit=cover,w=1080,h=200,g=top').crop?.top).toBe(0);
  });

  it('auto and face use the focal point found from pixels, else the centre', () => {
    expect(plan('fit=cover,w=500,h=500,g=auto', landscape, { focalPoint: { x: 1, y: 0.5 } }).crop?.left).toBe(250);
    expect(plan('fit=cover,w=500,h=500,g=face').crop?.left).toBe(125);
  });

  it('centres the crop on a detected focal point, where XxY aligns relative positions', () => {
    expect(plan('fit=cover,w=500,h=500,g=auto', landscape, { focalPoint: { x: 0.6, y: 0.5 } }).crop?.left).toBe(200);
    expect(plan('fit=cover,w=500,h=500,g=0.6x0.5').crop?.left).toBe(150);
  });

  it('refers to the source image even when it is flipped or rotated', () => {
    const source = size(200, 100);
    expect(plan('fit=cover,w=100,h=100,g=left,flip=h', source).region.left).toBe(0);
    expect(plan('fit=cover,w=100,h=100,g=left,rotate=90', source).region.left).toBe(0);
    expect(plan('fit=cover,w=100,h=100,g=right,rotate=270', source).region.left).toBe(100);
    expect(plan('fit=cover,w=100,h=100,g=right,rotate=180,flip=v', source).region.left).toBe(100);
  });
});

describe('rotation: width and height refer to the rotated axes', () => {
  it('resizes before rotating with the sides swapped', () => {
    const result = plan('w=360,rotate=90');
    expect(result.output).toEqual(size(360, 540));
    expect(result.resized).toEqual(size(540, 360));
  });

  it('keeps 180° in the same axes', () => {
    expect(plan('w=540,rotate=180').output).toEqual(size(540, 360));
  });
});

describe('dpr and width=auto', () => {
  it('dpr multiplies the requested size', () => {
    expect(plan('w=300,h=200,fit=cover,dpr=2').output).toEqual(size(600, 400));
  });

  it.each([
    [{}, 1200],
    [{ mobile: true }, 768],
    [{ clientWidth: 300 }, 320],
    [{ clientWidth: 700 }, 768],
    [{ clientWidth: 960 }, 960],
    [{ clientWidth: 5000 }, 1200],
  ])('width=auto with hints %j is %d', (hints, width) => {
    expect(autoWidth(hints)).toBe(width);
    expect(plan('w=auto,fit=contain', size(4000, 3000), hints).output.width).toBe(width);
  });
});

describe('trim', () => {
  const square = size(100, 100);
  it('cuts top;right;bottom;left pixels before resizing', () => {
    expect(plan('trim=10;20;30;40', square).trim).toEqual({ left: 40, top: 10, width: 40, height: 60 });
    expect(plan('trim=10;20;30;40', square).output).toEqual(size(40, 60));
  });

  it('takes fractions of the side', () => {
    expect(plan('trim=0.1;0.2;0.1;0.2', size(1000, 500)).trim).toEqual({ left: 200, top: 50, width: 600, height: 400 });
  });

  it('multiplies pixel lengths by dpr', () => {
    expect(plan('trim=5;0;0;5,dpr=2', square).trim).toEqual({ left: 10, top: 10, width: 90, height: 90 });
  });

  it('supports trim.left/top/width/height', () => {
    expect(plan('trim.left=30,trim.top=40,trim.width=50,trim.height=20', square).trim).toEqual({
      left: 30,
      top: 40,
      width: 50,
      height: 20,
    });
    expect(plan('trim.left=80,trim.width=50', square).trim.width).toBe(20);
  });

  it('refuses a trim that leaves nothing', () => {
    expect(() => plan('trim=50;0;50;0', square)).toThrow(ImagesError);
    expect(() => plan('trim.left=100', square)).toThrow(/size 0/);
  });

  it('trim=border uses the measured box', () => {
    const borderTrim = { left: 5, top: 6, width: 70, height: 80 };
    expect(plan('trim=border', square, { borderTrim }).trim).toEqual(borderTrim);
    expect(plan('trim=border', square).trim).toEqual({ left: 0, top: 0, width: 100, height: 100 });
  });

  it('crops inside the trimmed part and reports the combined source region', () => {
    const result = plan('trim=0;0;0;100,fit=cover,w=100,h=100', size(300, 100));
    expect(result.trim).toEqual({ left: 100, top: 0, width: 200, height: 100 });
    expect(result.region).toEqual({ left: 150, top: 0, width: 100, height: 100 });
  });

  it('maps XxY gravity (relative to the original) into the trimmed part', () => {
    const trimmedCover = (gravity: string) => plan(`trim=0;0;0;100,fit=cover,w=100,h=100,g=${gravity}`, size(300, 100));
    expect(trimmedCover('0.5x0.5').region.left).toBe(150);
    expect(trimmedCover('0.1x0.5').region.left).toBe(100);
    expect(trimmedCover('1x0.5').region.left).toBe(200);
    expect(trimmedCover('left').region.left).toBe(100);
  });
});

describe('limits', () => {
  it('refuses enlarging beyond 5000 px (Cloudflare 9413)', () => {
    expect(plan('fit=contain,w=5000', size(100, 100)).output).toEqual(size(5000, 5000));
    try {
      plan('fit=contain,w=5001', size(100, 100));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 9413, status: 403 });
    }
  });

  it('never plans a side above 12000 px', () => {
    expect(plan('fit=contain,w=12000,dpr=2', size(12000, 6000)).output).toEqual(size(12000, 6000));
  });

  it('refuses outputs above 100 megapixels', () => {
    expect(() => plan('fit=pad,w=12000,h=12000', size(12000, 8000))).toThrow(/megapixels/);
  });
});
