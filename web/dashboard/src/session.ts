/**
 * Who is signed in. The token is kept in the tab's sessionStorage only (gone when the tab closes,
 * invisible to other tabs and to the server's logs); never in a cookie or a URL.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api, Variant } from './api';

const STORAGE_KEY = 'pictor.dashboard.session';

export interface Credentials {
  accountId: string;
  token: string;
}

export function savedCredentials(): Credentials | undefined {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Credentials> | null;
    return typeof saved?.accountId === 'string' && typeof saved.token === 'string' ? { accountId: saved.accountId, token: saved.token } : undefined;
  } catch {
    return undefined;
  }
}

export const saveCredentials = (c: Credentials): void => sessionStorage.setItem(STORAGE_KEY, JSON.stringify(c));
export const forgetCredentials = (): void => sessionStorage.removeItem(STORAGE_KEY);

export interface Session {
  api: Api;
  readOnly: boolean;
  /** The first signing key's value, or null when the page cannot sign (not readable, no Web Crypto). */
  signingKey: string | null;
  variants: Record<string, Variant>;
  thumbnailVariant: string;
  /** Refetches keys and variants after a view changed them. */
  refresh(): Promise<void>;
  /** A refused write (403 / 10000) turns the page read-only. */
  noticeError(err: unknown): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
