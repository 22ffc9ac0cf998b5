// Parses the text wrk 4.x prints with --latency.

const LATENCY_UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function latencyMs(text) {
  const match = text.match(/^([\d.]+)(us|ms|s|m|h)$/);
  if (!match) throw new Error(`unrecognized wrk latency "${text}"`);
  return Number(match[1]) * LATENCY_UNIT_MS[match[2]];
}

/**
 * @returns {{requests:number, seconds:number, rps:number, p50Ms:number, p75Ms:number, p90Ms:number,
 *   p99Ms:number, socketErrors:number, timeouts:number, non2xx:number}}
 */
export function parseWrkOutput(text) {
  const total = text.match(/^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)/m);
  const rps = text.match(/^Requests\/sec:\s+([\d.]+)/m);
  if (!total || !rps) throw new Error(`wrk output not understood:\n${text}`);
  const percentiles = {};
  for (const [, pct, value] of text.matchAll(/^\s+(50|75|90|99)%\s+(\S+)/gm)) {
    percentiles[pct] = latencyMs(value);
  }
  const socket = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const non2xx = text.match(/Non-2xx or 3xx responses: (\d+)/);
  return {
    requests: Number(total[1]),
    seconds: latencyMs(`${total[2]}${total[3]}`) / 1000,
    rps: Number(rps[1]),
    p50Ms: percentiles[50] ?? null,
    p75Ms: percentiles[75] ?? null,
    p90Ms: percentiles[90] ?? null,
    p99Ms: percentiles[99] ?? null,
    socketErrors: socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) : 0,
    timeouts: socket ? Number(socket[4]) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}
