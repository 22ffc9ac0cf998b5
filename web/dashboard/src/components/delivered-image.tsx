/**
 * An image as delivery serves it. Private images are shown through a URL signed in the browser
 * (never by making them public); when the page cannot sign (read-only token without key values, or
 * no Web Crypto), through the original fetched with the token and shown as a blob: URL.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Image } from '../api';
import { useSession } from '../session';
import { signUrl } from '../signing';

interface Props {
  image: Pick<Image, 'id' | 'requireSignedURLs'>;
  /** A delivery URL on the page's origin. */
  url: string;
  alt: string;
  /** Wait until scrolled into view (grids of thousands). */
  lazy?: boolean;
  /** Bypass the browser cache (previews of a variant that just changed). */
  fresh?: boolean;
  class?: string;
  onSize?(size: { width: number; height: number } | undefined): void;
}

export function DeliveredImage(props: Props) {
  const session = useSession();
  const holder = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(!props.lazy);
  const [src, setSrc] = useState<string>();
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    if (visible || !holder.current) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setVisible(true), { rootMargin: '400px' });
    observer.observe(holder.current);
    return () => observer.disconnect();
  }, [visible]);

  useEffect(() => {
    if (!visible) return;
    let objectUrl: string | undefined;
    let cancelled = false;
    const show = (value: string) => !cancelled && setSrc(value);
    const showBlob = (blob: Blob) => {
      objectUrl = URL.createObjectURL(blob);
      show(objectUrl);
    };
    const fail = (err: unknown) => {
      if (cancelled) return;
      setFailure(err instanceof Error ? err.message : String(err));
      props.onSize?.(undefined);
    };
    setFailure(undefined);
    (async () => {
      if (props.image.requireSignedURLs && session.signingKey === null) return showBlob(await session.api.imageBlob(props.image.id));
      const url = props.image.requireSignedURLs ? await signUrl(props.url, session.signingKey!, 3600) : props.url;
      if (!props.fresh) return show(url);
      const res = await fetch(url, { cache: 'no-store', credentials: 'omit' });
      if (!res.ok) throw new Error(await res.text());
      showBlob(await res.blob());
    })().catch(fail);
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [visible, props.url, props.image.id, props.image.requireSignedURLs, props.fresh, session.signingKey]);

  return (
    <div ref={holder} class={`delivered ${props.class ?? ''}`}>
      {failure ? (
        <p class="image-error">{failure}</p>
      ) : src ? (
        <img
          src={src}
          alt={props.alt}
          decoding="async"
          onLoad={(e) => props.onSize?.({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
          onError={() => {
            setFailure('The image could not be shown');
            props.onSize?.(undefined);
          }}
        />
      ) : null}
    </div>
  );
}
