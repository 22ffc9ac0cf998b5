/**
 * The zone purge API's effect: one purge event (published through the bus that bumps the zone's
 * delivery version first), and, in every process that hears it, the matching sources forgotten and
 * their renditions dropped from memory. Disk renditions are keyed by the source's content hash, so
 * once the source is fetched again they are either still right or never found again.
 */
import type { PurgeBus, SourcePurgeTarget } from '../purge/purge-bus.js';
import type { RenditionCache } from '../cache/rendition-cache.js';
import type { SourceCache } from './source-cache.js';
import { sourceKeyPrefix } from './transform-service.js';

export class SourcePurge {
  constructor(
    private readonly bus: Pick<PurgeBus, 'publish' | 'subscribe'>,
    sources: SourceCache,
    renditions: Pick<RenditionCache, 'purgeImage'>,
  ) {
    bus.subscribe((event) => {
      if (event.kind !== 'sources') return;
      const { accountId, target } = event;
      sources.forget(target);
      for (const prefix of renditionPrefixes(accountId, target)) void renditions.purgeImage(prefix).catch(() => undefined);
    });
  }

  /** Resolves once every process this bus reaches synchronously has applied it. */
  purge(accountId: string, target: SourcePurgeTarget): Promise<void> {
    return this.bus.publish({ kind: 'sources', accountId, target });
  }
}

function renditionPrefixes(accountId: string, target: SourcePurgeTarget): string[] {
  if ('everything' in target) return [`t:${accountId}/`];
  // Key prefixes percent-encode the URL character by character, so a URL prefix stays a key prefix.
  if ('prefixes' in target) return target.prefixes.flatMap((p) => ['http://', 'https://'].map((scheme) => sourceKeyPrefix(accountId, scheme + p)));
  return target.files.map((url) => `${sourceKeyPrefix(accountId, url)}/`);
}
