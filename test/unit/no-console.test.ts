/**
 * Logs go through the one pino logger (src/logger.ts): `console.*` is for the command line's own
 * output to a person (results, usage, the serve banner) and appears nowhere else in src/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
const CLI_OUTPUT = new Set([
  'cli/index.ts', 'cli/admin.ts', 'cli/banner.ts', 'cli/migrate-storage.ts', 'cli/sign.ts',
  // The import and export commands print their summary for the person who ran them.
  'cli/import/cloudflare.ts', 'cli/import/dir.ts', 'cli/import/export.ts', 'cli/import/s3.ts',
]);

it('uses console only in the command line output files', () => {
  const files = (fs.readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(100);
  const offenders = files
    .filter((f) => !CLI_OUTPUT.has(f.split(path.sep).join('/')))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(src, f), 'utf8')
        .split('\n')
        .map((line, i) => ({ at: `src/${f}:${i + 1}`, line }))
        .filter(({ line }) => /\bconsole\s*\.\s*\w+/.test(line)),
    );
  expect(offenders).toEqual([]);
});
