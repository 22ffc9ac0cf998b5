import { it } from 'vitest';
import { SaxesParser } from 'saxes';
import { sanitizeSvg } from '../src/render/svg-sanitize.js';
const big = (n: number) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000">${Array.from({ length: n }, (_, i) => `<rect x="${i % 1000}" y="${(i / 1000) | 0}" width="1" height="1" fill="#123456"/>`).join('')}</svg>`);
it('m', () => {
  const b = big(99_000);
  for (let k = 0; k < 3; k++) {
    let t = performance.now();
    const p = new SaxesParser({ xmlns: false }); let c = 0; p.on('opentag', () => c++); p.write(b.toString()).close();
    console.log('saxes', performance.now() - t);
    t = performance.now(); sanitizeSvg(b); console.log('sanitize', performance.now() - t);
  }
});
