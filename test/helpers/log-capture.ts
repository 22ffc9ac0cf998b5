/** A Pictor logger whose JSON lines land in an array the test can read. */
import { Writable } from 'node:stream';
import { loggerOptions } from '../../src/app.js';

export function captureLogs(level = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: { ...loggerOptions(level), stream } };
}
