// The "Soak" section of docs/benchmarks.md, from a soak report (docs/soak.json). bench/report.mjs
// includes it whenever it regenerates the page, so a bench run does not drop it.
import { quantile } from '../lib/stats.mjs';

const fixed = (value, digits = 0) => (value == null ? '–' : value.toFixed(digits));

export function soakSection(report, { jsonLink = 'soak.json', chartLink = 'soak.svg' } = {}) {
  const { settings, verdict, samples, machine, operations } = report;
  const total = Object.values(operations).reduce((a, b) => a + b, 0);
  const minutes = samples.at(-1)?.minute ?? 0;
  const p99s = samples.map((s) => s.p99Ms).filter((v) => v != null);
  const hotP99s = samples.map((s) => s.hotP99Ms).filter((v) => v != null);
  const rss = samples.map((s) => s.rssMb);
  const mix = Object.entries(operations).map(([name, count]) => `${name} ${count}`).join(', ');
  const env = Object.entries(settings.serverEnv).map(([k, v]) => `${k}=${v}`).join(' ');
  return `## Soak: ${settings.minutes} minutes of mixed load on ${settings.workers} workers

\`npm run soak\` (\`bench/soak.mjs\`; \`npm run soak -- --minutes 2\` for a smoke run) on ${report.startedAt.slice(0, 10)}: one Pictor with
\`PICTOR_WORKERS=${settings.workers}\` on the embedded stores, ${settings.concurrency} client loops paced to ${settings.rateOpsPerSecond} operations/s in all:
hot and cold deliveries (named and flexible variants, \`/cdn-cgi/image/\` of an origin served by the script), uploads,
PATCHes, deletes, \`purge_cache\` calls, list and stats calls, image details. \`${env}\` (lowered from the defaults so
the caches are full early: RSS still growing in the second half is then not a cache filling up).
Every ${settings.sampleSeconds} s it samples RSS (VmRSS summed over the primary and its workers), errors and latency.
It fails (exit 1) on any failed request or when the least-squares RSS slope over the second half exceeds
${settings.leakBoundMbPerMinute} MB/min (judged for runs of 10 minutes or more; shorter ones are all warm-up). Report: [\`docs/soak.json\`](${jsonLink}).

**${verdict.ok ? 'Pass' : 'FAIL'}**: ${total} operations in ${fixed(minutes, 1)} min (${fixed(total / (minutes * 60), 1)}/s achieved of ${settings.rateOpsPerSecond}/s asked; ${mix}), **${verdict.errors} errors**;
RSS ${fixed(rss[0])} MB at the first sample, ${fixed(Math.max(...rss))} MB at most, ${fixed(rss.at(-1))} MB at the end;
**RSS slope over the second half ${fixed(verdict.rssSlope.mbPerMinute, 2)} MB/min** (bound ${settings.leakBoundMbPerMinute});
p99 per interval, all operations: median ${fixed(quantile(p99s, 0.5))} ms, highest ${fixed(Math.max(...p99s))} ms; hot deliveries: median ${fixed(quantile(hotP99s, 0.5))} ms, highest ${fixed(Math.max(...hotP99s))} ms.
${verdict.failures.map((f) => `- ${f}\n`).join('')}
Machine: ${machine.cores} cores, load average ${machine.loadAverageAtStart.join(', ')} at the start (other sessions' tests and builds shared it;
the soak ran under \`nice\`), so read latencies as what a crowded box gives, not as Pictor's own.

![RSS, p99 and errors over the soak](${chartLink})
`;
}
