/**
 * What delivery reads on every request — account by hash, image record, variants, signing keys.
 * With a single-process purge bus they are cached in memory and dropped by purge events, which
 * reach every handler before the API call that caused them returns. A bus between processes
 * delivers later or not at all, so then every request reads them fresh (primary-key lookups):
 * the next request after a change, on any node or worker, sees it.
 */
import type { Account, SigningKeyRepository, VariantRecord, VariantRepository } from '../accounts/model.js';
import type { AccountService } from '../accounts/account-service.js';
import type { PurgeBus, PurgeEvent } from '../cache/purge-bus.js';
import type { ImageRecord, ImageRepository } from '../images/model.js';

const MAX_IMAGES = 50_000;

class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    if (this.size >= this.max) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}

export interface DeliveryMetadataDeps {
  accounts: AccountService;
  images: ImageRepository;
  variants: VariantRepository;
  keys: SigningKeyRepository;
  bus: PurgeBus;
}

export class DeliveryMetadata {
  private readonly accountsByHash = new BoundedMap<Account>(10_000);
  private readonly imageRecords = new BoundedMap<ImageRecord>(MAX_IMAGES);
  private readonly variantLists = new BoundedMap<Map<string, VariantRecord>>(10_000);
  private readonly keyLists = new BoundedMap<string[]>(10_000);
  /** Bumped by every purge: a load that raced a purge must not be cached. */
  private epoch = 0;

  /** Only a synchronous bus can make a cached entry go before the change is acknowledged. */
  private readonly caching: boolean;

  constructor(private readonly deps: DeliveryMetadataDeps) {
    this.caching = deps.bus.synchronous;
    if (this.caching) deps.bus.subscribe((event) => this.forget(event));
  }

  private forget(event: PurgeEvent): void {
    this.epoch++;
    switch (event.kind) {
      case 'image':
        this.imageRecords.delete(`${event.accountId}/${event.imageId}`);
        break;
      case 'variant':
        this.variantLists.delete(event.accountId);
        break;
      case 'account':
        for (const [hash, account] of this.accountsByHash) if (account.id === event.accountId) this.accountsByHash.delete(hash);
        this.variantLists.delete(event.accountId);
        this.keyLists.delete(event.accountId);
        break;
      case 'all':
        this.accountsByHash.clear();
        this.imageRecords.clear();
        this.variantLists.clear();
        this.keyLists.clear();
    }
  }

  private async cached<V>(map: Map<string, V>, key: string, load: () => Promise<V | undefined>, keep: (v: V) => boolean = () => true) {
    if (!this.caching) return load();
    const hit = map.get(key);
    if (hit !== undefined) return hit;
    const epoch = this.epoch;
    const value = await load();
    if (value !== undefined && keep(value) && epoch === this.epoch) map.set(key, value);
    return value;
  }

  account(hash: string): Promise<Account | undefined> {
    return this.cached(this.accountsByHash, hash, () => this.deps.accounts.findAccountByHash(hash));
  }

  /** Drafts are not cached: completing the upload must show at once. */
  image(accountId: string, imageId: string): Promise<ImageRecord | undefined> {
    return this.cached(this.imageRecords, `${accountId}/${imageId}`, () => this.deps.images.find(accountId, imageId), (r) => !r.draft);
  }

  async variant(accountId: string, name: string): Promise<VariantRecord | undefined> {
    // Read fresh, one row by primary key beats the account's whole list.
    if (!this.caching) return this.deps.variants.find(accountId, name);
    const all = await this.cached(this.variantLists, accountId, async () => new Map((await this.deps.variants.list(accountId)).map((v) => [v.id, v])));
    return all?.get(name);
  }

  signingKeys(accountId: string): Promise<string[] | undefined> {
    return this.cached(this.keyLists, accountId, async () => (await this.deps.keys.list(accountId)).map((k) => k.value));
  }
}
