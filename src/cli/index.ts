/** The command line: `pictor [serve]`, `accounts create`, `tokens create|list|revoke`, `users create`, `sign`, `webhooks`, `migrate-storage`, `import`, `export`, `config`. */
import { parseArgs } from 'node:util';
import { failureMessage } from './failure-message.js';
import { UsageError } from './usage-error.js';
import { configTable, isConfigError, loadConfig } from '../config.js';

// Each command's module loads on demand: the cluster primary and one-off commands stay small.
const admin = () => import('./admin.js');

const usage = `Usage:
  pictor [serve]                                   run the server (configuration from the environment)
  pictor accounts create [--id <32 hex>] [--name <name>]
  pictor tokens create --account <id> [--read-only] [--expires-in <seconds>]
  pictor tokens list --account <id>                id, scope, created, last used, expires (never the secret)
  pictor tokens revoke <token id>                  refused from the next request on every node
  pictor users create --email <email> --account <id>
  pictor sign <delivery url> [--expires-in <seconds>|--no-expiry] [--key <name>]
  pictor webhooks set --account <id> --url <url> [--secret <secret>]
  pictor webhooks show|delete --account <id>
  pictor migrate-storage --to-database <postgres://…> --to-blobs <s3://…>
                                                   copy this installation into other stores (resumable)
  pictor import cloudflare --from-account <id> [--from-api <base URL>] [--account <id>] [--concurrency <n>]
                   [--rate-limit <requests>/<seconds>] [--keep-hash] [--dry-run]
                                                   copy an Images account (CLOUDFLARE_API_TOKEN) into this installation
  pictor import s3 --from <s3://bucket?prefix=…> --account <id> [--ids key|generated] [--concurrency <n>] [--dry-run]
                                                   every image object under the prefix becomes an image
  pictor export --account <id> --to <dir>          an archive of the account (originals + manifest) for backups
  pictor import dir --from <dir> [--account <id>] [--keep-hash] [--dry-run]
                                                   restore an archive written by export
  pictor config                                    print every setting, its default and what the environment sets`;

/** Delivery accepts an `exp` of at most 12 digits; a longer one would sign a URL that never works. */
const MAX_EXPIRES_IN_SECONDS = 100 * 365 * 24 * 3600;

/** `--expires-in`: whole seconds, at most 100 years. */
function expiresIn(raw: string, hint = ''): number {
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_EXPIRES_IN_SECONDS) {
    throw new UsageError(`--expires-in must be a number of seconds from 1 to ${MAX_EXPIRES_IN_SECONDS} (100 years)${hint}`);
  }
  return seconds;
}

/** Set once the configuration is read: failures print their stack only when debugging. */
let showStacks = false;

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      account: { type: 'string' },
      email: { type: 'string' },
      'expires-in': { type: 'string' },
      'no-expiry': { type: 'boolean', default: false },
      key: { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
      'to-database': { type: 'string' },
      'to-blobs': { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      from: { type: 'string' },
      'from-account': { type: 'string' },
      'from-api': { type: 'string' },
      to: { type: 'string' },
      ids: { type: 'string' },
      concurrency: { type: 'string' },
      'rate-limit': { type: 'string' },
      'keep-hash': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals.join(' ') || 'serve';
  if (values.help) return void console.log(usage);
  if (command === 'config') return void console.log(configTable(process.env));
  const config = loadConfig();
  showStacks = config.logLevel === 'debug' || config.logLevel === 'trace';
  const need = (name: 'account' | 'email') => {
    const value = values[name];
    if (!value) throw new UsageError(`--${name} is required`);
    return value;
  };
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).serve(config);
    case 'accounts create':
      if (values.id !== undefined && !/^[0-9a-f]{32}$/.test(values.id)) throw new UsageError('--id must be 32 lowercase hex characters');
      return (await admin()).createAccountCommand(config, { id: values.id, name: values.name });
    case 'tokens create': {
      const seconds = values['expires-in'] === undefined ? undefined : expiresIn(values['expires-in']);
      return (await admin()).createTokenCommand(config, { account: need('account'), readOnly: values['read-only'], expiresInSeconds: seconds });
    }
    case 'tokens list':
      return (await admin()).listTokensCommand(config, { account: need('account') });
    case 'webhooks set':
    case 'webhooks show':
    case 'webhooks delete':
      return (await admin()).webhookCommand(config, positionals[1] as 'set' | 'show' | 'delete', { account: need('account'), url: values.url, secret: values.secret });
    case 'migrate-storage':
      return (await import('./migrate-storage.js')).migrateStorageCommand(config, { toDatabase: values['to-database'], toBlobs: values['to-blobs'] });
    case 'import cloudflare': {
      const cloudflare = await import('./import/cloudflare.js');
      return cloudflare.importCloudflareCommand(config, cloudflare.sourceCredentials(process.env), {
        fromAccount: values['from-account'],
        fromApi: values['from-api'],
        account: values.account,
        concurrency: values.concurrency,
        rateLimit: values['rate-limit'],
        dryRun: values['dry-run'],
        keepHash: values['keep-hash'],
      });
    }
    case 'import s3':
      return (await import('./import/s3.js')).importS3Command(config, {
        from: values.from,
        account: values.account,
        ids: values.ids,
        concurrency: values.concurrency,
        dryRun: values['dry-run'],
      });
    case 'import dir':
      return (await import('./import/dir.js')).importDirCommand(config, {
        from: values.from,
        account: values.account,
        concurrency: values.concurrency,
        dryRun: values['dry-run'],
        keepHash: values['keep-hash'],
      });
    case 'export':
      return (await import('./import/export.js')).exportCommand(config, { account: need('account'), to: values.to });
    case 'users create':
      return (await admin()).createUserCommand(config, { email: need('email'), account: need('account') });
    default:
      if (positionals[0] === 'sign') {
        const seconds = values['no-expiry'] ? null : expiresIn(values['expires-in'] ?? '3600', '; --no-expiry for none');
        return (await import('./sign.js')).signCommand(config, positionals[1], { expiresIn: seconds, key: values.key });
      }
      if (positionals[0] === 'tokens' && positionals[1] === 'revoke') {
        if (positionals.length !== 3) throw new UsageError('tokens revoke takes one token id');
        return (await admin()).revokeTokenCommand(config, positionals[2]!);
      }
      throw new UsageError(`unknown command "${command}"`);
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || isConfigError(err) || String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS_')) {
    console.error(`pictor: ${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  console.error(`pictor: ${failureMessage(err)}`);
  if (showStacks) console.error(err);
  process.exit(1);
});
