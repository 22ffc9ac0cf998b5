/** Signing keys: list (values hidden until revealed), create, rotate, delete; and a signed-URL generator. */
import { useEffect, useState } from 'preact/hooks';
import type { SigningKey } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CopyField } from '../components/copy-field';
import { ImagePicker, useRecentImages } from '../components/image-picker';
import { Alert, Status } from '../components/messages';
import { variantUrls } from '../delivery';
import { useSession } from '../session';
import { useAction } from '../components/use-action';
import { canSign, signUrl } from '../signing';

const EXPIRIES = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 604_800 },
  { label: '30 days', seconds: 2_592_000 },
  { label: 'Never (until the key is rotated)', seconds: 0 },
];

export function Keys() {
  const session = useSession();
  const [keys, setKeys] = useState<SigningKey[]>();
  const [revealed, setRevealed] = useState<Set<string>>(new Set());
  const [newName, setNewName] = useState('');
  const [pending, setPending] = useState<{ kind: 'rotate' | 'delete'; name: string }>();
  const { error, setError, status, act: run } = useAction();

  useEffect(() => {
    session.api.keys().then((k) => setKeys(k.keys), setError);
  }, []);

  const act = async (work: () => Promise<{ keys: SigningKey[] }>, done: string) => {
    const changed = await run(async () => {
      const result = await work();
      await session.refresh();
      return result;
    }, done);
    if (changed) setKeys(changed.value.keys);
  };

  const toggle = (name: string) => setRevealed((r) => (r.has(name) ? new Set([...r].filter((n) => n !== name)) : new Set([...r, name])));
  const readOnly = session.readOnly;
  return (
    <>
      <h1>Signing keys</h1>
      <p>Private images are served only with URLs signed by one of these keys (at most two, so one can be rotated while the other signs).</p>
      <Alert error={error} />
      <Status text={status} />
      <ul class="keys">
        {(keys ?? []).map((key) => (
          <li key={key.name} class="key">
            <h2>{key.name}</h2>
            <div class="row">
              <code class="key-value" aria-label={`Value of ${key.name}`}>
                {revealed.has(key.name) ? key.value : '•'.repeat(24)}
              </code>
              <button type="button" onClick={() => toggle(key.name)} aria-label={`${revealed.has(key.name) ? 'Hide' : 'Reveal'} ${key.name}`}>
                {revealed.has(key.name) ? 'Hide' : 'Reveal'}
              </button>
              {readOnly ? null : (
                <>
                  <button type="button" onClick={() => setPending({ kind: 'rotate', name: key.name })} aria-label={`Rotate ${key.name}`}>
                    Rotate
                  </button>
                  <button type="button" class="danger" onClick={() => setPending({ kind: 'delete', name: key.name })} aria-label={`Delete ${key.name}`}>
                    Delete
                  </button>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={pending !== undefined}
        title={pending ? `${pending.kind === 'rotate' ? 'Rotate' : 'Delete'} the key ${pending.name}?` : ''}
        confirmLabel={pending?.kind === 'rotate' ? 'Rotate' : 'Delete'}
        onCancel={() => setPending(undefined)}
        onConfirm={() => {
          const { kind, name } = pending!;
          setPending(undefined);
          void act(() => (kind === 'rotate' ? session.api.putKey(name) : session.api.deleteKey(name)), kind === 'rotate' ? `Key ${name} rotated` : `Key ${name} deleted`);
        }}
      >
        <p>Every URL signed with its current value stops working at once.</p>
      </ConfirmDialog>
      {readOnly ? null : (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => session.api.putKey(newName.trim()), `Key ${newName.trim()} created`).then(() => setNewName(''));
          }}
        >
          <label for="key-name">New key name</label>
          <div class="row">
            <input id="key-name" required pattern="[A-Za-z0-9]+" value={newName} onInput={(e) => setNewName(e.currentTarget.value)} />
            <button type="submit">Create key</button>
          </div>
        </form>
      )}
      <SignedUrlGenerator keys={keys ?? []} />
    </>
  );
}

function SignedUrlGenerator(props: { keys: SigningKey[] }) {
  const session = useSession();
  const images = useRecentImages();
  const [imageId, setImageId] = useState('');
  const [variant, setVariant] = useState('public');
  const [expiry, setExpiry] = useState(3600);
  const [keyName, setKeyName] = useState('');
  const [signed, setSigned] = useState<string>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!imageId && images[0]) setImageId(images[0].id);
  }, [images]);

  const usable = props.keys.filter((k) => k.value);
  const generate = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setSigned(undefined);
    try {
      const image = await session.api.getImage(imageId);
      const target = variantUrls(image).find((v) => v.name === variant);
      const key = usable.find((k) => k.name === keyName) ?? usable[0];
      if (!target) throw new Error(`The image has no variant ${variant}`);
      if (!key) throw new Error('No signing key value is readable with this token');
      setSigned(await signUrl(target.url, key.value, expiry === 0 ? null : expiry));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="generator-heading">
      <h2 id="generator-heading">Signed URL generator</h2>
      {!canSign() ? (
        <p>Signing in the browser needs HTTPS or localhost; use <code>pictor sign</code> instead.</p>
      ) : (
        <form class="generator" onSubmit={generate}>
          <ImagePicker id="sign-image" label="Image" images={images} value={imageId} onChange={setImageId} />
          <div class="field">
            <label for="sign-variant">Variant</label>
            <select id="sign-variant" value={variant} onChange={(e) => setVariant(e.currentTarget.value)}>
              {Object.keys(session.variants).sort().map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="sign-expiry">Expires in</label>
            <select id="sign-expiry" value={String(expiry)} onChange={(e) => setExpiry(Number(e.currentTarget.value))}>
              {EXPIRIES.map((x) => (
                <option key={x.seconds} value={String(x.seconds)}>
                  {x.label}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="sign-key">Key</label>
            <select id="sign-key" value={keyName || usable[0]?.name} onChange={(e) => setKeyName(e.currentTarget.value)}>
              {usable.map((k) => (
                <option key={k.name}>{k.name}</option>
              ))}
            </select>
          </div>
          <button type="submit" class="primary" disabled={!imageId || usable.length === 0}>
            Generate signed URL
          </button>
        </form>
      )}
      <Alert error={error} />
      {signed ? (
        <>
          <CopyField label="Signed URL" value={signed} />
          <a href={signed} target="_blank" rel="noopener noreferrer">
            Open the signed URL
          </a>
        </>
      ) : null}
    </section>
  );
}
