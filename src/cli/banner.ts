/**
 * What `pictor serve` prints once it listens, for the person who started it: where to point
 * clients, and the first credentials (a generated token is shown here once and never logged).
 * Everything else a server says goes through the logger.
 */
import type { BootstrapResult } from '../bootstrap.js';
import type { Config } from '../config.js';

/** `http://host:port` as clients write it (IPv6 hosts in brackets). */
export const originOf = (host: string, port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

export function banner(config: Config, origin: string, result: BootstrapResult, workers: number): string {
  const lines = [
    `Pictor is listening on ${origin}`,
    ...(config.dashboard ? [`  Dashboard:         ${origin}/dashboard`] : []),
    `  API base URL:      ${origin}/client/v4`,
    `  Delivery base URL: ${config.deliveryUrl ?? origin}`,
    // Listening on every interface, the default delivery URL names no reachable host: every
    // `variants` URL in API answers would point at 0.0.0.0 or [::].
    ...(config.deliveryUrl === undefined && WILDCARD_HOSTS.has(config.host)
      ? [`  (HOST=${config.host} is not an address clients can use: set PICTOR_DELIVERY_URL to this server's public URL)`]
      : []),
    `  Account ID:        ${result.account.id}`,
    `  Account hash:      ${result.account.hash}`,
  ];
  if (result.generatedToken) {
    lines.push(
      `  API token:         ${result.generatedToken}`,
      '  (shown once: it is stored hashed. Set PICTOR_API_TOKEN to choose your own.)',
    );
  }
  lines.push(`  Data:              ${config.databaseUrl.startsWith('sqlite:') ? config.dataDir : config.databaseUrl.replace(/\/\/[^@]*@/, '//')}`);
  if (workers > 1) lines.push(`  Worker processes:  ${workers}`);
  return lines.join('\n');
}

export function printBanner(config: Config, origin: string, result: BootstrapResult, workers: number): void {
  console.log(banner(config, origin, result, workers));
}
