/**
 * workerScript: the file a worker thread runs. Built code has the compiled .js beside the module
 * that starts the worker. The test suite runs the TypeScript sources, which Node 20 cannot load
 * on a worker thread; there the worker's .ts entry is bundled once by esbuild (a development
 * dependency, never loaded by built code) into node_modules/.cache, where its packages resolve.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export async function workerScript(moduleUrl: string, entry: string): Promise<string> {
  const compiled = fileURLToPath(new URL(`${entry}.js`, moduleUrl));
  if (fs.existsSync(compiled)) return compiled;
  const source = fileURLToPath(new URL(`${entry}.ts`, moduleUrl));
  if (!fs.existsSync(source)) throw new Error(`worker script ${compiled} is missing`);
  const cacheDir = path.join(packageRoot(source), 'node_modules', '.cache', 'pictor-workers');
  const bundle = path.join(cacheDir, `${entry.replace(/\W/g, '')}-${process.pid}.mjs`);
  const { build } = await import('esbuild');
  await build({ entryPoints: [source], outfile: bundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
  return bundle;
}

function packageRoot(from: string): string {
  for (let dir = path.dirname(from); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no package.json above ${from}`);
}
