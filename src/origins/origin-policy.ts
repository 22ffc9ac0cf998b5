/**
 * Which remote sources /cdn-cgi/image/ may transform. A relative source resolves against the
 * default origin (PICTOR_TRANSFORM_ORIGIN); an absolute one must be on a named origin
 * (PICTOR_TRANSFORM_SOURCES) unless `*` allows any public origin. Named origins are exempt from
 * the private-address refusal (the operator chose them); everything else goes through the same
 * guarded client as upload by URL, which checks every redirect hop at dial time.
 */
import { originErrors } from './origin-errors.js';

export interface OriginSettings {
  /** Base URL for relative sources. */
  defaultOrigin: string | undefined;
  /** Further origins (`https://host[:port]`) or host names; `*` for any public origin. */
  sources: readonly string[];
}

export interface OriginPolicy {
  readonly enabled: boolean;
  /** Host names the guarded client must not refuse for being private or loopback. */
  readonly exemptHosts: readonly string[];
  /** The source URL for the `<source>` part of a transformation URL (query included). */
  resolve(source: string): URL;
  /**
   * onerror=redirect is honoured only towards named origins: with `*` it would make every
   * Pictor an open redirector (Cloudflare likewise ignores it for other zones).
   */
  mayRedirectTo(url: URL): boolean;
}

const absolute = /^https?:\/\//i;

export function createOriginPolicy(settings: OriginSettings): OriginPolicy {
  const base = settings.defaultOrigin ? new URL(settings.defaultOrigin) : undefined;
  const anyPublic = settings.sources.includes('*');
  const origins = new Set<string>();
  const hosts = new Set<string>();
  if (base) origins.add(base.origin);
  for (const entry of settings.sources) {
    if (entry === '*') continue;
    if (absolute.test(entry)) origins.add(new URL(entry).origin);
    else hosts.add(entry.toLowerCase());
  }
  const named = (url: URL) => origins.has(url.origin) || hosts.has(url.hostname.toLowerCase());
  const exemptHosts = [...new Set([...[...origins].map((o) => new URL(o).hostname.replace(/^\[(.*)\]$/, '$1')), ...hosts])];

  return {
    enabled: base !== undefined || settings.sources.length > 0,
    exemptHosts,
    resolve(source) {
      if (/[\s\u0000-\u001f\u007f]/.test(source)) throw originErrors.transformUrlInvalid('the source contains spaces or control characters');
      if (absolute.test(source)) {
        let url: URL;
        try {
          url = new URL(source);
        } catch {
          throw originErrors.transformUrlInvalid('the source URL cannot be parsed');
        }
        if (url.username || url.password) throw originErrors.transformUrlInvalid('credentials are not allowed in the source URL');
        if (!anyPublic && !named(url)) throw originErrors.sourceNotAllowed(`${url.origin} is not an allowed origin`);
        return url;
      }
      if (!base) throw originErrors.sourceNotAllowed('relative sources need PICTOR_TRANSFORM_ORIGIN');
      // `img/a.jpg` and `/img/a.jpg` both mean a path on the default origin, kept under its base path.
      const url = new URL(source.replace(/^\/+/, ''), base.href.endsWith('/') ? base : `${base.href}/`);
      if (url.origin !== base.origin) throw originErrors.transformUrlInvalid('the source path leaves the default origin');
      return url;
    },
    mayRedirectTo: named,
  };
}
