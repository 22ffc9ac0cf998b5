/** Metadata typed as JSON by the user: an object of at most 1024 bytes, as the API requires. */
const MAX_METADATA_BYTES = 1024;

export function parseMetadata(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`Metadata is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('Metadata must be a JSON object, as in {"owner": "me"}');
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  if (bytes > MAX_METADATA_BYTES) throw new Error(`Metadata is ${bytes} bytes of JSON; at most ${MAX_METADATA_BYTES} are allowed`);
  return value as Record<string, unknown>;
}
