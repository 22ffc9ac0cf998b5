// Renders docs/benchmarks.md from a results object and its summary.
import { coldnessWarning, num, times, transformCount } from './format.mjs';
import { median } from '../lib/stats.mjs';

const PEERS_IN_HEADLINE = ['ipx', 'next', 'nginx-image-filter'];

const SYSTEM_NOTES = [
  '**Pictor**: `node dist/src/main.js serve`; rendition cache off (`PICTOR_CACHE_MEMORY_MB=0 PICTOR_CACHE_DISK_MB=0`) in the cold and memory scenarios, default cache in cold-jpeg-cached, the hit scenarios, herd and upload.',
  '**raw sharp loop** (limit): the same sharp call in a plain loop with the source in memory, no HTTP, encoding exactly what Pictor renditions are (progressive JPEG, WebP effort 4, AVIF at the effort and quality Pictor uses, read from its build), as many operations in flight as the servers get connections. For uploads: `sharp.metadata()` plus a durable write (temp file, fsync, rename).',
  '**raw sharp loop + validating decode** (reference for `upload`): the upload limit plus the decode Pictor runs to refuse truncated and corrupt files (every pixel decoded, shrunk on load to 32 px, `failOn: error`): the most an upload that refuses such files can reach here.',
  '**nginx static file** (limit for hits): nginx sends the same rendition pre-made by sharp from disk; 2 workers, `reuseport`.',
  '**nginx static file, 1 worker** (limit for `hit-1p`): the same with `worker_processes 1`, against Pictor with `PICTOR_WORKERS=1`.',
  '**Pictor, access log on** / **under cold transform load**: Pictor at `PICTOR_LOG_LEVEL=info` (every other row runs at `warn`, no access log); Pictor while a second wrk requests new JPEG renditions on 16 connections.',
  '**bare node:http** (reference for `hit`, `hit-1p`): `node:http` answering the same rendition from memory with a rendition\'s headers, no routing or lookups, as many processes as Pictor (`bench/systems/node-static-server.mjs`): the most any Node.js server can do here, so the distance between it and nginx is not Pictor\'s to close.',
  '**IPX**: `ipx serve` over the corpus directory. It keeps no result cache, so its "hit" row re-transforms every request; it forces progressive JPEG and ships its own sharp.',
  '**Next.js image optimizer**: `next start` of a minimal app; JPEG through mozjpeg, AVIF at effort 3. It caches on disk keyed by the full source URL, so cold runs make each request unique with `url=/photo.jpg?v=<n>`; it picks the output format from `Accept`.',
  '**Remote sources** (`remote-cold`, `remote-cached`): the 2K JPEG is fetched by URL from an nginx origin on loopback (`Cache-Control: public, max-age=3600`, `ETag`); unique source URLs `?v=<n>` in the cold case. Pictor: `/cdn-cgi/image/` with `PICTOR_TRANSFORM_SOURCES`, caches on (source in memory for max-age, renditions in memory + disk). IPX: HTTP storage, no cache: a HEAD and a GET to the origin and a transform per request. Next.js: `remotePatterns` + `dangerouslyAllowLocalIP`, disk cache keyed by source URL.',
  '**nginx image_filter**: libgd, full-size decode (no shrink-on-load), JPEG in → JPEG out only, no cache; 2 workers, `reuseport`.',
];

function tableRow(cells) {
  return `| ${cells.join(' | ')} |`;
}

function table(header, rows, { numeric = true } = {}) {
  const rule = header.map((_, i) => (i === 0 || !numeric ? '---' : '---:'));
  return [tableRow(header), tableRow(rule), ...rows.map(tableRow)].join('\n');
}

function systemCell(row) {
  const name = row.role === 'limit' ? `${row.label} *(limit)*` : row.role === 'reference' ? `${row.label} *(reference)*` : row.role === 'subject' ? `**${row.label}**` : row.label;
  return name;
}

function unavailableRow(row, width) {
  const reason = row.available === false ? `unavailable: ${row.reason}` : `failed: ${row.failures[0] ?? 'no result'}`;
  return [systemCell(row), reason.replaceAll('|', '\\|').replaceAll('\n', ' ').slice(0, 160), ...Array(width - 2).fill('')];
}

