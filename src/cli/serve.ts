/** `pictor serve`: open the stores, make sure an account exists, listen. */
import type { AddressInfo } from 'node:net';
import { buildApp, loggerOptions } from '../app.js';
import { bootstrap, type BootstrapResult } from '../bootstrap.js';
import type { Config } from '../config.js';
import { startBackgroundJobs } from '../background-jobs.js';
import { createServices } from '../services.js';

function banner(config: Config, apiBase: string, deliveryBase: string, result: BootstrapResult): string {
  const lines = [
    `Pictor is listening on ${apiBase.replace(/\/client\/v4$/, '')}`,
    `  API base URL:      ${apiBase}`,
    `  Delivery base URL: ${deliveryBase}`,
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
  return lines.join('\n');
}

export async function serve(config: Config): Promise<void> {
  const services = await createServices(config);
  const result = await bootstrap(services, config);
  const app = await buildApp(services, { logger: loggerOptions(config.logLevel) });
  await app.listen({ host: config.host, port: config.port });
  const { port } = app.server.address() as AddressInfo;
  const origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (!config.deliveryUrl) services.urls.delivery = origin;
  console.log(banner(config, `${origin}/client/v4`, services.urls.delivery, result));

  const stopJobs = startBackgroundJobs(services, app.log);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await stopJobs();
    await app.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
