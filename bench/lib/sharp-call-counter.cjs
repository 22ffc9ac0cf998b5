// Preloaded (`node --require`) into the Node peers (IPX, Next.js) to count the sharp pipelines
// they run, so the herd and cold scenarios can report transforms for servers with no metrics.
// It patches sharp when the server first loads it (so processes that never load sharp are left
// alone), and costs one increment and one tiny file write and rename per transform, against ~20 ms of work.
const Module = require('node:module');
const { renameSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const countFile = path.join(process.env.BENCH_SHARP_COUNT_DIR, String(process.pid));
const partFile = `${countFile}.part`;
const patched = new WeakSet();
let count = 0;

function isSharp(exported) {
  return typeof exported === 'function' && typeof exported.prototype?.toBuffer === 'function' && exported.versions?.sharp;
}

function countCalls(sharp) {
  patched.add(sharp);
  for (const method of ['toBuffer', 'toFile']) {
    const original = sharp.prototype[method];
    sharp.prototype[method] = function countedPipeline(...args) {
      // Write then rename, so the runner never reads a half-written (empty) file.
      writeFileSync(partFile, String(++count));
      renameSync(partFile, countFile);
      return original.apply(this, args);
    };
  }
}

// Both `require('sharp')` and ESM `import('sharp')` of the CommonJS package go through _load.
const load = Module._load;
Module._load = function loadAndCount(...args) {
  const exported = load.apply(this, args);
  if (isSharp(exported) && !patched.has(exported)) countCalls(exported);
  return exported;
};
