/**
 * One image: facts (dimensions, size and format come from the original, fetched with the token),
 * metadata edited as JSON, access control that saves at once, every variant URL with a preview,
 * the original download, and delete behind a confirmation.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Image } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CopyField } from '../components/copy-field';
import { DeliveredImage } from '../components/delivered-image';
import { Link } from '../components/link';
import { Alert, Status } from '../components/messages';
import { variantUrls, type VariantUrl } from '../delivery';
import { parseMetadata } from '../metadata';
import { BASE, navigate } from '../router';
import { useSession } from '../session';
import { signUrl } from '../signing';
import { useAction } from '../components/use-action';
import { formatDate } from './images';

interface Original {
  url: string;
  bytes: number;
  type: string;
  width?: number;
  height?: number;
}

async function readOriginal(blob: Blob): Promise<Original> {
  const url = URL.createObjectURL(blob);
  const size = await new Promise<{ width?: number; height?: number }>((resolve) => {
    const img = new window.Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => resolve({});
    img.src = url;
  });
  return { url, bytes: blob.size, type: blob.type, ...size };
}

const formatBytes = (n: number) => (n < 1024 ? `${n} bytes` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(2)} MB`);

export function ImageDetail(props: { id: string }) {
  const session = useSession();
  const [image, setImage] = useState<Image>();
  const [original, setOriginal] = useState<Original>();
  const [metadata, setMetadata] = useState('');
  const { error, setError, status, setStatus, act } = useAction();
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    let objectUrl: string | undefined;
    setImage(undefined);
    setOriginal(undefined);
    setError(undefined);
    session.api.getImage(props.id).then((found) => {
      setImage(found);
      setMetadata(JSON.stringify(found.meta, null, 2));
    }, setError);
    session.api
      .imageBlob(props.id)
      .then(readOriginal)
      .then((o) => {
        objectUrl = o.url;
        setOriginal(o);
      })
      .catch(() => undefined);
    return () => objectUrl && URL.revokeObjectURL(objectUrl);
  }, [props.id]);

  if (!image) {
    return (
      <>
        <h1>Image</h1>
        <p>
          <code>{props.id}</code>
        </p>
        {error ? <Alert error={error} /> : <p aria-busy="true">Loading…</p>}
        <Link href={BASE}>Back to the images</Link>
      </>
    );
  }

  const save = async (patch: Parameters<typeof session.api.updateImage>[1], done: string) => {
    const saved = await act(() => session.api.updateImage(image.id, patch), done);
    if (saved) setImage(saved.value);
    return saved !== undefined;
  };

  const saveMetadata = async (event: Event) => {
    event.preventDefault();
    let meta: Record<string, unknown>;
    try {
      meta = parseMetadata(metadata);
    } catch (err) {
      setStatus(undefined);
      setError(err);
      return;
    }
    if (await save({ metadata: meta }, 'Metadata saved')) setMetadata(JSON.stringify(meta, null, 2));
  };

  const remove = async () => {
    setConfirming(false);
    if (await act(() => session.api.deleteImage(image.id), 'Deleted')) navigate(BASE);
  };

  const variants = variantUrls(image);
  const main = variants.find((v) => v.name === 'public') ?? variants[0];
  const readOnly = session.readOnly;
  return (
    <>
      <p class="crumbs">
        <Link href={BASE}>Images</Link> / <span>{image.filename || image.id}</span>
      </p>
      <h1 class="image-title">{image.filename || image.id}</h1>
      <div class="detail">
        <div class="preview-main">{main ? <DeliveredImage image={image} url={main.local} alt={`The image ${image.filename ?? image.id}`} /> : null}</div>
        <dl class="facts">
          <dt>ID</dt>
          <dd>
            <code>{image.id}</code>
          </dd>
          <dt>Filename</dt>
          <dd>{image.filename ?? '—'}</dd>
          <dt>Uploaded</dt>
          <dd>
            <time dateTime={image.uploaded}>{formatDate(image.uploaded)}</time>
          </dd>
          <dt>Creator</dt>
          <dd>{image.creator ?? '—'}</dd>
          <dt>Dimensions</dt>
          <dd>{original?.width ? `${original.width} × ${original.height} px` : '…'}</dd>
          <dt>Size</dt>
          <dd>{original ? formatBytes(original.bytes) : '…'}</dd>
          <dt>Format</dt>
          <dd>{original?.type || '…'}</dd>
        </dl>
      </div>

      <Alert error={error} />
      <Status text={status} />

      <section aria-labelledby="access-heading">
        <h2 id="access-heading">Access</h2>
        <div class="check">
          <input
            id="require-signed"
            type="checkbox"
            checked={image.requireSignedURLs}
            disabled={readOnly}
            onChange={async (e) => {
              // Shown at once (a re-render while saving must not flip it back), undone if refused.
              const wanted = e.currentTarget.checked;
              setImage({ ...image, requireSignedURLs: wanted });
              if (!(await save({ requireSignedURLs: wanted }, wanted ? 'The image is now private' : 'The image is now public'))) setImage(image);
            }}
          />
          <label for="require-signed">Require signed URLs</label>
        </div>
      </section>

      <section aria-labelledby="metadata-heading">
        <h2 id="metadata-heading">Metadata</h2>
        <form onSubmit={saveMetadata}>
          <label for="metadata">Metadata (JSON)</label>
          <textarea id="metadata" rows={6} spellcheck={false} readOnly={readOnly} value={metadata} onInput={(e) => setMetadata(e.currentTarget.value)} />
          {readOnly ? null : <button type="submit">Save metadata</button>}
        </form>
      </section>

      <section aria-labelledby="variants-heading">
        <h2 id="variants-heading">Variants</h2>
        <ul class="variant-urls">
          {variants.map((v) => (
            <VariantRow key={v.name} image={image} variant={v} />
          ))}
        </ul>
      </section>

      <section aria-labelledby="original-heading">
        <h2 id="original-heading">Original</h2>
        {original ? (
          <a class="button" href={original.url} download={image.filename || 'original'}>
            Download original
          </a>
        ) : (
          <p>Loading the original…</p>
        )}
      </section>

      {readOnly ? null : (
        <section aria-labelledby="danger-heading">
          <h2 id="danger-heading">Delete</h2>
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete
          </button>
          <ConfirmDialog open={confirming} title="Delete this image?" confirmLabel="Delete" onConfirm={remove} onCancel={() => setConfirming(false)}>
            <p>
              <code>{image.id}</code> and every delivered copy will be gone. This cannot be undone.
            </p>
          </ConfirmDialog>
        </section>
      )}
    </>
  );
}

/** One variant: its URL to copy (signed for an hour when the image is private) and a preview. */
function VariantRow(props: { image: Image; variant: VariantUrl }) {
  const session = useSession();
  const { image, variant } = props;
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!image.requireSignedURLs) setUrl(variant.url);
    else if (session.signingKey) void signUrl(variant.url, session.signingKey, 3600).then(setUrl);
    else setUrl(undefined);
  }, [variant.url, image.requireSignedURLs, session.signingKey]);
  return (
    <li class="variant-url">
      <DeliveredImage image={image} url={variant.local} alt={`Preview of the ${variant.name} variant`} lazy class="thumb small" />
      <div class="grow">
        <h3>{variant.name}</h3>
        {url ? (
          <CopyField label={`${variant.name} URL${image.requireSignedURLs ? ' (signed, valid 1 hour)' : ''}`} value={url} />
        ) : (
          <p>Signed URLs need a signing key's value (a token with write access, on HTTPS or localhost).</p>
        )}
      </div>
    </li>
  );
}
