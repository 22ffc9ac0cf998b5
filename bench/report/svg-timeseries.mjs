// Draws a soak's chart (docs/soak.svg): stacked panels over the same time axis, one line per
// series, each panel on its own scale. Shares its text helpers with the benchmark bar chart.
import { text } from './svg-chart.mjs';

const WIDTH = 960;
const LEFT = 70;
const PLOT_WIDTH = 840;
const PLOT_HEIGHT = 150;
const PANEL_GAP = 60;

const niceMax = (value) => {
  if (!(value > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
};

/**
 * @param {object} options
 * @param {string} options.title
 * @param {number} options.minutes  length of the time axis
 * @param {Array<{title:string, unit:string, series:Array<{label:string, color:string, points:Array<{x:number,y:number|null}>, dashed?:boolean}>}>} options.panels
 */
export function renderTimeSeries({ title, minutes, panels }) {
  const parts = [text(0, 20, title, 'font-weight="bold" font-size="16"')];
  let top = 70;
  for (const panel of panels) {
    const values = panel.series.flatMap((s) => s.points.map((p) => p.y)).filter((y) => y != null);
    const max = niceMax(Math.max(...values, 0));
    const x = (minute) => LEFT + (minute / (minutes || 1)) * PLOT_WIDTH;
    const y = (value) => top + PLOT_HEIGHT - (value / max) * PLOT_HEIGHT;
    parts.push(text(0, top - 12, `${panel.title} (${panel.unit})`, 'font-weight="bold" font-size="13"'));
    parts.push(`<rect x="${LEFT}" y="${top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="none" stroke="#ced4da"/>`);
    for (const tick of [0, 0.5, 1]) {
      parts.push(text(LEFT - 6, y(max * tick) + 4, String(Math.round(max * tick * 10) / 10), 'text-anchor="end" font-size="11" fill="#555"'));
    }
    for (let m = 0; m <= minutes; m += Math.max(1, Math.ceil(minutes / 10))) {
      parts.push(text(x(m), top + PLOT_HEIGHT + 14, `${m}`, 'text-anchor="middle" font-size="11" fill="#555"'));
    }
    panel.series.forEach((series, i) => {
      const path = series.points.filter((p) => p.y != null).map((p, j) => `${j ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="1.5"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      parts.push(`<rect x="${LEFT + 10 + i * 280}" y="${top + 8}" width="12" height="3" fill="${series.color}"/>`);
      parts.push(text(LEFT + 28 + i * 280, top + 14, series.label, 'font-size="11"'));
    });
    top += PLOT_HEIGHT + PANEL_GAP;
  }
  parts.push(text(LEFT + PLOT_WIDTH / 2, top - PANEL_GAP + 32, 'minutes since start', 'text-anchor="middle" font-size="12" fill="#555"'));
  const height = top - PANEL_GAP + 44;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<g transform="translate(10,0)">
${parts.join('\n')}
</g>
</svg>
`;
}
