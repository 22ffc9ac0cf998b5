/** A Pictor logger whose JSON lines land in an array the test can read. */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';

export function captureLogs(level = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger(level, stream) };
}
