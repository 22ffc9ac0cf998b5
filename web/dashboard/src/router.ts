/** A few routes under /dashboard on the History API, so every view has a URL that survives a reload. */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/dashboard';

export type Route =
  | { view: 'images' }
  | { view: 'image'; id: string }
  | { view: 'variants' }
  | { view: 'keys' }
  | { view: 'settings' }
  | { view: 'missing' };

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length).replace(/\/+$/, '') : pathname;
  if (rest === '' || rest === '/images') return { view: 'images' };
  if (rest.startsWith('/images/')) {
    try {
      return { view: 'image', id: decodeURIComponent(rest.slice('/images/'.length)) };
    } catch {
      return { view: 'missing' };
    }
  }
  if (rest === '/variants') return { view: 'variants' };
  if (rest === '/keys') return { view: 'keys' };
  if (rest === '/settings') return { view: 'settings' };
  return { view: 'missing' };
}

/** The whole ID in one segment (`/` as %2F), so IDs with subpaths stay one route. */
export const imageHref = (id: string): string => `${BASE}/images/${encodeURIComponent(id)}`;

export function navigate(href: string): void {
  history.pushState(null, '', href);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return route;
}

/** Same-page navigation for plain left clicks; modified clicks open new tabs as links do. */
export function followLink(event: MouseEvent): void {
  const anchor = event.currentTarget as HTMLAnchorElement;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(anchor.getAttribute('href') ?? BASE);
}
