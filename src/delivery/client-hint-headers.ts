/**
 * Client-hint request headers → ClientHints (numbers only; anything unparsable is ignored), and
 * the header names a response that used them must list in `Vary`. One table serves both, so a
 * header that can change the bytes is never missing from `Vary` (a CDN keying on it would hand
 * one client's rendition to another).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientHints } from '../render/client-hints.js';

/** Each hint's headers, preferred first (the Sec-CH- form, then the legacy one). */
const hintHeaders = {
  width: ['Sec-CH-Width', 'Width'],
  viewportWidth: ['Sec-CH-Viewport-Width', 'Viewport-Width'],
  dpr: ['Sec-CH-DPR', 'DPR'],
  mobile: ['Sec-CH-UA-Mobile'],
  rtt: ['RTT'],
  downlink: ['Downlink'],
  ect: ['ECT'],
  saveData: ['Save-Data'],
} as const satisfies Record<keyof ClientHints, readonly string[]>;

/** What width=auto reads. */
export const widthHintHeaders = [...hintHeaders.width, ...hintHeaders.viewportWidth, ...hintHeaders.dpr, ...hintHeaders.mobile];
/** What slow-connection-quality reads. */
export const connectionHintHeaders = [...hintHeaders.rtt, ...hintHeaders.downlink, ...hintHeaders.ect, ...hintHeaders.saveData];

/** Node's IncomingHttpHeaders keys are lowercase; lowered once here rather than per request. */
const lowercaseHintHeaders = Object.fromEntries(
  Object.entries(hintHeaders).map(([hint, names]) => [hint, names.map((name) => name.toLowerCase())]),
) as Record<keyof typeof hintHeaders, string[]>;

/**
 * The first of a hint's headers (preferred first) that was sent and that `read` accepts; a value
 * `read` refuses gives way to the next header. Runs per delivery request: no allocation.
 */
function firstHint<T>(headers: IncomingHttpHeaders, hint: keyof typeof hintHeaders, read: (value: string) => T | undefined): T | undefined {
  for (const name of lowercaseHintHeaders[hint]) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    const accepted = value === undefined ? undefined : read(value);
    if (accepted !== undefined) return accepted;
  }
  return undefined;
}

const asText = (value: string): string => value;
const asNumber = (value: string): number | undefined => {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

export function readClientHints(headers: IncomingHttpHeaders): ClientHints {
  return {
    width: firstHint(headers, 'width', asNumber),
    viewportWidth: firstHint(headers, 'viewportWidth', asNumber),
    dpr: firstHint(headers, 'dpr', asNumber),
    mobile: firstHint(headers, 'mobile', asText) === '?1' ? true : undefined,
    rtt: firstHint(headers, 'rtt', asNumber),
    downlink: firstHint(headers, 'downlink', asNumber),
    ect: firstHint(headers, 'ect', asText),
    saveData: firstHint(headers, 'saveData', asText) === 'on' ? true : undefined,
  };
}
