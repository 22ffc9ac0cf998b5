/**
 * `pictor export` of a running installation while images are uploaded and deleted through its API,
 * then `pictor import dir` into an empty installation and an export of that: the two archives hold
 * the same lines and byte-identical originals, and every line of the first names bytes that match
 * its checksum.
 */
import fs from 'node:fs';
import path from 'node:path';
import { toFile } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { startPictor, TEST_TOKEN, tempDir, type TestPictor } from '../helpers/pictor.js';
import { recordServed, runCli, seedSource, sha } from './import-fixtures.js';

let source: TestPictor;
const dirs: string[] = [];
const dir = (prefix: string) => {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  source = await startPictor({ engine: 'embedded' });
  await seedSource(source, 60);
}, 120_000);

afterAll(async () => {
  await source?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Line {
  id: string;
  sha256: string;
  file: string;
}

function readArchive(archive: string): { header: Record<string, unknown>; lines: string[] } {
  return {
    header: JSON.parse(fs.readFileSync(path.join(archive, 'pictor-archive.json'), 'utf8')) as Record<string, unknown>,
    lines: fs.readFileSync(path.join(archive, 'images.jsonl'), 'utf8').split('\n').filter(Boolean),
  };
}

describe('export and import dir', () => {
  it('exports a running installation consistently, and restores it byte for byte', async () => {
    const before = await recordServed(source.origin, source.accountId, TEST_TOKEN);
    const doomed = before.images.filter((_, i) => i % 10 === 3).map((i) => i.id);
    const archive = path.join(dir('pictor-export-'), 'archive');
    // Deletes and uploads run through the API while the export reads.
    const exporting = runCli(source.storeEnv, ['export', '--account', source.accountId, '--to', archive]);
    const png = await images.png(16, 16);
    const churn = (async () => {
      for (const id of doomed) await source.api(`/images/v1/${encodeURIComponent(id)}`, { method: 'DELETE' });
      for (let i = 0; i < 5; i++) await source.client.images.v1.create({ account_id: source.accountId, file: await toFile(png, `late-${i}.png`), id: `late/${i}` });
    })();
    const [exported] = await Promise.all([exporting, churn]);
    expect(exported.code, exported.stderr).toBe(0);

    const first = readArchive(archive);
    const lines = first.lines.map((l) => JSON.parse(l) as Line);
    const ids = new Set(lines.map((l) => l.id));
    // Every image neither deleted nor added meanwhile is there; every line names its own bytes.
    for (const image of before.images) if (!doomed.includes(image.id)) expect(ids.has(image.id), image.id).toBe(true);
    for (const line of lines) expect(sha(fs.readFileSync(path.join(archive, line.file)))).toBe(line.sha256);
    for (const image of before.images) if (ids.has(image.id)) expect(lines.find((l) => l.id === image.id)!.sha256).toBe(before.originals.get(image.id));
    expect(first.header).toMatchObject({ format: 'pictor-archive', version: 1, account: { id: source.accountId, hash: source.accountHash, flexibleVariants: true } });
    expect((first.header.signingKeys as unknown[]).length).toBe(2);

    // Restore into an empty installation, export that, compare.
    const restored = { PICTOR_DATA_DIR: dir('pictor-restored-') };
    const imported = await runCli(restored, ['import', 'dir', '--from', archive]);
    expect(imported.code, imported.stderr + imported.stdout).toBe(0);
    expect(imported.stdout).toMatch(new RegExp(`^Copied ${lines.length} images`));
    const again = path.join(dir('pictor-export-again-'), 'archive');
    const reexported = await runCli(restored, ['export', '--account', source.accountId, '--to', again]);
    expect(reexported.code, reexported.stderr).toBe(0);
    const second = readArchive(again);
    expect([...second.lines].sort()).toEqual([...first.lines].sort());
    const { exportedAt: _a, ...firstRest } = first.header;
    const { exportedAt: _b, ...secondRest } = second.header;
    expect({ ...secondRest, images: { ...(secondRest.images as object), manifestSha256: '' } }).toEqual({ ...firstRest, images: { ...(firstRest.images as object), manifestSha256: '' } });
    for (const line of lines) expect(fs.readFileSync(path.join(again, line.file)).equals(fs.readFileSync(path.join(archive, line.file)))).toBe(true);

    // A rerun of the import copies nothing; a damaged archive is refused.
    const rerun = await runCli(restored, ['import', 'dir', '--from', archive]);
    expect(rerun.stdout).toMatch(new RegExp(`^Copied 0 images .*; ${lines.length} unchanged`));
    fs.appendFileSync(path.join(archive, 'images.jsonl'), '{"id":"x"}\n');
    const damaged = await runCli({ PICTOR_DATA_DIR: dir('pictor-damaged-') }, ['import', 'dir', '--from', archive]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/does not match the checksum in pictor-archive\.json: the archive is damaged/);
  }, 240_000);
});
