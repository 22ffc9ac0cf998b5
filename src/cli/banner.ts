/** What `pictor serve` prints once it listens: where to point clients, and the first credentials. */
import type { BootstrapResult } from '../bootstrap.js';
import type { Config } from '../config.js';

/** `http://host:port` as clients write it (IPv6 hosts in brackets). */
export const originOf = (host: string, port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

export function banner(config: Config, origin: string, result: BootstrapResult, workers: number): string {
  const lines = [
    `Pictor is listening on ${origin}`,
    `  API base URL:      ${origin}/client/v4`,
    `  Delivery base URL: ${config.deliveryUrl ?? origin}`,
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
