/** Upload by file (several at once, or dropped) or by URL, with per-file progress and errors. */
import { useState } from 'preact/hooks';
import type { Image } from '../api';
import { Alert } from '../components/messages';
import { parseMetadata } from '../metadata';
import { useSession } from '../session';

interface Job {
  key: number;
  name: string;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  message?: string;
}

/** Uploads at once: enough to fill the pipe, few enough not to queue behind the server's decode slots. */
const PARALLEL = 3;
let nextKey = 0;

export function Upload(props: { onUploaded(image: Image): void }) {
  const session = useSession();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [customId, setCustomId] = useState('');
  const [metadata, setMetadata] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [sourceUrl, setSourceUrl] = useState('');
  const [error, setError] = useState<unknown>();
  const [dragging, setDragging] = useState(false);

  const update = (key: number, change: Partial<Job>) => setJobs((all) => all.map((j) => (j.key === key ? { ...j, ...change } : j)));

  /** The shared fields of every upload; undefined (and an alert) when the metadata is not valid. */
  const baseForm = (single: boolean): FormData | undefined => {
    const form = new FormData();
    try {
      const meta = parseMetadata(metadata);
      if (Object.keys(meta).length) form.append('metadata', JSON.stringify(meta));
    } catch (err) {
      setError(err);
      return undefined;
    }
    if (isPrivate) form.append('requireSignedURLs', 'true');
    if (customId.trim()) {
      if (!single) {
        setError('A custom ID names one image: upload one file at a time with it');
        return undefined;
      }
      form.append('id', customId.trim());
    }
    return form;
  };

  const run = async (name: string, form: FormData) => {
    const key = nextKey++;
    setJobs((all) => [{ key, name, progress: 0, state: 'uploading' }, ...all]);
    try {
      const image = await session.api.upload(form, (progress) => update(key, { progress }));
      update(key, { progress: 1, state: 'done', message: 'Uploaded' });
      props.onUploaded(image);
    } catch (err) {
      session.noticeError(err);
      update(key, { state: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };

  const uploadFiles = async (files: File[]) => {
    setError(undefined);
    if (!files.length) return;
    const base = baseForm(files.length === 1);
    if (!base) return;
    const queue = [...files];
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const form = new FormData();
        base.forEach((value, field) => form.append(field, value));
        form.append('file', file, file.name);
        await run(file.name, form);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, files.length) }, worker));
  };

  const uploadUrl = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const form = baseForm(true);
    if (!form || !sourceUrl.trim()) return;
    form.append('url', sourceUrl.trim());
    await run(sourceUrl.trim(), form);
  };

  return (
    <section class="upload" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload</h2>
      <div
        class={`drop ${dragging ? 'dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void uploadFiles([...(e.dataTransfer?.files ?? [])]);
        }}
      >
        <label for="upload-files">Upload images</label>
        <input
          id="upload-files"
          type="file"
          multiple
          accept="image/*"
          onChange={(e) => {
            const input = e.currentTarget;
            void uploadFiles([...(input.files ?? [])]).then(() => (input.value = ''));
          }}
        />
        <p class="hint">or drop image files here</p>
      </div>
      <details>
        <summary>Upload options</summary>
        <div class="options">
          <div class="field">
            <label for="upload-id">Custom ID (one file)</label>
            <input id="upload-id" value={customId} onInput={(e) => setCustomId(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="upload-metadata">Metadata (JSON)</label>
            <textarea id="upload-metadata" rows={2} value={metadata} onInput={(e) => setMetadata(e.currentTarget.value)} placeholder='{"owner": "me"}' />
          </div>
          <div class="check">
            <input id="upload-private" type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.currentTarget.checked)} />
            <label for="upload-private">Private (served only with signed URLs)</label>
          </div>
        </div>
      </details>
      <form class="by-url" onSubmit={uploadUrl}>
        <label for="upload-url">Image URL</label>
        <div class="row">
          <input id="upload-url" type="url" value={sourceUrl} onInput={(e) => setSourceUrl(e.currentTarget.value)} placeholder="https://example.com/photo.jpg" />
          <button type="submit">Upload from URL</button>
        </div>
      </form>
      <Alert error={error} />
      {jobs.length ? (
        <ul class="jobs" aria-label="Uploads">
          {jobs.map((job) => (
            <li key={job.key} class={job.state}>
              <span class="name">{job.name}</span>
              <progress max={1} value={job.progress} aria-label={`Progress of ${job.name}`} />
              {job.state === 'failed' ? (
                <span role="alert" class="alert">
                  {job.message}
                </span>
              ) : (
                <span class="state">{job.state === 'done' ? 'Uploaded' : `${Math.round(job.progress * 100)}%`}</span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
