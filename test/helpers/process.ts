/** Runs the built Pictor (`dist/src/main.js serve`) as a real child process. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const above = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Two levels up is the repository, or dist/ when a benchmark runs these helpers compiled.
const compiled = path.basename(above) === 'dist';
/** The repository's root directory. */
export const repoRoot = compiled ? path.dirname(above) : above;
export const mainScript = path.join(repoRoot, 'dist', 'src', 'main.js');

export interface PictorProcess {
  child: ChildProcess;
  origin: string;
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

export async function spawnPictor(env: Record<string, string>, args: string[] = ['serve']): Promise<PictorProcess> {
  const child = spawn(process.execPath, [mainScript, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      PICTOR_LOG_LEVEL: 'warn',
      PICTOR_API_RATE_LIMIT: '0',
      PICTOR_WORKERS: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running: nobody holds a handle to stop it once this rejects.
      child.kill('SIGKILL');
      reject(new Error(`Pictor did not start:\n${output}`));
    }, 30_000);
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
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, origin, output: () => output, exited, stop };
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
