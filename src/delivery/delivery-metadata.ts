/**
 * What delivery reads on every request — account by hash, image record, variants, signing keys —
 * cached in memory, exact on every node and worker from the moment a change's API call returns:
 *
 * - While the purge bus is up to date (a synchronous bus always; the PostgreSQL bus while its
 *   listener confirms it has applied every purge whose API call has returned), purge events drop
 *   what a change touched, and accounts are cached too.
 * - Otherwise purges may arrive later or not at all, so the account is read fresh on every
 *   request (one lookup by its unique hash) and everything else cached for it counts only while
 *   the account's `deliveryVersion` is the one it was cached under: every change that affects
 *   delivery bumps that version before its API call returns (DeliveryVersionBump).
 * Both keep one invariant, so the process may switch between them at any request: an entry was
 * loaded after every purge it survived (a load that raced a purge is not cached).
 */
import type { Account } from '../accounts/model.js';
import type { SigningKeyRepository } from '../signing/model.js';
import type { VariantRecord, VariantRepository } from '../variants/model.js';
import type { AccountService } from '../accounts/account-service.js';
import type { PurgeBus, PurgeEvent } from '../purge/purge-bus.js';
import type { ImageRecord, ImageRepository } from '../images/model.js';
import { FreshReads } from '../util/fresh-reads.js';

const MAX_IMAGES = 50_000;

class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    if (this.size >= this.max && !this.has(key)) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}

/** A cached value and the account delivery version it was read under. */
interface Versioned<V> {
  version: number;
  value: V;
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
  private readonly imageRecords = new BoundedMap<Versioned<ImageRecord>>(MAX_IMAGES);
  private readonly variantLists = new BoundedMap<Versioned<Map<string, VariantRecord>>>(10_000);
  private readonly keyLists = new BoundedMap<Versioned<string[]>>(10_000);
  /** Bumped by every purge: a load that raced a purge must not be cached. */
  private epoch = 0;
  /** Uncached account reads: concurrent requests share a query that began after they arrived. */
  private readonly freshAccounts: FreshReads<Account | undefined>;

  constructor(private readonly deps: DeliveryMetadataDeps) {
    this.freshAccounts = new FreshReads((hash) => deps.accounts.findAccountByHash(hash));
    deps.bus.subscribe((event) => this.forget(event));
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

  /** The value cached for `key` under the account's current delivery version, if any. */
  private peek<V>(map: Map<string, Versioned<V>>, key: string, account: Account): V | undefined {
    const hit = map.get(key);
    return hit !== undefined && hit.version === account.deliveryVersion ? hit.value : undefined;
  }

  private async cached<V>(map: Map<string, Versioned<V>>, key: string, account: Account, load: () => Promise<V | undefined>, keep: (v: V) => boolean = () => true) {
    const hit = this.peek(map, key, account);
    if (hit !== undefined) return hit;
    const epoch = this.epoch;
    const value = await load();
    if (value !== undefined && keep(value) && epoch === this.epoch) map.set(key, { version: account.deliveryVersion, value });
    return value;
  }

  /** Only a bus that is up to date has dropped a cached account before the change's API call returned. */
  private trustsCache(): boolean {
    return this.deps.bus.upToDate();
  }

  async account(hash: string): Promise<Account | undefined> {
    const trusted = this.trustsCache();
    const hit = trusted ? this.accountsByHash.get(hash) : undefined;
    if (hit) return hit;
    const epoch = this.epoch;
    const account = await (trusted ? this.deps.accounts.findAccountByHash(hash) : this.freshAccounts.read(hash));
    if (epoch !== this.epoch) return account;
    if (account) this.accountsByHash.set(hash, account);
    else this.accountsByHash.delete(hash);
    return account;
  }

  /** Drafts are not cached: completing the upload must show at once. */
  image(account: Account, imageId: string): Promise<ImageRecord | undefined> {
    return this.cached(this.imageRecords, `${account.id}/${imageId}`, account, () => this.deps.images.find(account.id, imageId), (r) => !r.draft);
  }

  async variant(account: Account, name: string): Promise<VariantRecord | undefined> {
    const all = await this.cached(this.variantLists, account.id, account, async () => new Map((await this.deps.variants.list(account.id)).map((v) => [v.id, v])));
    return all?.get(name);
  }

  /*
   * Synchronous reads of what is already in memory (undefined: not cached, or not there), for the
   * answers that need no I/O (DeliveryService.answerFromMemory). Accounts count only while the bus
   * is up to date; otherwise the caller reads the account fresh first.
   */
  peekAccount(hash: string): Account | undefined {
    return this.trustsCache() ? this.accountsByHash.get(hash) : undefined;
  }

  /**
   * While accounts are read fresh on every request: the account as last read, a hint that a
   * request may be answered from memory once it is read again; never the basis of an answer.
   */
  lastReadAccount(hash: string): Account | undefined {
    return this.trustsCache() ? undefined : this.accountsByHash.get(hash);
  }

  peekImage(account: Account, imageId: string): ImageRecord | undefined {
    return this.peek(this.imageRecords, `${account.id}/${imageId}`, account);
  }

  peekVariant(account: Account, name: string): VariantRecord | undefined {
    return this.peek(this.variantLists, account.id, account)?.get(name);
  }

  signingKeys(account: Account): Promise<string[] | undefined> {
    return this.cached(this.keyLists, account.id, account, async () => (await this.deps.keys.list(account.id)).map((k) => k.value));
  }
}
