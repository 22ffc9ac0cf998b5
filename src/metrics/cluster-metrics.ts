/**
 * /metrics for the whole machine when PICTOR_WORKERS > 1, on prom-client's cluster aggregator: the
 * primary's AggregatorRegistry asks every worker for its registry and merges them by each metric's
 * `aggregator` (sums by default). A worker answering GET /metrics on the main port asks the primary
 * for that merged text; `?scope=worker` still shows only the answering worker.
 */
import type { Cluster } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { PrimaryRequests } from '../util/primary-requests.js';

interface Ask {
  pictorMetrics: number;
}
interface Answer {
  pictorMetricsAnswer: number;
  /** Absent when the aggregation failed (a worker did not answer within prom-client's 5 s). */
  text?: string;
}

const is = <T>(key: string) => (m: unknown): m is T => typeof (m as Record<string, unknown> | null)?.[key] === 'number';
const isAsk = is<Ask>('pictorMetrics');
const isAnswer = is<Answer>('pictorMetricsAnswer');

/** Past prom-client's own 5 s collection timeout, so its failure arrives first. */
const ASK_TIMEOUT_MS = 6000;

/** The worker side: reports `registry` to the primary's aggregator, and asks for the machine's view. */
export class ClusterMetrics {
  private readonly requests = new PrimaryRequests<string | undefined>();

  constructor(registry: Registry) {
    // Constructing an AggregatorRegistry in a worker installs prom-client's reply to the primary's
    // collection requests; setRegistries names what that reply contains.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries(registry);
    process.on('message', (message: unknown) => {
      if (isAnswer(message)) this.requests.settle(message.pictorMetricsAnswer, message.text);
    });
  }

  /** Rejects when the primary could not collect every worker's metrics. */
  async machine(): Promise<string> {
    const text = await this.requests.ask((id) => ({ pictorMetrics: id }) satisfies Ask, ASK_TIMEOUT_MS, () => undefined);
    if (text === undefined) throw new Error('cluster metrics unavailable');
    return text;
  }
}

/** The primary side: one prom-client collection per ask. Returns the machine's metrics for a port of their own. */
export function aggregateWorkerMetrics(cluster: Cluster): () => Promise<string> {
  const aggregator = new AggregatorRegistry();
  const machine = () => aggregator.clusterMetrics();
  cluster.on('message', (from, message: unknown) => {
    if (!isAsk(message)) return;
    void machine().then(
      (text) => ({ text }),
      () => ({}),
    ).then((answer) => from.isConnected() && from.send({ pictorMetricsAnswer: message.pictorMetrics, ...answer } satisfies Answer));
  });
  return machine;
}
