/**
 * Facts measured from an original's pixels (face boxes, foreground masks), remembered per original
 * for as long as delivery keeps its Buffer (the originals cache hands the same one to every
 * rendition), so other renditions of the image reuse them. A failure is not remembered.
 */
import type { RenderInput } from './source.js';

export function perOriginal<T>(): (input: RenderInput, compute: () => Promise<T>) => Promise<T> {
  const memo = new WeakMap<Buffer, Promise<T>>();
  return (input, compute) => {
    let result = memo.get(input.bytes);
    if (!result) {
      result = compute();
      memo.set(input.bytes, result);
      result.catch(() => memo.delete(input.bytes));
    }
    return result;
  };
}
