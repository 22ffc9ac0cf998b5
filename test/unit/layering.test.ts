/**
 * The layering rules of .dependency-cruiser.cjs: each one reports a fixture file that breaks it on
 * purpose (so a rule that stopped matching fails here), and the real src/ breaks none.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

// The package's exports map hides its bin script; node_modules/.bin links to it.
const depcruise = path.resolve('node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** Runs the same command as `npm run lint:deps` (it resolves .js imports to .ts as tsc does). */
async function violations(root: string): Promise<Array<{ rule: string; from: string; to: string }>> {
  let json: string;
  try {
    json = execFileSync(process.execPath, [depcruise, root, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    json = (err as { stdout: string }).stdout; // exits non-zero when it finds violations
  }
  const result = JSON.parse(json) as ICruiseResult;
  return result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('layering rules', () => {
  it('reports every rule broken on purpose in the fixture tree', async () => {
    const found = await violations('test/fixtures/layering/src');
    const at = (rule: string) => found.filter((v) => v.rule === rule).map((v) => `${v.from} -> ${v.to}`);
    expect(at('domain-not-http')).toEqual(
      expect.arrayContaining([expect.stringMatching(/images\/uses-http\.ts -> .*http\/api\/thing\.ts$/), expect.stringMatching(/images\/uses-http\.ts -> .*fastify/), expect.stringMatching(/binding\/uses-http\.ts -> .*http\/api\/thing\.ts$/)]),
    );
    expect(at('route-modules-apart')).toEqual([expect.stringMatching(/http\/api\/thing\.ts -> .*http\/delivery\/thing\.ts$/)]);
    expect(at('storage-from-composition-root')).toEqual([expect.stringMatching(/images\/uses-storage\.ts -> .*storage\/widget-repository\.ts$/)]);
    expect(at('no-circular').length).toBeGreaterThan(0);
    expect(at('no-circular').every((v) => v.includes('cycle/'))).toBe(true);
  }, 60_000);

  it('finds no violation in src/', async () => {
    expect(await violations('src')).toEqual([]);
  }, 60_000);
});
