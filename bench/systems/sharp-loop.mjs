// Raw sharp in a loop, without HTTP: the limit for cold transforms, memory and uploads.
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { corpusFile } from '../corpus.mjs';
import { TMP_DIR } from '../lib/paths.mjs';
import { runCommand } from '../setup/run-command.mjs';
import { ensurePictorBuild, PICTOR_BUILD_DIR } from './pictor.mjs';

const WORKER = fileURLToPath(new URL('./sharp-loop-worker.mjs', import.meta.url));

// The limit encodes exactly what Pictor's renditions are, read from Pictor's own build so the two
// cannot drift: progressive JPEG (Cloudflare's rule for 50–3000 px), AVIF at Pictor's effort and
// quality mapping. Anything else would compare different outputs. Read after the build exists.
let LIMIT_ENCODER_OPTIONS = null;
async function loadEncoderOptions() {
  await ensurePictorBuild();
  const fromBuild = (file) => import(pathToFileURL(path.join(PICTOR_BUILD_DIR, file)).href);
  const { limits } = await fromBuild('limits.js');
  const { encoderQuality } = await fromBuild('render/quality.js');
  return {
    jpeg: { progressive: true },
    avif: { effort: limits.render.avifEffort, qualityFor: encoderQuality('avif', 100) - 100 },
  };
}

function sharpLoop({ id, label, role, uploadOp }) {
  return {
    id,
    label,
    role,
    kind: 'in-process',
    async prepare() {
      LIMIT_ENCODER_OPTIONS = await loadEncoderOptions();
      const avif = Object.entries(LIMIT_ENCODER_OPTIONS.avif).map(([k, v]) => `${k} ${v}`).join(', ');
      return { version: `sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), concurrency ${sharp.concurrency()}, JPEG progressive, AVIF ${avif}` };
    },
    /** Runs the scenario's work for the given time and returns the same metrics as a wrk run. */
    async runLoop({ scenario, connections, warmupSec, durationSec }) {
      const job =
        scenario.kind === 'upload'
          ? { op: uploadOp, file: corpusFile(scenario.source), writeDir: path.join(TMP_DIR, `upload-${randomBytes(4).toString('hex')}`) }
          : { op: 'transform', file: corpusFile(scenario.transform.source), transform: scenario.transform, encoderOptions: LIMIT_ENCODER_OPTIONS };
      const output = await runCommand(process.execPath, [WORKER, JSON.stringify({ ...job, concurrency: connections, warmupSec, durationSec })]);
      return JSON.parse(output.trim().split('\n').pop());
    },
  };
}

export default sharpLoop({ id: 'sharp', label: 'raw sharp loop', role: 'limit', uploadOp: 'upload' });

/** Uploads only: the limit plus the validating decode Pictor must run; what a refusing upload costs at least. */
export const sharpValidatedUpload = sharpLoop({ id: 'sharp-validated', label: 'raw sharp loop + validating decode', role: 'reference', uploadOp: 'validated-upload' });
