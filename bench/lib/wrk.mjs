// Runs wrk (the load generator: Node generators saturate near 2.5k req/s) and parses its result.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { parseWrkOutput } from './wrk-output.mjs';

const REQUEST_SCRIPT = fileURLToPath(new URL('./wrk-request.lua', import.meta.url));

/**
 * @param {object} load
 * @param {string} load.baseUrl
 * @param {string} load.path        may contain "{n}" (see wrk-request.lua)
 * @param {Record<string,string>} [load.headers]
 * @param {string} [load.bodyFile]  POST body
 * @param {string} [load.contentType]
 * @param {number} load.connections
 * @param {number} load.durationSec
 * @param {number} [load.timeoutSec]
 * @param {number} [load.firstNumber]  where the numbers of an "{i}" token in `path` start
 */
export function runWrk({ baseUrl, path, headers = {}, bodyFile, contentType, connections, durationSec, timeoutSec = 30, firstNumber = 1 }) {
  const args = ['-t1', `-c${connections}`, `-d${durationSec}s`, '--latency', `--timeout`, `${timeoutSec}s`, '-s', REQUEST_SCRIPT];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(baseUrl);
  const env = { ...process.env, BENCH_PATH: path, BENCH_TAG: randomBytes(4).toString('hex'), BENCH_FIRST_NUMBER: String(firstNumber) };
  if (bodyFile) Object.assign(env, { BENCH_BODY_FILE: bodyFile, BENCH_CONTENT_TYPE: contentType });
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${output}`));
      try {
        resolve(parseWrkOutput(output));
      } catch (error) {
        reject(error);
      }
    });
  });
}
