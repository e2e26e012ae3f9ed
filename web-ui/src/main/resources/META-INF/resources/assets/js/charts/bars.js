// Horizontal bar chart: one labelled bar per row, optionally against a grey track showing the
// whole (e.g. bytes planned out of the layer's size).
import { s, uid } from '../dom.js';
import { linear } from './scale.js';

const WIDTH = 1100;

/**
 * @param {object} o
 * @param {Array} o.rows {label, value, total?, color, valueLabel}
 * @param {string} o.title accessible title
 * @param {string} [o.desc]
 */
export function barChart(o) {
  const rowH = 26;
  const labelW = 260;
  const valueW = 210;
  const top = 6;
  const height = top + o.rows.length * rowH + 6;
  const max = Math.max(1, ...o.rows.map((r) => Math.max(r.value, r.total ?? 0)));
  const x = linear([0, max], [0, WIDTH - labelW - valueW - 10]);
  const titleId = uid('bars-title');
  const descId = uid('bars-desc');
  const svg = s('svg', {
    class: 'chart bars',
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
  },
  s('title', { id: titleId }, o.title),
  s('desc', { id: descId }, o.desc ?? o.rows.map((r) => `${r.label}: ${r.valueLabel}`).join('; ')));
  o.rows.forEach((r, i) => {
    const y = top + i * rowH;
    const g = s('g', { class: 'bar-row', transform: `translate(0 ${y})` },
      s('text', { class: 'bar-label', x: labelW - 8, y: 16, 'text-anchor': 'end' }, r.label));
    if (r.total) {
      g.append(s('rect', { class: 'bar-track', x: labelW, y: 4, height: 16, width: Math.max(1, x(r.total)), rx: 2 }));
    }
    g.append(
      s('rect', { class: 'bar', x: labelW, y: 4, height: 16, width: Math.max(r.value > 0 ? 2 : 0, x(r.value)), rx: 2, fill: r.color }),
      s('text', { class: 'bar-value', x: labelW + Math.max(x(r.value), r.total ? x(r.total) : 0) + 8, y: 16 }, r.valueLabel));
    svg.append(g);
  });
  return svg;
}
