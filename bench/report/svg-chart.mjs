// Draws docs/benchmarks.svg: one panel per scenario, one horizontal bar per system, each panel on
// its own scale (the scenarios measure different things).
import { num, times, transformCount, METRIC_LABEL } from './format.mjs';

const WIDTH = 960;
const LABEL_WIDTH = 230;
const BAR_AREA = 500;
const BAR_HEIGHT = 18;
const ROW_GAP = 6;
const PANEL_HEADER = 40;
const PANEL_GAP = 18;
const COLOR = { subject: '#e8590c', limit: '#868e96', reference: '#ced4da', peer: '#4263eb' };

export function escapeXml(text) {
  return String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
}

export function text(x, y, content, attributes = '') {
  return `<text x="${x}" y="${y}" ${attributes}>${escapeXml(content)}</text>`;
}

function valueLabel(scenario, row) {
  const metric = scenario.chartMetric;
  const value = row[metric];
  const unit = { rps: 'req/s', totalMs: 'ms', peakRssMb: 'MB' }[metric];
  const extra =
    metric === 'rps' && row.vsLimit != null && row.role !== 'limit' ? ` · ${times(row.vsLimit)} limit`
    : metric === 'totalMs' && row.transforms != null ? ` · ${transformCount(row)}`
    : '';
  return `${num(value)} ${unit}${extra}`;
}

function panel(scenario, top) {
  const parts = [
    text(0, top + 16, scenario.title, 'font-weight="bold" font-size="14"'),
    text(0, top + 32, METRIC_LABEL[scenario.chartMetric], 'font-size="11" fill="#555"'),
  ];
  const max = Math.max(...scenario.rows.map((r) => r[scenario.chartMetric] ?? 0), 1e-9);
  scenario.rows.forEach((row, i) => {
    const y = top + PANEL_HEADER + i * (BAR_HEIGHT + ROW_GAP);
    parts.push(text(LABEL_WIDTH - 8, y + 13, row.label, `text-anchor="end" font-size="12"${row.role === 'subject' ? ' font-weight="bold"' : ''}`));
    const value = row[scenario.chartMetric];
    if (!row.roundsOk || value == null) {
      parts.push(text(LABEL_WIDTH, y + 13, row.available === false ? 'unavailable' : 'failed', 'font-size="12" fill="#c92a2a"'));
      return;
    }
    const length = Math.max(1, (value / max) * BAR_AREA);
    parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${length.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLOR[row.role] ?? COLOR.peer}" rx="2"/>`);
    parts.push(text(LABEL_WIDTH + length + 6, y + 13, valueLabel(scenario, row), 'font-size="12"'));
  });
  return { svg: parts.join('\n'), height: PANEL_HEADER + scenario.rows.length * (BAR_HEIGHT + ROW_GAP) + PANEL_GAP };
}

export function renderChart(results, summary) {
  const title = `Pictor vs peers and limits · ${results.startedAt.slice(0, 10)} · ${results.machine.cores} cores · ${results.mode} run, ${results.rounds} round(s)`;
  const legend = Object.entries({ Pictor: COLOR.subject, 'limit (raw sharp / nginx static)': COLOR.limit, 'bare node:http': COLOR.reference, peer: COLOR.peer })
    .map(([name, color], i) => `<rect x="${i * 200}" y="34" width="12" height="12" fill="${color}"/>${text(i * 200 + 18, 45, name, 'font-size="12"')}`)
    .join('\n');
  let top = 64;
  const panels = summary.filter((scenario) => scenario.chartMetric).map((scenario) => {
    const drawn = panel(scenario, top);
    top += drawn.height;
    return drawn.svg;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top}" viewBox="0 0 ${WIDTH} ${top}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<g transform="translate(10,0)">
${text(0, 20, title, 'font-weight="bold" font-size="16"')}
${legend}
${panels.join('\n')}
</g>
</svg>
`;
}
