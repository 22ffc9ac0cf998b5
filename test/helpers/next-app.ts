/**
 * Builds test/fixtures/next-app (`next build`, a static export into out/) once: the build is kept
 * and reused until a source file of the app or the Next.js version changes, so repeated test runs
 * skip the ~30 s build.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const nextAppDir = path.resolve('test/fixtures/next-app');
export const nextExportDir = path.join(nextAppDir, 'out');
const stampFile = path.join(nextExportDir, '.pictor-build-hash');

function sourceHash(): string {
  const hash = createHash('sha256');
  hash.update(JSON.parse(fs.readFileSync(path.resolve('node_modules/next/package.json'), 'utf8')).version);
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (['out', '.next', 'cache', 'node_modules'].includes(entry.name)) return [];
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? walk(full) : [full];
    });
  for (const file of walk(nextAppDir).sort()) hash.update(path.relative(nextAppDir, file)).update(fs.readFileSync(file));
  return hash.digest('hex');
}

export async function buildNextApp(): Promise<string> {
  const wanted = sourceHash();
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === wanted) return nextExportDir;
  await promisify(execFile)(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'build'], {
    cwd: nextAppDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 300_000,
  });
  fs.writeFileSync(stampFile, wanted);
  return nextExportDir;
}
