/**
 * What the delivery route passes from the request's client-hint headers. The route parses headers;
 * the render domain only reads these numbers.
 */
export interface ClientHints {
  /** `Sec-CH-Width` / `Width`: the image's layout width in device pixels. */
  readonly width?: number | undefined;
  /** `Sec-CH-Viewport-Width` / `Viewport-Width`, in CSS pixels. */
  readonly viewportWidth?: number | undefined;
  /** `Sec-CH-DPR` / `DPR`. */
  readonly dpr?: number | undefined;
  /** `Sec-CH-UA-Mobile: ?1`. */
  readonly mobile?: boolean | undefined;
  /** `RTT` in milliseconds, `Downlink` in Mbps, `ECT`, `Save-Data: on` (slow-connection-quality). */
  readonly rtt?: number | undefined;
  readonly downlink?: number | undefined;
  readonly ect?: string | undefined;
  readonly saveData?: boolean | undefined;
}

/** Device-pixel width for width=auto: the element width, else the viewport times the DPR. */
export function clientWidthFromHints(hints: ClientHints = {}): number | undefined {
  if (hints.width !== undefined && hints.width > 0) return hints.width;
  if (hints.viewportWidth !== undefined && hints.viewportWidth > 0) {
    return hints.viewportWidth * (hints.dpr !== undefined && hints.dpr > 0 ? hints.dpr : 1);
  }
  return undefined;
}

/** Cloudflare's slow-connection test: RTT > 150 ms, Save-Data, a 2G/3G ECT, or downlink < 5 Mbps. */
export function isSlowConnection(hints: ClientHints = {}): boolean {
  return (
    (hints.rtt !== undefined && hints.rtt > 150) ||
    hints.saveData === true ||
    (hints.ect !== undefined && ['slow-2g', '2g', '3g'].includes(hints.ect)) ||
    (hints.downlink !== undefined && hints.downlink < 5)
  );
}
