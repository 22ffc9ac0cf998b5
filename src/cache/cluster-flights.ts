/**
 * Single flight across the worker processes of one machine: when several workers miss the same
 * rendition at once, the cluster primary lets one of them render it and hands the result to the
 * others, so a thundering herd spread over N workers still costs one transform. If the rendering
 * worker fails or dies, the next waiting worker is let go instead. The primary also keeps recent
 * results (bounded by bytes), so a worker that asks a little later gets them too. Any result with
 * a `body` can fly: renditions, and the remote sources of /cdn-cgi/image/ (src/origins/).
 */
import type { Cluster, Worker } from 'node:cluster';
import { PrimaryRequests } from '../util/primary-requests.js';
import { MemoryLru } from './memory-lru.js';

/** What a flight produces: bytes plus fields the structured clone carries as they are. */
export interface Flown {
  body: Buffer;
}

export interface Flights {
  /**
   * Runs `produce` unless another process is already producing `key`, whose result is returned
   * instead. Keys must name their result exactly (versions included): a kept result is reused.
   */
  run<T extends Flown>(key: string, produce: () => Promise<T>): Promise<T>;
}

/** One process: nothing to coordinate. */
export const localFlights: Flights = { run: (_key, produce) => produce() };

interface Ask {
  pictorFlight: string;
  id: number;
}
interface Answer {
  pictorFlightAnswer: number;
  /** Absent: go and render it yourself. */
  rendition?: Flown;
}
interface Done {
  pictorFlightDone: string;
  rendition?: Flown;
}

const isAsk = (m: unknown): m is Ask => typeof (m as Ask | null)?.pictorFlight === 'string';
const isAnswer = (m: unknown): m is Answer => typeof (m as Answer | null)?.pictorFlightAnswer === 'number';
const isDone = (m: unknown): m is Done => typeof (m as Done | null)?.pictorFlightDone === 'string';

/** A worker gives up waiting and renders itself after this long (a primary that stopped answering). */
const WAIT_LIMIT_MS = 60_000;

/** Buffers cross the IPC channel as Uint8Arrays ('advanced' serialization). */
function revive<T extends Flown>(rendition: T): T {
  const body = rendition.body as Uint8Array;
  return { ...rendition, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
}

/** The worker side. */
export class ClusterFlights implements Flights {
  /** Answers: a result to use, or undefined to go and render it yourself. */
  private readonly requests = new PrimaryRequests<Flown | undefined>();

  constructor() {
    process.on('message', (message: unknown) => {
      if (isAnswer(message)) this.requests.settle(message.pictorFlightAnswer, message.rendition);
    });
  }

  async run<T extends Flown>(key: string, produce: () => Promise<T>): Promise<T> {
    // No primary to coordinate with (nor to tell when done).
    if (!process.send || !process.connected) return produce();
    const ready = await this.requests.ask((id) => ({ pictorFlight: key, id }) satisfies Ask, WAIT_LIMIT_MS, () => undefined);
    if (ready) return revive(ready as T);
    try {
      const rendition = await produce();
      process.send?.({ pictorFlightDone: key, rendition } satisfies Done);
      return rendition;
    } catch (err) {
      process.send?.({ pictorFlightDone: key } satisfies Done);
      throw err;
    }
  }
}

/** The primary side: one renderer per key at a time; everyone else waits for its result. */
export function coordinateFlights(cluster: Cluster, retainBytes: number): void {
  const flights = new Map<string, { owner: Worker; waiters: Array<{ worker: Worker; id: number }> }>();
  // Keys carry image and variant versions, so a kept result is never stale, only unused.
  const recent = retainBytes > 0 ? new MemoryLru<Flown>(retainBytes, (r) => (r.body as Uint8Array).byteLength) : undefined;

  const send = (worker: Worker, answer: Answer) => {
    if (worker.isConnected()) worker.send(answer);
  };
  /** The owner is gone without a result: the first waiter renders instead. */
  const handOver = (key: string) => {
    const flight = flights.get(key)!;
    const next = flight.waiters.shift();
    if (!next) return void flights.delete(key);
    flight.owner = next.worker;
    send(next.worker, { pictorFlightAnswer: next.id });
  };

  cluster.on('message', (worker: Worker, message: unknown) => {
    if (isAsk(message)) {
      const kept = recent?.get(message.pictorFlight);
      if (kept) return send(worker, { pictorFlightAnswer: message.id, rendition: kept });
      const flight = flights.get(message.pictorFlight);
      if (flight) flight.waiters.push({ worker, id: message.id });
      else {
        flights.set(message.pictorFlight, { owner: worker, waiters: [] });
        send(worker, { pictorFlightAnswer: message.id });
      }
    } else if (isDone(message)) {
      const flight = flights.get(message.pictorFlightDone);
      if (!flight || flight.owner !== worker) return;
      if (!message.rendition) return handOver(message.pictorFlightDone);
      flights.delete(message.pictorFlightDone);
      recent?.set(message.pictorFlightDone, message.rendition);
      for (const waiter of flight.waiters) send(waiter.worker, { pictorFlightAnswer: waiter.id, rendition: message.rendition });
    }
  });

  cluster.on('exit', (worker) => {
    for (const [key, flight] of flights) {
      flight.waiters = flight.waiters.filter((w) => w.worker !== worker);
      if (flight.owner === worker) handOver(key);
    }
  });
}
