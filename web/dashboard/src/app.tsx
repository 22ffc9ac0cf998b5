/** The shell: sign-in, then navigation and one view per route, with the session in context. */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError, type Variant } from './api';
import { thumbnailVariant } from './delivery';
import { Link } from './components/link';
import { BASE, type Route, useRoute } from './router';
import { type Credentials, forgetCredentials, saveCredentials, savedCredentials, type Session, SessionContext } from './session';
import { canSign } from './signing';
import { ImageDetail } from './views/image-detail';
import { Images } from './views/images';
import { Keys } from './views/keys';
import { Settings } from './views/settings';
import { SignIn } from './views/sign-in';
import { Variants } from './views/variants';

interface Loaded {
  readOnly: boolean;
  signingKey: string | null;
  variants: Record<string, Variant>;
}

async function loadAccount(api: Api, readOnly: boolean): Promise<Loaded> {
  const [variants, keys] = await Promise.all([
    api.variants(),
    // Key values may be refused to read-only tokens: the page then shows private images via their originals.
    api.keys().catch(() => ({ keys: [] })),
  ]);
  const value = keys.keys[0]?.value;
  return { readOnly, variants: variants.variants, signingKey: canSign() && value ? value : null };
}

const TITLES: Record<Route['view'], string> = {
  images: 'Images',
  image: 'Image',
  variants: 'Variants',
  keys: 'Signing keys',
  settings: 'Settings',
  missing: 'Not found',
};

export function App() {
  const route = useRoute();
  const [api, setApi] = useState<Api | undefined>(() => {
    const saved = savedCredentials();
    return saved && new Api(saved.accountId, saved.token);
  });
  const [loaded, setLoaded] = useState<Loaded>();
  const [notice, setNotice] = useState<string>();

  const signOut = useCallback((why?: string) => {
    forgetCredentials();
    setApi(undefined);
    setLoaded(undefined);
    setNotice(why);
  }, []);

  const load = useCallback(
    async (target: Api, readOnly?: boolean) => {
      try {
        setLoaded(await loadAccount(target, readOnly ?? !(await target.canWrite())));
      } catch (err) {
        // A token revoked since the last page load: back to sign-in, saying why.
        signOut(err instanceof ApiError ? err.message : String(err));
      }
    },
    [signOut],
  );

  useEffect(() => {
    if (api && !loaded) void load(api);
  }, [api]);

  useEffect(() => {
    document.title = `${TITLES[route.view]} · Pictor`;
  }, [route.view]);

  const session = useMemo<Session | null>(() => {
    if (!api || !loaded) return null;
    return {
      api,
      ...loaded,
      thumbnailVariant: thumbnailVariant(loaded.variants),
      refresh: () => load(api, loaded.readOnly),
      noticeError: (err) => {
        if (err instanceof ApiError && err.isPermissionRefusal && !loaded.readOnly) setLoaded({ ...loaded, readOnly: true });
      },
    };
  }, [api, loaded, load]);

  if (!api) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(credentials: Credentials, signedIn: Api) => {
          saveCredentials(credentials);
          setNotice(undefined);
          setApi(signedIn);
        }}
      />
    );
  }
  if (!session) {
    return (
      <main id="main" class="loading" aria-busy="true">
        <p>Loading the account…</p>
      </main>
    );
  }

  const current = (view: Route['view']) => (route.view === view || (view === 'images' && route.view === 'image') ? 'page' : undefined);
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Pictor</span>
        <nav aria-label="Dashboard">
          <Link href={BASE} aria-current={current('images')}>
            Images
          </Link>
          <Link href={`${BASE}/variants`} aria-current={current('variants')}>
            Variants
          </Link>
          <Link href={`${BASE}/keys`} aria-current={current('keys')}>
            Signing keys
          </Link>
          <Link href={`${BASE}/settings`} aria-current={current('settings')}>
            Settings
          </Link>
        </nav>
        <span class="account">
          <span class="visually-hidden">Account </span>
          <code>{api.accountId}</code>
          {session.readOnly ? <span class="badge">Read-only</span> : null}
        </span>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      {session.readOnly ? (
        <p class="read-only-note" role="note">
          This token can only read: changes are turned off.
        </p>
      ) : null}
      <main id="main" tabIndex={-1}>
        {route.view === 'images' ? <Images /> : null}
        {route.view === 'image' ? <ImageDetail id={route.id} /> : null}
        {route.view === 'variants' ? <Variants /> : null}
        {route.view === 'keys' ? <Keys /> : null}
        {route.view === 'settings' ? <Settings /> : null}
        {route.view === 'missing' ? (
          <>
            <h1>Not found</h1>
            <p>
              No such page. <Link href={BASE}>Back to the images</Link>
            </p>
          </>
        ) : null}
      </main>
    </SessionContext.Provider>
  );
}
