/**
 * deploy/nginx.conf, as shipped, in front of test nodes: only its upstream addresses and listen
 * port are rewritten, inside the smallest main config nginx accepts. Used by test/scale/nginx*.test.ts
 * and bench/scale/cross-node-herd.ts.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from './pictor.js';
import { repoRoot } from './process.js';

export const shippedNginxConf = path.join(repoRoot, 'deploy', 'nginx.conf');

/** Why nginx cannot run here, or undefined when it can. */
export const nginxMissing = (() => {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'nginx is not installed (apt-get install nginx)';
  }
})();

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The shipped site with its example upstream servers replaced by `upstreams` (host:port, each
 * keeping the shipped server parameters) and listening on `port`, changed by `edit`.
 */
export function renderSite(upstreams: string[], port: number, edit: (site: string) => string = (s) => s): string {
  const shipped = fs.readFileSync(shippedNginxConf, 'utf8');
  const servers = /^(\s*)server 10\.0\.0\.\d+:8787(.*)$(\n^\s*server 10\.0\.0\.\d+:8787.*$)*/m;
  if (!servers.test(shipped)) throw new Error(`${shippedNginxConf}: no "server 10.0.0.x:8787" lines to rewrite`);
  const site = shipped
    .replace(servers, (_, indent: string, rest: string) => upstreams.map((u) => `${indent}server ${u}${rest}`).join('\n'))
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
  return edit(site);
}

export interface TestNginx {
  origin: string;
  stop(): Promise<void>;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
      socket.unref();
    }).catch(() => false);
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nginx did not listen on ${port}`);
}

export interface NginxOptions {
  /** Changes to the rendered site (a benchmark's baseline). */
  edit?: (site: string) => string;
  /** nginx's error_log level: `crit` for a test that kills nodes on purpose (each refused connection logs an error). */
  logLevel?: 'error' | 'crit';
}

/** nginx with one worker running the shipped site in front of `upstreams`, on `port`. */
export async function startNginx(upstreams: string[], port: number, { edit, logLevel = 'error' }: NginxOptions = {}): Promise<TestNginx> {
  const prefix = tempDir('pictor-nginx-');
  const config = [
    // As root, nginx's workers would otherwise run as nobody, who cannot use our temp dirs.
    process.getuid?.() === 0 ? 'user root;' : '',
    'worker_processes 1;',
    'events {}',
    `http { access_log off; client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;`,
    renderSite(upstreams, port, edit),
    '}',
  ].join('\n');
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), config);
  const child: ChildProcess = spawn('nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-g', `daemon off; pid ${prefix}/nginx.pid; error_log stderr ${logLevel};`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await waitForPort(port);
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin: `http://127.0.0.1:${port}`, stop };
}
