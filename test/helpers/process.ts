/** Runs the built Pictor (`dist/src/main.js serve`) as a real child process. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const mainScript = path.join(root, 'dist', 'src', 'main.js');

export interface PictorProcess {
  child: ChildProcess;
  origin: string;
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

export async function spawnPictor(env: Record<string, string>, args: string[] = ['serve']): Promise<PictorProcess> {
  const child = spawn(process.execPath, [mainScript, ...args], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', PICTOR_LOG_LEVEL: 'warn', PICTOR_API_RATE_LIMIT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Pictor did not start:\n${output}`)), 30_000);
    const check = () => {
      const m = /Pictor is listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Pictor exited with ${code}:\n${output}`));
    });
  });
  return { child, origin, output: () => output, exited };
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a one-shot CLI command (`dist/src/main.js <args>`) to completion. */
export function runPictor(env: Record<string, string>, args: string[]): Promise<CommandResult> {
  const child = spawn(process.execPath, [mainScript, ...args], {
    env: { PATH: process.env.PATH ?? '', PICTOR_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
