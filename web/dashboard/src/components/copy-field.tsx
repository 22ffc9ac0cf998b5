/** A URL shown as read-only text with a Copy button (the Clipboard API, or select-and-copy without it). */
import { useId, useRef, useState } from 'preact/hooks';

export function CopyField(props: { label: string; value: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
    } catch {
      // Insecure origins have no Clipboard API: the deprecated command still copies a selection.
      input.current?.select();
      document.execCommand('copy');
    }
    setCopied('Copied');
    setTimeout(() => setCopied(''), 2000);
  };
  return (
    <div class="copy-field">
      <label for={id}>{props.label}</label>
      <div class="row">
        <input id={id} ref={input} type="text" readOnly value={props.value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy} aria-label={`Copy ${props.label}`}>
          Copy
        </button>
        <span role="status" class="copied">
          {copied}
        </span>
      </div>
    </div>
  );
}
