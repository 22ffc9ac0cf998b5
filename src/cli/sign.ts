/** `pictor sign <url>`: prints the URL signed with the account's first signing key. */
import type { Config } from '../config.js';
import { parseDeliveryPath } from '../delivery/delivery-path.js';
import { signDeliveryUrl } from '../signing/signed-url.js';
import { withServices } from './admin.js';
import { UsageError } from './usage-error.js';

export async function signCommand(config: Config, url: string | undefined, options: { expiresIn: number | null; key?: string }): Promise<void> {
  if (!url) throw new UsageError('pictor sign needs a delivery URL');
  let hash: string;
  try {
    hash = parseDeliveryPath(new URL(url).pathname).hash;
  } catch {
    throw new UsageError(`not a delivery URL (…/<account hash>/<image id>/<variant>): ${url}`);
  }
  await withServices(config, async (services) => {
    const account = await services.accounts.findAccountByHash(hash);
    if (!account) throw new UsageError(`no account with hash ${hash}`);
    const keys = (await services.keys.list(account)).keys;
    const key = options.key === undefined ? keys[0] : keys.find((k) => k.name === options.key);
    if (!key) throw new UsageError(`no signing key ${options.key ?? ''} on account ${account.id}`);
    console.log(signDeliveryUrl(url, key.value, { expiresInSeconds: options.expiresIn }));
  });
}
