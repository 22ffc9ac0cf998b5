// Installs the Debian packages the bench drives (nginx + image_filter as peers, wrk as the load
// generator) when they are missing. Needs root, as the project machines are.
import { existsSync } from 'node:fs';
import { runCommand } from './run-command.mjs';

export const NGINX_BINARY = '/usr/sbin/nginx';
export const IMAGE_FILTER_MODULE = '/usr/lib/nginx/modules/ngx_http_image_filter_module.so';
export const WRK_BINARY = '/usr/bin/wrk';

const NEEDED = [
  { file: NGINX_BINARY, debianPackage: 'nginx' },
  { file: IMAGE_FILTER_MODULE, debianPackage: 'libnginx-mod-http-image-filter' },
  { file: WRK_BINARY, debianPackage: 'wrk' },
];

export async function ensureDebianTools(log) {
  const missing = NEEDED.filter(({ file }) => !existsSync(file)).map(({ debianPackage }) => debianPackage);
  if (missing.length === 0) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update', '-qq'], { env });
  await runCommand('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}
