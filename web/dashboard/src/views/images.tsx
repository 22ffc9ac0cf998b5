/**
 * The image grid: pages of the v2 list (continuation tokens) loaded as the user scrolls; cards
 * off screen skip layout and paint (content-visibility) and load no thumbnail until near the
 * viewport, so thousands of images stay smooth.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Image } from '../api';
import { DeliveredImage } from '../components/delivered-image';
import { Link } from '../components/link';
import { Alert } from '../components/messages';
import { localDeliveryUrl, variantUrls } from '../delivery';
import { withPage, withUpload } from '../image-list';
import { imageHref } from '../router';
import { matches, parseSearch, type Search } from '../search';
import { useSession } from '../session';
import { Upload } from './upload';

const PAGE = 100;
/** Pages fetched per round while a text search scans: 10 × 1000 images, then the user asks for more. */
const SCAN_PAGE = 1000;
const SCAN_ROUNDS = 10;

export const formatDate = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function Images() {
  const session = useSession();
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState<Search>({ kind: 'none' });
  const [order, setOrder] = useState<'desc' | 'asc'>('desc');
  const [images, setImages] = useState<Image[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [exact, setExact] = useState<Image>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const generation = useRef(0);
  const sentinel = useRef<HTMLDivElement>(null);

  // Debounced: a search starts 250 ms after the last keystroke.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(parseSearch(query)), 250);
    return () => clearTimeout(timer);
  }, [query]);

  const fetchPages = async (from: string | undefined, rounds: number, perPage: number, run: number) => {
    setLoading(true);
    try {
      let token = from;
      for (let i = 0; i < rounds; i++) {
        const page = await session.api.listImages({
          continuationToken: token,
          perPage,
          sortOrder: order,
          ...(search.kind === 'server' ? { creator: search.creator, meta: search.meta } : {}),
        });
        if (run !== generation.current) return;
        setImages((loaded) => withPage(loaded, page.images));
        setCursor(page.continuation_token);
        token = page.continuation_token ?? undefined;
        if (!token) break;
      }
    } catch (err) {
      if (run === generation.current) setError(err);
    } finally {
      if (run === generation.current) setLoading(false);
    }
  };

  // A new search or order starts over from the first page.
  useEffect(() => {
    const run = ++generation.current;
    setImages([]);
    setCursor(undefined);
    setExact(undefined);
    setError(undefined);
    const scanning = search.kind === 'text';
    void fetchPages(undefined, scanning ? SCAN_ROUNDS : 1, scanning ? SCAN_PAGE : PAGE, run);
    if (search.kind === 'text') {
      session.api.getImage(search.exactId).then(
        (image) => run === generation.current && !image.draft && setExact(image),
        (err) => !(err instanceof ApiError) && setError(err),
      );
    }
  }, [search, order]);

  const more = () => (cursor ? fetchPages(cursor, search.kind === 'text' ? SCAN_ROUNDS : 1, search.kind === 'text' ? SCAN_PAGE : PAGE, generation.current) : undefined);

  // Infinite scroll: the sentinel under the grid loads the next page when it comes into view.
  useEffect(() => {
    if (!sentinel.current || !cursor || loading || search.kind === 'text') return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void more());
    observer.observe(sentinel.current);
    return () => observer.disconnect();
  }, [cursor, loading, search]);

  const shown = search.kind === 'text' ? images.filter((image) => matches(image, search.needle)) : images;
  const withExact = exact && !shown.some((i) => i.id === exact.id) ? [exact, ...shown] : shown;

  return (
    <>
      <h1>Images</h1>
      {session.readOnly ? null : <Upload onUploaded={(image) => setImages((loaded) => withUpload(loaded, image))} />}
      <div class="toolbar" role="search">
        <div class="field">
          <label for="search">Search</label>
          <input id="search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} placeholder="ID, filename, creator, metadata" aria-describedby="search-help" />
          <small id="search-help">Also <code>creator:name</code> or <code>meta.field=value</code>, filtered by the server.</small>
        </div>
        <div class="field">
          <label for="sort">Sort</label>
          <select id="sort" value={order} onChange={(e) => setOrder(e.currentTarget.value as 'asc' | 'desc')}>
            <option value="desc">Newest first</option>
            <option value="asc">Oldest first</option>
          </select>
        </div>
      </div>
      <Alert error={error} />
      <p class="summary" role="status" aria-live="polite">
        {loading
          ? 'Loading…'
          : search.kind === 'text'
            ? `${withExact.length} ${withExact.length === 1 ? 'match' : 'matches'} among ${images.length} images${cursor ? ' searched so far' : ''}`
            : `${images.length} ${images.length === 1 ? 'image' : 'images'}${cursor ? ' loaded' : ''}`}
      </p>
      <ul class="grid">
        {withExact.map((image) => (
          <ImageCard key={image.id} image={image} />
        ))}
      </ul>
      <div ref={sentinel} />
      {cursor && !loading ? (
        <button type="button" onClick={more}>
          {search.kind === 'text' ? 'Search further' : 'Load more'}
        </button>
      ) : null}
    </>
  );
}

function ImageCard(props: { image: Image }) {
  const session = useSession();
  const { image } = props;
  const hash = variantUrls(image)[0]?.accountHash;
  return (
    <li class="card">
      {hash ? <DeliveredImage image={image} url={localDeliveryUrl(hash, image.id, session.thumbnailVariant)} alt="" lazy class="thumb" /> : <div class="thumb" />}
      <div class="card-body">
        <Link href={imageHref(image.id)} class="filename">
          {image.filename || image.id}
        </Link>
        <code class="id">{image.id}</code>
        <span class="date">
          <time dateTime={image.uploaded}>{formatDate(image.uploaded)}</time>
        </span>
        {image.requireSignedURLs ? <span class="badge private">Private</span> : null}
      </div>
    </li>
  );
}
