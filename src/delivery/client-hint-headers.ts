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

function text(headers: IncomingHttpHeaders, hint: keyof typeof hintHeaders): string | undefined {
  for (const name of hintHeaders[hint]) {
    const raw = headers[name.toLowerCase()];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) return value;
  }
  return undefined;
}

function number(headers: IncomingHttpHeaders, hint: keyof typeof hintHeaders): number | undefined {
  for (const name of hintHeaders[hint]) {
    const raw = headers[name.toLowerCase()];
    const n = Number(Array.isArray(raw) ? raw[0] : raw);
    if (raw !== undefined && Number.isFinite(n) && n >= 0) return n;
  }
  return undefined;
}

export function readClientHints(headers: IncomingHttpHeaders): ClientHints {
  return {
    width: number(headers, 'width'),
    viewportWidth: number(headers, 'viewportWidth'),
    dpr: number(headers, 'dpr'),
    mobile: text(headers, 'mobile') === '?1' ? true : undefined,
    rtt: number(headers, 'rtt'),
    downlink: number(headers, 'downlink'),
    ect: text(headers, 'ect'),
    saveData: text(headers, 'saveData') === 'on' ? true : undefined,
  };
}
