/**
 * The hostile corpus's shape. Each family module (images, svg, json, multipart, urls, headers)
 * exports a list of inputs; the runner sends every one through a Probe, which holds every answer
 * to the suite's invariant: below 500, and a Cloudflare-style error when it is a 4xx.
 */
import { expect } from 'vitest';
import { parseRawResponse, rawExchange } from '../helpers/raw-http.js';

export const families = ['images', 'svg', 'json', 'multipart', 'urls', 'headers'] as const;
export type Family = (typeof families)[number];

/** What the corpus attacks: one real server, seeded by the runner. */
export interface Target {
  origin: string;
  accountId: string;
  accountHash: string;
  token: string;
  /** A public 400×300 JPEG. */
  photo: string;
  /** A 64×48 JPEG that requires signed URLs. */
  privateImage: string;
  /** A signing-key value of the account. */
  signingKey: string;
  /** An origin (on 127.0.0.2, allow-listed for upload-by-URL) whose paths redirect or serve hostile bytes. */
  sourceOrigin: string;
}

export interface HostileInput {
  name: string;
  /**
   * The issue-10 item whose fix the demanded answer depends on (absent when today's main holds);
   * 'new' for a failure this corpus found that the issue does not list. Tagged entries fail
   * until their fix is merged.
   */
  issue?: number | 'new';
  /** Sends the input (through the probe) and asserts anything demanded beyond the invariant. */
  run(probe: Probe, target: Target): Promise<void>;
}

/** Where a request lands decides the error shape it must get. */
export type Surface = 'api' | 'delivery';

export interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

export interface Envelope {
  success: boolean;
  result: unknown;
  errors: Array<{ code: number; message: string }>;
  messages: unknown[];
}

/** Any single request slower than this is a hang, reported as such instead of stalling the suite. */
const REQUEST_DEADLINE_MS = 45_000;

function answerOf(status: number, headers: Headers, body: Buffer): Answer {
  return { status, headers, body, text: () => body.toString(), json: <T>() => JSON.parse(body.toString()) as T };
}

/** The Cloudflare error shape of a 4xx on its surface: envelope with a code and message, or imagedelivery.net's text. */
export function expectCloudflareError(answer: Answer, surface: Surface): void {
  const text = answer.text().slice(0, 300);
  if (surface === 'api') {
    expect(answer.headers.get('content-type'), text).toMatch(/^application\/json/);
    const body = answer.json<Envelope>();
    expect(body).toMatchObject({ success: false, result: null });
    expect(body.errors[0]).toMatchObject({ code: expect.any(Number), message: expect.stringMatching(/\S/) });
  } else {
    const code = /^ERROR (\d+): \S/.exec(text)?.[1];
    expect(code, `delivery error text: ${text}`).toBeDefined();
    expect(answer.headers.get('cf-resized')).toBe(`err=${code}`);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
  }
}

/** Tallies kept per family for the report. */
export interface Tally {
  requests: number;
  serverErrors: number;
  /** Requests that got no HTTP answer at all (reset, hang past the deadline). */
  noAnswer: number;
}

/** Sends requests to the target and holds every answer to the invariant (status < 500; 4xx well-shaped). */
export class Probe {
  constructor(
    private readonly target: Target,
    private readonly tally: Tally,
  ) {}

  /** A request under /client/v4/accounts/<id>, with the account's token unless `auth: false` or headers say otherwise. */
  api(pathUnderAccount: string, init: RequestInit & { auth?: boolean } = {}): Promise<Answer> {
    const headers = new Headers(init.headers);
    if (init.auth !== false && !headers.has('authorization')) headers.set('authorization', `Bearer ${this.target.token}`);
    return this.http(`/client/v4/accounts/${this.target.accountId}${pathUnderAccount}`, { ...init, headers }, 'api');
  }

  /** A delivery request: `/<hash>/<rest>` (rest already encoded as it should go on the wire). */
  deliver(rest: string, init: RequestInit = {}): Promise<Answer> {
    return this.http(`/${this.target.accountHash}/${rest}`, init, 'delivery');
  }

  async http(pathAndQuery: string, init: RequestInit, surface: Surface): Promise<Answer> {
    this.tally.requests++;
    let res: Response;
    let body: Buffer;
    try {
      res = await fetch(this.target.origin + pathAndQuery, { ...init, signal: AbortSignal.timeout(REQUEST_DEADLINE_MS) });
      body = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      this.tally.noAnswer++;
      throw new Error(`no answer to ${init.method ?? 'GET'} ${pathAndQuery.slice(0, 120)}: ${String(err)}`);
    }
    return this.check(answerOf(res.status, res.headers, body), surface);
  }

  /** Raw bytes on a fresh connection (send `Connection: close`); the server must answer before it closes. */
  async raw(bytes: string | Buffer, surface: Surface): Promise<Answer> {
    this.tally.requests++;
    // An interim 100 Continue is not the answer: the final one follows it.
    const received = (await rawExchange(this.target.origin, bytes)).replace(/^(HTTP\/1\.1 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
    if (!received.startsWith('HTTP/1.1 ')) {
      this.tally.noAnswer++;
      throw new Error(`the connection closed without an HTTP answer (got ${JSON.stringify(received.slice(0, 80))})`);
    }
    const parsed = parseRawResponse(received);
    return this.check(answerOf(parsed.status, new Headers(parsed.headers), Buffer.from(parsed.body, 'latin1')), surface);
  }

  private check(answer: Answer, surface: Surface): Answer {
    if (answer.status >= 500) this.tally.serverErrors++;
    expect(answer.status, `a 5xx: ${answer.text().slice(0, 300)}`).toBeLessThan(500);
    if (answer.status >= 400) expectCloudflareError(answer, surface);
    return answer;
  }
}
