/**
 * Capability URLs must not reach the logs: whoever reads a signed delivery URL (its `sig`) or a
 * direct-upload URL (`/upload/<hash>/<token>`) can use it until it expires. Every log line passes
 * through redactCapabilities() as pino writes it, so the access line, error lines (messages and
 * stacks) and whatever a future log call adds are covered alike. The path stays readable; only
 * the upload token and the `sig` value become `[redacted]`.
 */

const REDACTED = '[redacted]';

/** The token segment of a direct-upload URL, wherever a path appears in the text. */
const uploadToken = /(\/upload\/[^/?#\s"\\]*\/)[^/?#\s"\\]+/g;

/** A query string: from `?` to the end of the URL (JSON escapes `"` and `\`, so they end it too). */
const queryString = /\?[^\s"\\#]*/g;

/**
 * The parameter's name as delivery reads it (URLSearchParams decodes `%73ig` and `+`), so an
 * encoded name cannot carry a signature past the check.
 */
function isSignature(pair: string): boolean {
  const name = pair.split('=', 1)[0]!;
  const decoded = name.includes('%') || name.includes('+') ? [...new URLSearchParams(`${name}=`).keys()][0] ?? name : name;
  return decoded.toLowerCase() === 'sig';
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair, i) => {
      const bare = i === 0 ? pair.slice(1) : pair;
      if (!isSignature(bare)) return pair;
      return `${i === 0 ? '?' : ''}${bare.split('=', 1)[0]}=${REDACTED}`;
    })
    .join('&');
}

/** The text with every upload token and `sig` value replaced; cheap when there is neither. */
export function redactCapabilities(text: string): string {
  const hasQuery = text.includes('?');
  const hasUpload = text.includes('/upload/');
  if (!hasQuery && !hasUpload) return text;
  let out = hasUpload ? text.replace(uploadToken, `$1${REDACTED}`) : text;
  if (hasQuery) out = out.replace(queryString, redactQuery);
  return out;
}