function throughputTable(scenario) {
  const header = ['system', 'req/s (min–max)', 'p50 ms', 'p99 ms', 'peak RSS MB', 'output B', '× limit', 'Pictor ÷ this', 'other CPU (cores)'];
  const rows = scenario.rows.map((row) => {
    if (!row.roundsOk) return unavailableRow(row, header.length);
    const spread = row.rpsRange ? ` (${num(row.rpsRange[0])}–${num(row.rpsRange[1])})` : '';
    const errors = row.errors ? ` ⚠ ${row.errors} errors` : '';
    const warning = coldnessWarning(scenario, row.transformsPerRequest);
    const coalesced = warning ? ` ⚠ ${warning}` : '';
    return [systemCell(row), `${num(row.rps)}${spread}${errors}${coalesced}`, num(row.p50Ms), num(row.p99Ms), num(row.peakRssMb),
      num(row.outputBytes), times(row.vsLimit), times(row.pictorRpsRatio), num(row.otherCpuCores)];
  });
  return table(header, rows);
}

function herdTable(scenario) {
  const header = ['system', 'transforms', 'last answer ms', 'p50 ms', 'p99 ms', 'peak RSS MB', 'Pictor faster by', 'other CPU (cores)'];
  const rows = scenario.rows.map((row) => {
    if (!row.roundsOk) return unavailableRow(row, header.length);
    const transforms = row.transforms == null ? '–' : transformCount(row);
    return [systemCell(row), transforms, num(row.totalMs), num(row.p50Ms), num(row.p99Ms), num(row.peakRssMb), times(row.pictorAdvantage), num(row.otherCpuCores)];
  });
  return table(header, rows);
}

function formatsTable(scenario) {
  const header = ['system', ...scenario.cases.map((c) => c.id)];
  const rows = scenario.rows.map((row) => {
    if (!row.cases) return unavailableRow(row, header.length);
    return [systemCell(row), ...row.cases.map((c) => `${c.ok ? '✓' : '✗'} ${c.got.replaceAll('|', '\\|')}`)];
  });
  return table(header, rows, { numeric: false });
}

function loadLine(scenario, results) {
  if (scenario.kind === 'formats') {
    return `One request per case against a fresh server; the answer is decoded with sharp. Not timed. A ✗ fails the run only for ${scenario.requiredFor.join(', ')}.`;
  }
  const timing = results.timing[scenario.id];
  if (scenario.kind === 'herd') {
    return `Load: ${timing.requests ?? scenario.requests} simultaneous GETs, each on its own connection, after one warm-up request for another rendition; ${timing.rounds} round(s), fresh server each.`;
  }
  return `Load: \`wrk -t1 -c${scenario.connections} --latency\`, ${timing.warmupSec} s warm-up + ${timing.durationSec} s measured; ${timing.rounds} round(s), fresh server each; medians over rounds, peak RSS is the highest round.`;
}

function headline(summary) {
  const header = ['scenario', 'Pictor', '× limit', ...PEERS_IN_HEADLINE.map((id) => `vs ${id}`), 'target'];
  const rows = summary.map((scenario) => {
    const pictor = scenario.rows.find((r) => r.system === (scenario.subject ?? 'pictor'));
    const value = !pictor ? 'not run' : pictor.available === false ? 'unavailable' : !pictor.roundsOk ? 'failed'
      : scenario.kind === 'formats' ? `${pictor.cases.filter((c) => c.ok).length}/${pictor.cases.length} cases right`
      : scenario.kind === 'herd' ? `${transformCount(pictor)}, ${num(pictor.totalMs)} ms`
      : scenario.chartMetric === 'peakRssMb' ? `${num(pictor.peakRssMb)} MB, ${num(pictor.rps)} req/s`
      : `${num(pictor.rps)} req/s`;
    const versus = PEERS_IN_HEADLINE.map((id) => times(scenario.rows.find((r) => r.system === id)?.pictorAdvantage));
    return [scenario.title, value, times(pictor?.vsLimit), ...versus, scenario.target ?? ''];
  });
  return table(header, rows, { numeric: false });
}

function busyBoxWarning(summary) {
  const other = summary.flatMap((s) => s.rows.map((r) => r.otherCpuCores)).filter((v) => v != null);
  const typical = median(other);
  if (typical == null || typical < 0.2) return '';
  return `> **Busy machine:** other work used a median ${num(typical)} cores (of the box's cores) during the measurements, so absolute numbers are low and rows differ by how busy the box was at the time; compare rows with similar "other CPU".\n\n`;
}

