/**
 * /metrics for the whole machine when PICTOR_WORKERS > 1: the worker that answers asks the primary,
 * which collects every worker's exposition and sums identical series (counters, histograms and
 * gauges such as queue depth and RSS all add up across processes). `?scope=worker` still shows
 * only the answering worker.
 */
import type { Cluster, Worker } from 'node:cluster';
import { PrimaryRequests } from '../util/primary-requests.js';

interface Ask {
  pictorMetrics: number;
}
interface Collect {
  pictorMetricsCollect: number;
}
interface Reply {
  pictorMetricsReply: number;
  text: string;
}
interface Answer {
  pictorMetricsAnswer: number;
  text: string;
}

const is = <T>(key: string) => (m: unknown): m is T => typeof (m as Record<string, unknown> | null)?.[key] === 'number';
const isAsk = is<Ask>('pictorMetrics');
const isCollect = is<Collect>('pictorMetricsCollect');
const isReply = is<Reply>('pictorMetricsReply');
const isAnswer = is<Answer>('pictorMetricsAnswer');

const COLLECT_TIMEOUT_MS = 2000;

/** Metrics that describe one process and mean nothing summed; left out of the machine's view. */
const PER_PROCESS = /^(# (HELP|TYPE) )?pictor_worker_slot\b/;

/** Sums samples of the same series across expositions; HELP/TYPE lines are kept once, in order. */
export function mergeExpositions(texts: string[]): string {
  const order: string[] = [];
  const sums = new Map<string, number>();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (line === '' || PER_PROCESS.test(line)) continue;
      const key = line.startsWith('#') ? line : line.slice(0, line.lastIndexOf(' '));
      if (!sums.has(key)) {
        order.push(key);
        sums.set(key, 0);
      }
      if (!line.startsWith('#')) sums.set(key, sums.get(key)! + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  const lines = order.map((key) => (key.startsWith('#') ? key : `${key} ${sums.get(key)}`));
  lines.push('# HELP pictor_workers Worker processes that contributed to these metrics', '# TYPE pictor_workers gauge', `pictor_workers ${texts.length}`);
  return lines.join('\n') + '\n';
}

/** The worker side: answers the primary's collection rounds, and asks for the machine's view. */
export class ClusterMetrics {
  private readonly requests = new PrimaryRequests<string>();

  constructor(render: () => string) {
    process.on('message', (message: unknown) => {
      if (isCollect(message)) process.send?.({ pictorMetricsReply: message.pictorMetricsCollect, text: render() } satisfies Reply);
      else if (isAnswer(message)) this.requests.settle(message.pictorMetricsAnswer, message.text);
    });
  }

  machine(fallback: () => string): Promise<string> {
    return this.requests.ask((id) => ({ pictorMetrics: id }) satisfies Ask, COLLECT_TIMEOUT_MS * 2, fallback);
  }
}

/** The primary side: one collection round per request; a worker that does not reply in time is left out. */
export function collectMetrics(cluster: Cluster): void {
  let nextRound = 1;
  const rounds = new Map<number, { texts: string[]; pending: Set<Worker>; finish: () => void }>();

  cluster.on('message', (from: Worker, message: unknown) => {
    if (isReply(message)) {
      const round = rounds.get(message.pictorMetricsReply);
      if (!round || !round.pending.delete(from)) return;
      round.texts.push(message.text);
      if (round.pending.size === 0) round.finish();
      return;
    }
    if (!isAsk(message)) return;
    const id = nextRound++;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
    const timer = setTimeout(() => rounds.get(id)?.finish(), COLLECT_TIMEOUT_MS);
    const finish = () => {
      clearTimeout(timer);
      const round = rounds.get(id)!;
      rounds.delete(id);
      if (from.isConnected()) from.send({ pictorMetricsAnswer: message.pictorMetrics, text: mergeExpositions(round.texts) } satisfies Answer);
    };
    rounds.set(id, { texts: [], pending: new Set(workers), finish });
    for (const worker of workers) worker.send({ pictorMetricsCollect: id } satisfies Collect);
  });
}
