/**
 * Named variants: list, create, edit, delete, with a preview on a chosen image that follows the
 * form as it is edited when flexible variants are on (the same options as a URL), and shows the
 * saved variant, fetched past the browser cache, after each save. Also the flexible-variants
 * switch and a URL builder for flexible options.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Image, Variant } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CopyField } from '../components/copy-field';
import { DeliveredImage } from '../components/delivered-image';
import { ImagePicker, useRecentImages } from '../components/image-picker';
import { Alert, Status } from '../components/messages';
import { localDeliveryUrl, variantUrls } from '../delivery';
import { useSession } from '../session';
import { useAction } from '../components/use-action';

const FITS = ['scale-down', 'contain', 'cover', 'crop', 'pad'];
const METADATA = ['none', 'copyright', 'keep'];
const blank: Variant = { id: '', options: { fit: 'scale-down', width: 400, height: 400, metadata: 'none' }, neverRequireSignedURLs: false };

export function Variants() {
  const session = useSession();
  const images = useRecentImages();
  const [previewId, setPreviewId] = useState('');
  const [flexible, setFlexible] = useState<boolean>();
  const [editing, setEditing] = useState<{ variant: Variant; isNew: boolean }>();
  const [selected, setSelected] = useState('public');
  const [version, setVersion] = useState(0);
  const [deleting, setDeleting] = useState<string>();
  const { error, setError, status, act: run } = useAction();

  useEffect(() => {
    session.api.deliveryConfig().then((c) => setFlexible(c.flexible_variants), setError);
  }, []);
  useEffect(() => {
    if (!previewId && images[0]) setPreviewId(images[0].id);
  }, [images]);

  /** Changes the account's variants or config, then reloads the session's copy. */
  const act = async (work: () => Promise<unknown>, done: string) => (await run(async () => (await work(), await session.refresh()), done)) !== undefined;

  const save = async (event: Event) => {
    event.preventDefault();
    if (!editing) return;
    const { variant, isNew } = editing;
    const ok = await act(() => (isNew ? session.api.createVariant(variant) : session.api.updateVariant(variant)), `Variant ${variant.id} saved`);
    if (ok) {
      setSelected(variant.id);
      setVersion((v) => v + 1);
      setEditing(undefined);
    }
  };

  const list = Object.values(session.variants).sort((a, b) => a.id.localeCompare(b.id));
  const previewImage = images.find((i) => i.id === previewId);
  const readOnly = session.readOnly;
  return (
    <>
      <h1>Variants</h1>
      <Alert error={error} />
      <Status text={status} />
      <section aria-labelledby="flexible-heading">
        <h2 id="flexible-heading">Flexible variants</h2>
        <div class="check">
          <input
            id="flexible"
            type="checkbox"
            checked={flexible ?? false}
            disabled={readOnly || flexible === undefined}
            onChange={async (e) => {
              const wanted = e.currentTarget.checked;
              if (await act(() => session.api.patchDeliveryConfig({ flexible_variants: wanted }), wanted ? 'Flexible variants on' : 'Flexible variants off')) setFlexible(wanted);
              else setFlexible(!wanted);
            }}
          />
          <label for="flexible">Flexible variants (options such as w=400,fit=cover in delivery URLs)</label>
        </div>
      </section>

      <section aria-labelledby="named-heading">
        <h2 id="named-heading">Named variants</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Fit</th>
                <th scope="col">Size</th>
                <th scope="col">Metadata</th>
                <th scope="col">Always public</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((v) => (
                <tr key={v.id} class={v.id === selected ? 'selected' : ''}>
                  <th scope="row">{v.id}</th>
                  <td>{v.options.fit}</td>
                  <td>
                    {v.options.width} × {v.options.height}
                  </td>
                  <td>{v.options.metadata}</td>
                  <td>{v.neverRequireSignedURLs ? 'Yes' : 'No'}</td>
                  <td>
                    <div class="row-actions">
                    <button type="button" onClick={() => setSelected(v.id)} aria-label={`Preview ${v.id}`}>
                      Preview
                    </button>
                    {readOnly ? null : (
                      <>
                        <button type="button" onClick={() => (setSelected(v.id), setEditing({ variant: structuredClone(v), isNew: false }))} aria-label={`Edit ${v.id}`}>
                          Edit
                        </button>
                        {v.id === 'public' ? null : (
                          <button type="button" class="danger" onClick={() => setDeleting(v.id)} aria-label={`Delete ${v.id}`}>
                            Delete
                          </button>
                        )}
                      </>
                    )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {readOnly || editing ? null : (
          <button type="button" class="primary" onClick={() => setEditing({ variant: structuredClone(blank), isNew: true })}>
            New variant
          </button>
        )}
        <ConfirmDialog
          open={deleting !== undefined}
          title={`Delete the variant ${deleting ?? ''}?`}
          confirmLabel="Delete"
          onCancel={() => setDeleting(undefined)}
          onConfirm={async () => {
            const id = deleting!;
            setDeleting(undefined);
            if (await act(() => session.api.deleteVariant(id), `Variant ${id} deleted`) && selected === id) setSelected('public');
          }}
        >
          <p>Its URLs stop working at once.</p>
        </ConfirmDialog>
      </section>

      {editing ? <VariantForm editing={editing} onChange={(variant) => setEditing({ ...editing, variant })} onSubmit={save} onCancel={() => setEditing(undefined)} /> : null}

      <section aria-labelledby="preview-heading">
        <h2 id="preview-heading">Preview</h2>
        <ImagePicker id="preview-image" label="Preview image" images={images} value={previewId} onChange={setPreviewId} />
        {previewImage ? (
          <VariantPreview image={previewImage} variant={selected} draft={flexible && editing && !previewImage.requireSignedURLs ? editing.variant : undefined} version={version} />
        ) : (
          <p>Upload an image to preview variants on it.</p>
        )}
      </section>

      {flexible && previewImage ? <FlexibleBuilder image={previewImage} /> : null}
    </>
  );
}

function VariantForm(props: { editing: { variant: Variant; isNew: boolean }; onChange(v: Variant): void; onSubmit(e: Event): void; onCancel(): void }) {
  const { variant, isNew } = props.editing;
  const set = (options: Partial<Variant['options']>) => props.onChange({ ...variant, options: { ...variant.options, ...options } });
  return (
    <section aria-labelledby="form-heading">
      <h2 id="form-heading">{isNew ? 'New variant' : `Edit ${variant.id}`}</h2>
      <form class="variant-form" onSubmit={props.onSubmit}>
        <div class="field">
          <label for="variant-name">Name</label>
          <input id="variant-name" required pattern="[A-Za-z0-9]+" readOnly={!isNew} value={variant.id} onInput={(e) => props.onChange({ ...variant, id: e.currentTarget.value })} aria-describedby="variant-name-help" />
          <small id="variant-name-help">Letters and digits.</small>
        </div>
        <div class="field">
          <label for="variant-fit">Fit</label>
          <select id="variant-fit" value={variant.options.fit} onChange={(e) => set({ fit: e.currentTarget.value })}>
            {FITS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="variant-width">Width</label>
          <input id="variant-width" type="number" min={1} max={12000} required value={variant.options.width} onInput={(e) => set({ width: e.currentTarget.valueAsNumber })} />
        </div>
        <div class="field">
          <label for="variant-height">Height</label>
          <input id="variant-height" type="number" min={1} max={12000} required value={variant.options.height} onInput={(e) => set({ height: e.currentTarget.valueAsNumber })} />
        </div>
        <div class="field">
          <label for="variant-metadata">Metadata</label>
          <select id="variant-metadata" value={variant.options.metadata} onChange={(e) => set({ metadata: e.currentTarget.value })}>
            {METADATA.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </div>
        <div class="check">
          <input id="variant-public" type="checkbox" checked={variant.neverRequireSignedURLs} onChange={(e) => props.onChange({ ...variant, neverRequireSignedURLs: e.currentTarget.checked })} />
          <label for="variant-public">Never require signed URLs</label>
        </div>
        <div class="actions">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" class="primary">
            {isNew ? 'Create variant' : 'Save variant'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The options of a variant as flexible-variant URL text. */
const asOptions = (o: Variant['options']) =>
  [o.width > 0 ? `width=${o.width}` : '', o.height > 0 ? `height=${o.height}` : '', `fit=${o.fit}`, `metadata=${o.metadata}`].filter(Boolean).join(',');

function VariantPreview(props: { image: Image; variant: string; draft: Variant | undefined; version: number }) {
  const [size, setSize] = useState<{ width: number; height: number }>();
  const [live, setLive] = useState<string>();
  const hash = variantUrls(props.image)[0]?.accountHash;
  // Unsaved form values follow after a pause in typing, as flexible options.
  const draftOptions = props.draft ? asOptions(props.draft.options) : undefined;
  useEffect(() => {
    const timer = setTimeout(() => setLive(draftOptions), 300);
    return () => clearTimeout(timer);
  }, [draftOptions]);
  if (!hash) return null;
  const shown = live ?? props.variant;
  const url = localDeliveryUrl(hash, props.image.id, shown);
  return (
    <figure class="variant-preview">
      <DeliveredImage key={`${url} ${props.version}`} image={props.image} url={url} alt={`Preview of ${live ? 'the unsaved options' : `the ${props.variant} variant`}`} fresh onSize={setSize} />
      <figcaption>
        <span>{live ? `Unsaved: ${live}` : `Variant ${props.variant}`}</span> · <span class="preview-size">{size ? `${size.width} × ${size.height} px` : '…'}</span>
      </figcaption>
    </figure>
  );
}

function FlexibleBuilder(props: { image: Image }) {
  const [width, setWidth] = useState('400');
  const [height, setHeight] = useState('');
  const [fit, setFit] = useState('scale-down');
  const [format, setFormat] = useState('auto');
  const [quality, setQuality] = useState('85');
  const hash = variantUrls(props.image)[0];
  if (!hash) return null;
  const options = [width && `w=${width}`, height && `h=${height}`, `fit=${fit}`, format !== 'auto' && `f=${format}`, quality && `q=${quality}`].filter(Boolean).join(',');
  const base = hash.url.slice(0, hash.url.length - hash.name.length);
  return (
    <section aria-labelledby="builder-heading">
      <h2 id="builder-heading">Flexible URL builder</h2>
      <div class="builder">
        <div class="field">
          <label for="flex-width">Width</label>
          <input id="flex-width" type="number" min={1} value={width} onInput={(e) => setWidth(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="flex-height">Height</label>
          <input id="flex-height" type="number" min={1} value={height} onInput={(e) => setHeight(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="flex-fit">Fit</label>
          <select id="flex-fit" value={fit} onChange={(e) => setFit(e.currentTarget.value)}>
            {FITS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="flex-format">Format</label>
          <select id="flex-format" value={format} onChange={(e) => setFormat(e.currentTarget.value)}>
            {['auto', 'avif', 'webp', 'jpeg', 'png'].map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="flex-quality">Quality</label>
          <input id="flex-quality" type="number" min={1} max={100} value={quality} onInput={(e) => setQuality(e.currentTarget.value)} />
        </div>
      </div>
      {props.image.requireSignedURLs ? (
        <p>Flexible options are refused on private images: pick a public one.</p>
      ) : (
        <>
          <CopyField label="Flexible URL" value={base + options} />
          <DeliveredImage key={options} image={props.image} url={localDeliveryUrl(hash.accountHash, props.image.id, options)} alt="Preview of the flexible URL" class="builder-preview" />
        </>
      )}
    </section>
  );
}
