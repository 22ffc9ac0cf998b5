/** Account settings: usage against the quota, the webhook, and a direct-upload URL generator. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Webhook } from '../api';
import { CopyField } from '../components/copy-field';
import { Alert, Status } from '../components/messages';
import { parseMetadata } from '../metadata';
import { useSession } from '../session';
import { useAction } from '../components/use-action';

export function Settings() {
  const session = useSession();
  const [usage, setUsage] = useState<{ allowed: number; current: number }>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    session.api.stats().then((s) => setUsage(s.count), setError);
  }, []);
  return (
    <>
      <h1>Settings</h1>
      <Alert error={error} />
      <section aria-labelledby="usage-heading">
        <h2 id="usage-heading">Usage</h2>
        {usage ? (
          <>
            <p id="usage-text">
              {usage.current.toLocaleString()} of {usage.allowed.toLocaleString()} images stored
            </p>
            <meter min={0} max={usage.allowed} value={usage.current} aria-labelledby="usage-text" />
          </>
        ) : (
          <p>…</p>
        )}
      </section>
      {session.readOnly ? <p>The webhook and direct uploads need a token with write access.</p> : (
        <>
          <WebhookSettings />
          <DirectUploadGenerator />
        </>
      )}
    </>
  );
}

function WebhookSettings() {
  const session = useSession();
  const [current, setCurrent] = useState<Webhook | null>();
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const { error, setError, status, act } = useAction();
  useEffect(() => {
    session.api.webhook().then(
      (w) => (setCurrent(w), setUrl(w?.url ?? '')),
      (err) => (err instanceof ApiError && err.status === 404 ? setCurrent(null) : setError(err)),
    );
  }, []);
  const run = async (work: () => Promise<Webhook | null>, done: string) => {
    const saved = await act(work, done);
    if (!saved) return;
    setCurrent(saved.value);
    setUrl(saved.value?.url ?? '');
    setSecret('');
  };
  return (
    <section aria-labelledby="webhook-heading">
      <h2 id="webhook-heading">Webhook</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => session.api.putWebhook(secret ? { url, secret } : { url }), 'Webhook saved');
        }}
      >
        <label for="webhook-url">Webhook URL</label>
        <input id="webhook-url" type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://example.com/pictor-events" />
        <label for="webhook-secret">Webhook secret</label>
        <input id="webhook-secret" type="password" minLength={16} value={secret} onInput={(e) => setSecret(e.currentTarget.value)} aria-describedby="webhook-secret-help" autoComplete="off" />
        <small id="webhook-secret-help">At least 16 characters; leave empty to have one generated.</small>
        <div class="actions">
          {current ? (
            <button type="button" class="danger" onClick={() => run(async () => (await session.api.deleteWebhook(), null), 'Webhook removed')}>
              Remove webhook
            </button>
          ) : null}
          <button type="submit" class="primary">
            Save webhook
          </button>
        </div>
      </form>
      <Alert error={error} />
      <Status text={status} />
      {current ? <CopyField label="Current webhook secret" value={current.secret} /> : <p>No webhook is configured.</p>}
    </section>
  );
}

function DirectUploadGenerator() {
  const session = useSession();
  const [customId, setCustomId] = useState('');
  const [minutes, setMinutes] = useState('30');
  const [metadata, setMetadata] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [made, setMade] = useState<{ id: string; uploadURL: string }>();
  const [error, setError] = useState<unknown>();
  const generate = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setMade(undefined);
    try {
      const form = new FormData();
      if (customId.trim()) form.append('id', customId.trim());
      const meta = parseMetadata(metadata);
      if (Object.keys(meta).length) form.append('metadata', JSON.stringify(meta));
      if (isPrivate) form.append('requireSignedURLs', 'true');
      form.append('expiry', new Date(Date.now() + Number(minutes) * 60_000).toISOString());
      setMade(await session.api.directUpload(form));
    } catch (err) {
      session.noticeError(err);
      setError(err);
    }
  };
  return (
    <section aria-labelledby="direct-heading">
      <h2 id="direct-heading">Direct upload URL</h2>
      <p>A one-time URL a browser can post one image to without credentials.</p>
      <form class="generator" onSubmit={generate}>
        <div class="field">
          <label for="direct-id">Custom ID (optional)</label>
          <input id="direct-id" value={customId} onInput={(e) => setCustomId(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="direct-expiry">Valid for (minutes)</label>
          <input id="direct-expiry" type="number" min={3} max={360} required value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="direct-metadata">Metadata (JSON)</label>
          <input id="direct-metadata" value={metadata} onInput={(e) => setMetadata(e.currentTarget.value)} />
        </div>
        <div class="check">
          <input id="direct-private" type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.currentTarget.checked)} />
          <label for="direct-private">Private</label>
        </div>
        <button type="submit" class="primary">
          Create upload URL
        </button>
      </form>
      <Alert error={error} />
      {made ? (
        <>
          <CopyField label="Upload URL" value={made.uploadURL} />
          <p>
            Image ID: <code>{made.id}</code>
          </p>
        </>
      ) : null}
    </section>
  );
}
