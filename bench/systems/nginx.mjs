// Runs Debian's nginx with a generated config, for the two nginx systems (static files and
// image_filter). Two workers with reuseport: the best nginx setup on this 2-core box in the
// anchor measurements (without reuseport few keep-alive connections often land on one worker).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../lib/free-port.mjs';
import { startServer } from '../lib/server-process.mjs';
import { TMP_DIR } from '../lib/paths.mjs';
import { NGINX_BINARY, IMAGE_FILTER_MODULE } from '../setup/debian-tools.mjs';
import { runCommand } from '../setup/run-command.mjs';

function nginxConfig({ runDir, port, root, imageFilterSourceDir, workers, serverDirectives = '' }) {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${runDir}/${kind};`);
  // image_filter: /resize/<width>/<quality>/<file> → fit inside <width> × any, same format out.
  const imageFilter = imageFilterSourceDir
    ? `location ~ ^/resize/(?<width>\\d+)/(?<quality>\\d+)/(?<file>.+)$ {
        alias ${imageFilterSourceDir}/$file;
        image_filter resize $width -;
        image_filter_jpeg_quality $quality;
        image_filter_buffer 64M;
      }`
    : '';
  return `${imageFilterSourceDir ? `load_module ${IMAGE_FILTER_MODULE};` : ''}
worker_processes ${workers};
pid ${runDir}/nginx.pid;
error_log ${runDir}/error.log warn;
events { worker_connections 4096; }
http {
  sendfile on; tcp_nopush on; access_log off;
  keepalive_requests 1000000;  # never close the load generator's keep-alive connections
  ${temp.join('\n  ')}
  types { image/webp webp; image/jpeg jpg; image/avif avif; image/png png; image/gif gif; }
  server {
    listen 127.0.0.1:${port} reuseport;
    root ${root};
    ${serverDirectives}
    ${imageFilter}
  }
}
`;
}

/**
 * Starts nginx; `imageFilterSourceDir` turns on /resize/ locations, `serverDirectives` is added to
 * the server block as is. Returns the server handle.
 */
export async function startNginx({ name, root, imageFilterSourceDir, workers = 2, serverDirectives }) {
  const port = await freePort();
  const runDir = path.join(TMP_DIR, `nginx-${randomBytes(4).toString('hex')}`);
  mkdirSync(runDir, { recursive: true });
  const configFile = path.join(runDir, 'nginx.conf');
  writeFileSync(configFile, nginxConfig({ runDir, port, root, imageFilterSourceDir, workers, serverDirectives }));
  const server = await startServer({
    name,
    command: NGINX_BINARY,
    args: ['-p', runDir, '-e', path.join(runDir, 'error.log'), '-c', configFile, '-g', 'daemon off;'],
    readyUrl: `http://127.0.0.1:${port}/`,
  });
  return {
    pid: server.pid,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await server.stop();
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}

export async function nginxVersion() {
  const output = await runCommand(NGINX_BINARY, ['-v']);
  return output.match(/nginx\/(\S+)/)?.[1] ?? output.trim();
}
