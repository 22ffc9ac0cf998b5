import fsp from 'node:fs/promises';

/** Writes a new file and flushes it to disk before returning: the first half of temp file + rename. */
export async function writeFileSynced(file: string, data: Buffer | string): Promise<void> {
  const handle = await fsp.open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
