/** Client-hint request headers → ClientHints (numbers only; anything unparsable is ignored). */
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientHints } from '../render/client-hints.js';

function number(headers: IncomingHttpHeaders, ...names: string[]): number | undefined {
  for (const name of names) {
    const raw = headers[name];
    const n = Number(Array.isArray(raw) ? raw[0] : raw);
    if (raw !== undefined && Number.isFinite(n) && n >= 0) return n;
  }
  return undefined;
}

export function readClientHints(headers: IncomingHttpHeaders): ClientHints {
  const ect = headers.ect;
  return {
    width: number(headers, 'sec-ch-width', 'width'),
    viewportWidth: number(headers, 'sec-ch-viewport-width', 'viewport-width'),
    dpr: number(headers, 'sec-ch-dpr', 'dpr'),
    mobile: headers['sec-ch-ua-mobile'] === '?1' ? true : undefined,
    rtt: number(headers, 'rtt'),
    downlink: number(headers, 'downlink'),
    ect: typeof ect === 'string' ? ect : undefined,
    saveData: headers['save-data'] === 'on' ? true : undefined,
  };
}
