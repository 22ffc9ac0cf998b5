// Starts a server as a child process, waits until it answers HTTP, and stops it (and only the
// processes it started) by pid.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processTree, isAlive } from './proc.mjs';
import { LOG_DIR } from './paths.mjs';

function logTail(logFile, lines = 15) {
  try {
    return readFileSync(logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function waitUntilAnswering(url, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited (${child.exitCode ?? child.signalCode}) before answering:\n${logTail(logFile)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return; // any HTTP answer means it is listening
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`did not answer ${url} within ${timeoutMs} ms:\n${logTail(logFile)}`);
}

async function waitForExit(pids, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pids.some(isAlive)) return true;
    await sleep(50);
  }
  return false;
}

/**
 * @param {object} options
 * @param {string} options.name   used for the log file name
 * @param {string} options.command
 * @param {string[]} options.args
 * @param {string} [options.cwd]
 * @param {Record<string,string>} [options.env]  added to the runner's environment
 * @param {string} options.readyUrl  polled until it answers
 */
export async function startServer({ name, command, args, cwd, env = {}, readyUrl, readyTimeoutMs = 60_000 }) {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, `${name}.log`);
  const logFd = openSync(logFile, 'w');
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const server = {
    pid: child.pid,
    logFile,
    async stop() {
      const pids = processTree(child.pid);
      child.kill('SIGTERM');
      if (!(await waitForExit([child.pid], 10_000))) child.kill('SIGKILL');
      // Workers normally leave with their parent; anything left over was started by this server.
      const leftovers = pids.filter(isAlive);
      for (const pid of leftovers) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await waitForExit(leftovers, 5_000);
    },
  };
  try {
    await waitUntilAnswering(readyUrl, child, logFile, readyTimeoutMs);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
