/**
 * The binding's transform objects → the shared option table: binding-only shapes (gravity objects,
 * `center`, trim objects, `rotate: 0`) land on the same spec as the URL options that mean the same.
 */
import { describe, expect, it } from 'vitest';
import { parseBindingSteps, transformEntries } from '../../src/binding/binding-plan.js';
import { ImagesError } from '../../src/errors.js';
import { parseOptionString, specFromOptionEntries } from '../../src/variants/option-parser.js';

const spec = (transform: Record<string, unknown>) => specFromOptionEntries(transformEntries(transform));

describe('binding transforms as option-table entries', () => {
  it('means what the equivalent URL options mean', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ width: 300, height: 200, fit: 'cover', gravity: { x: 0.2, y: 0.7, mode: 'remainder' } }, 'width=300,height=200,fit=cover,gravity=0.2x0.7'],
      [{ gravity: 'center', width: 10 }, 'width=10'],
      [{ rotate: 0, flip: 'h' }, 'flip=h'],
      [{ rotate: 270, blur: 12, sharpen: 2, brightness: 1.2, contrast: 0.9, gamma: 1.1, saturation: 0 }, 'rotate=270,blur=12,sharpen=2,brightness=1.2,contrast=0.9,gamma=1.1,saturation=0'],
      [{ trim: { top: 5, left: 6, width: 100, height: 50 } }, 'trim.top=5,trim.left=6,trim.width=100,trim.height=50'],
      [{ trim: { top: 1, right: 2, bottom: 3, left: 4 } }, 'trim=1;2;3;4'],
      [{ trim: { border: { color: '#ffffff', tolerance: 10, keep: 2 } } }, 'trim.border.color=#ffffff,trim.border.tolerance=10,trim.border.keep=2'],
      [{ trim: 'border' }, 'trim=border'],
      [{ background: 'red', fit: 'pad', width: 50, height: 50 }, 'background=red,fit=pad,width=50,height=50'],
    ];
    for (const [transform, url] of cases) expect(spec(transform), url).toEqual(parseOptionString(url));
  });

  it('refuses what it cannot express with 9401, naming it', () => {
    for (const [transform, named] of [
      [{ border: { width: 2 } }, 'border'],
      [{ gravity: 'entropy' }, 'entropy'],
      [{ gravity: { x: 0.5, y: 0.5, mode: 'box-center' } }, 'box-center'],
      [{ colour: 'red' }, 'colour'],
      [{ width: { px: 3 } }, 'width'],
    ] as const) {
      const error = (() => {
        try {
          spec(transform);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ImagesError);
      expect((error as ImagesError).code).toBe(9401);
      expect((error as ImagesError).message).toContain(named);
    }
  });

  it('reads draws and checks their indices and options', () => {
    const steps = parseBindingSteps(JSON.stringify([{ imageIndex: 1, width: 20 }, { drawImageIndex: 1, targetImageIndex: 0, opacity: 0.4, repeat: 'x', bottom: 3 }, { rotate: 90 }]), 2);
    expect(steps).toEqual([
      { kind: 'transform', image: 1, entries: [['width', '20']] },
      { kind: 'draw', child: 1, target: 0, options: { opacity: 0.4, repeat: 'x', composite: 'over', bottom: 3 } },
      { kind: 'transform', image: 0, entries: [['rotate', '90']] },
    ]);
    for (const bad of [
      [{ drawImageIndex: 1, targetImageIndex: 1 }],
      [{ drawImageIndex: 1, targetImageIndex: 0 }, { drawImageIndex: 1, targetImageIndex: 0 }],
      [{ drawImageIndex: 1, targetImageIndex: 0, top: 1, bottom: 1 }],
      [{ drawImageIndex: 1, targetImageIndex: 0, left: 1.5 }],
      [{ drawImageIndex: 1, targetImageIndex: 0, composite: 'multiply' }],
      [{ imageIndex: 2, width: 1 }],
    ]) {
      expect(() => parseBindingSteps(JSON.stringify(bad), 2), JSON.stringify(bad)).toThrow(ImagesError);
    }
  });
});