function availabilityWarning(results) {
  const missing = Object.entries(results.systems).filter(([, s]) => !s.available);
  if (missing.length === 0) return '';
  return `> **Incomplete run:** ${missing.map(([id, s]) => `\`${id}\` was unavailable (${s.reason.split('\n')[0]})`).join('; ')}.\n\n`;
}

export function renderMarkdown(results, summary, { resultsLink, resultsFile, chartFile, soak = '' }) {
  const m = results.machine;
  const versions = Object.entries(results.systems).map(([id, s]) => `| ${id} | ${s.available ? s.version : `unavailable: ${s.reason.split('\n')[0]}`} |`);
  const corpus = results.corpus.images.map((i) => `| ${i.file} | ${i.format} | ${i.width}×${i.height}${i.pages > 1 ? ` × ${i.pages} frames` : ''} | ${i.hasAlpha ? 'yes' : 'no'} | ${num(i.bytes)} |`);
  const otherCpu = summary.flatMap((s) => s.rows.map((r) => r.otherCpuCores)).filter((v) => v != null);
  const otherCpuRange = otherCpu.length ? `median ${num(median(otherCpu))} cores, highest ${num(Math.max(...otherCpu))}` : 'not measured';
  return `# Benchmarks

Generated by \`${results.command}\` from [\`${resultsFile}\`](${resultsLink}) on ${results.startedAt.slice(0, 10)} (run took ${Math.round(results.elapsedSec / 60)} min). Do not edit by hand: rerun the bench, or regenerate this page from a stored result with \`node bench/report.mjs ${resultsFile}\`.

${availabilityWarning(results)}${busyBoxWarning(summary)}Profiles, the reasons behind missed targets, and measurements made apart from this run (faces and foreground, remote sources, before/after comparisons) are in [performance.md](performance.md), written by hand.

![Pictor and its peers, per scenario](${chartFile})

## Headline

"× limit" is throughput against the scenario's limit (raw sharp in-process, or nginx sending a static file). "vs <peer>" is Pictor's advantage over that peer on the scenario's main measure: above 1 means Pictor is better (more req/s, less time, less memory). Targets are from the anchor measurements of this machine.

${headline(summary)}

${summary.map((scenario) => `## ${scenario.title}

${loadLine(scenario, results)}${scenario.limit ? ` Limit: \`${scenario.limit}\`.` : ''}

${{ herd: herdTable, formats: formatsTable }[scenario.kind]?.(scenario) ?? throughputTable(scenario)}
`).join('\n')}
"Other CPU" is CPU used on the box during the measurement by anything but the server and the load generator (other tests, builds): above about 0.2 cores, treat that row with suspicion. "≈" transforms are estimated from the server's CPU time divided by the CPU time of one transform, for systems that expose no counter.

${soak ? `${soak}\n` : ''}## How it was measured

- Command: \`${results.command}\` (${results.mode} mode, ${results.rounds} round(s)); it installs what it needs, builds the corpus, then runs every scenario against every system.
- Each round runs every scenario; inside a scenario the systems' order rotates by one per round, so none always runs first or last. Each (system, scenario, round) gets a fresh server, one checked request (the answer is decoded with sharp and its format and width compared), a wrk warm-up, then the measured wrk run.
- Load generator: \`wrk\` 4 with one thread on the same box (Node generators saturate near 2.5k req/s); p50/p99 from \`--latency\`. Cold scenarios give every request a unique URL where the system has a cache that cannot be switched off.
- Peak RSS: \`VmHWM\` from \`/proc/<pid>/status\` summed over the server's process tree, read before stopping (shared pages counted per process: an upper bound for multi-process servers).
- Nothing is pinned: server and load generator share the ${m.cores} cores. Other CPU during the runs: ${otherCpuRange}.

## Machine

| fact | value |
| --- | --- |
| CPU | ${m.cpu}${m.virtualised ? ' (virtual machine)' : ''} |
| cores (\`nproc\`) | ${m.cores} |
| memory | ${m.memoryGiB} GiB |
| OS, kernel | ${m.os}, ${m.kernel} |
| Node | ${m.node} |
| wrk | ${m.wrk} |
| load average at start | ${m.loadAverageAtStart.join(', ')} |

## Versions

| system | version |
| --- | --- |
${versions.join('\n')}

## Corpus

${results.corpus.credit}; derived with sharp at bench time (\`bench/corpus.mjs\`), never committed.

| file | format | size | alpha | bytes |
| --- | --- | --- | --- | ---: |
${corpus.join('\n')}

## Notes on the systems

${SYSTEM_NOTES.map((note) => `- ${note}`).join('\n')}
`;
}
