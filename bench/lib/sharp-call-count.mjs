// The runner's side of sharp-call-counter.cjs: the environment that preloads it, and the total.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { TMP_DIR } from './paths.mjs';

const PRELOAD = fileURLToPath(new URL('./sharp-call-counter.cjs', import.meta.url));

/** A fresh counter: `env` goes to the server, `read()` sums its processes' counts, `remove()` cleans up. */
export function createSharpCallCount() {
  const dir = path.join(TMP_DIR, `sharp-calls-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  return {
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim(), BENCH_SHARP_COUNT_DIR: dir },
    read: () =>
      readdirSync(dir)
        .filter((file) => !file.endsWith('.part'))
        .reduce((sum, file) => sum + Number(readFileSync(path.join(dir, file), 'utf8')), 0),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
