/** Errors are announced at once (role="alert"); confirmations politely (role="status"). */
export function Alert(props: { error: unknown }) {
  if (props.error === undefined || props.error === null || props.error === '') return null;
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <p role="alert" class="alert">
      {message}
    </p>
  );
}

export function Status(props: { text: string | undefined }) {
  return (
    <p role="status" class="status">
      {props.text ?? ''}
    </p>
  );
}
