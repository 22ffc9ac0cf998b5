// Writes a run's results: bench/results/<timestamp>.json (full runs) or bench/.work/results/
// (quick runs), and for full runs regenerates docs/benchmarks.md and docs/benchmarks.svg.
// `node bench/report.mjs bench/results/<file>.json` regenerates the docs from a stored result.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { summarize } from './report/summarize.mjs';
import { renderMarkdown } from './report/markdown.mjs';
import { renderChart } from './report/svg-chart.mjs';
import { soakSection } from './soak/markdown.mjs';
import { DOCS_DIR, REPO_DIR, RESULTS_DIR, WORK_DIR } from './lib/paths.mjs';

export function writeResults(results) {
  const dir = results.mode === 'full' ? RESULTS_DIR : path.join(WORK_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ ...results, summary: summarize(results) }, null, 2) + '\n');
  return file;
}

export function writeDocs(results, resultsFile) {
  const summary = summarize(results);
  mkdirSync(DOCS_DIR, { recursive: true });
  const markdownFile = path.join(DOCS_DIR, 'benchmarks.md');
  const chartFile = path.join(DOCS_DIR, 'benchmarks.svg');
  const links = { resultsLink: path.relative(DOCS_DIR, resultsFile), resultsFile: path.relative(REPO_DIR, resultsFile), chartFile: 'benchmarks.svg' };
  writeFileSync(chartFile, renderChart(results, summary));
  // The soak has its own command (npm run soak) and report; its section is kept on every rewrite.
  const soakFile = path.join(DOCS_DIR, 'soak.json');
  const soak = existsSync(soakFile) ? soakSection(JSON.parse(readFileSync(soakFile, 'utf8'))) : '';
  writeFileSync(markdownFile, renderMarkdown(results, summary, { ...links, soak }));
  return [markdownFile, chartFile].map((f) => path.relative(REPO_DIR, f));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const resultsFile = path.resolve(process.argv[2] ?? '');
  if (!process.argv[2]) {
    console.error('usage: node bench/report.mjs bench/results/<file>.json');
    process.exit(2);
  }
  console.log(writeDocs(JSON.parse(readFileSync(resultsFile, 'utf8')), resultsFile).join('\n'));
}
