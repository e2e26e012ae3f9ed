// The timeline of a start: one mark per access, time on x, files on y (in order of first
// access; within a file's band, the offset read goes downwards), coloured by category (the layer
// the file comes from, or "only in this trace" when comparing).
import { s, uid } from '../dom.js';
import * as fmt from '../format.js';
import { linear, ticks } from './scale.js';

const WIDE = { width: 1100, left: 210, pathChars: 30 };
const NARROW = { width: 640, left: 172, pathChars: 22 };
const TITLE_LIMIT = 4000;

/**
 * @param {object} o
 * @param {Array} o.events timeline events {t, file, kind, offset, length, layer}
 * @param {Array} o.files file usages (ordered by first access) with index, path, size
 * @param {number} o.spanMicros right end of the time axis
 * @param {object} o.readiness {reached, timeToReadyMicros}
 * @param {Array} o.categories legend entries {key, label, color}
 * @param {Function} o.categoryOf event -> category key
 * @param {string} o.title accessible title
 * @param {number} [o.height]
 * @param {boolean} [o.narrow] laid out for half the page width (side by side)
 */
export function timelineChart(o) {
  const layout = o.narrow ? NARROW : WIDE;
  const { width } = layout;
  const margin = { top: 44, right: 24, bottom: 48, left: layout.left };
  const height = o.height ?? 420;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const accessed = o.files.filter((f) => f.firstAccessMicros !== null && f.firstAccessMicros !== undefined);
  const rank = new Map(accessed.map((f, i) => [f.index, i]));
  const band = plotH / Math.max(1, accessed.length);
  const span = o.events.reduce((max, e) => Math.max(max, e.t), Math.max(1, o.spanMicros));
  const x = linear([0, span], [margin.left, margin.left + plotW]);
  const fileByIndex = new Map(o.files.map((f) => [f.index, f]));
  const yOf = (e) => {
    const r = rank.get(e.file) ?? 0;
    const size = fileByIndex.get(e.file)?.size ?? 0;
    const within = size > 0 ? Math.min(1, Math.max(0, e.offset / size)) : 0.5;
    return margin.top + r * band + Math.min(band - 1, Math.max(1, within * band));
  };

  const titleId = uid('timeline-title');
  const descId = uid('timeline-desc');
  const svg = s('svg', {
    class: 'chart timeline',
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
  },
  s('title', { id: titleId }, o.title),
  s('desc', { id: descId },
    `${o.events.length} accesses to ${accessed.length} files over ${fmt.micros(span)}.` +
    (o.readiness?.reached ? ` Ready after ${fmt.micros(o.readiness.timeToReadyMicros)}.` : ' Readiness not reached.')));

  // Grid and x axis.
  const xTicks = ticks(span, o.narrow ? 5 : 8);
  const grid = s('g', { class: 'grid' });
  const xAxis = s('g', { class: 'axis x-axis' });
  for (const v of xTicks) {
    const px = x(v);
    grid.append(s('line', { x1: px, x2: px, y1: margin.top, y2: margin.top + plotH }));
    xAxis.append(
      s('line', { x1: px, x2: px, y1: margin.top + plotH, y2: margin.top + plotH + 5 }),
      s('text', { class: 'tick-label', x: px, y: margin.top + plotH + 18, 'text-anchor': 'middle' }, fmt.micros(v)));
  }
  xAxis.append(
    s('line', { x1: margin.left, x2: margin.left + plotW, y1: margin.top + plotH, y2: margin.top + plotH }),
    s('text', { class: 'axis-title', x: margin.left + plotW / 2, y: height - 8, 'text-anchor': 'middle' },
      'Time since the start of the recording'));

  // Y axis: a label for a few files, evenly spread over the ranks.
  const yAxis = s('g', { class: 'axis y-axis' },
    s('line', { x1: margin.left, x2: margin.left, y1: margin.top, y2: margin.top + plotH }));
  const labelEvery = Math.max(1, Math.ceil(accessed.length / Math.max(1, Math.floor(plotH / 16))));
  accessed.forEach((f, i) => {
    if (i % labelEvery !== 0) return;
    const py = margin.top + i * band + band / 2;
    yAxis.append(
      s('line', { x1: margin.left - 4, x2: margin.left, y1: py, y2: py }),
      s('text', { class: 'tick-label', x: margin.left - 7, y: py + 3.5, 'text-anchor': 'end' },
        s('title', null, f.path), fmt.path(f.path, layout.pathChars)));
  });
  yAxis.append(s('text', {
    class: 'axis-title',
    transform: `translate(14 ${margin.top + plotH / 2}) rotate(-90)`,
    'text-anchor': 'middle',
  }, 'Files by first access (offset ↓)'));

  // The accesses, one group per category so each can be counted and styled.
  const colors = new Map(o.categories.map((c) => [c.key, c.color]));
  const groups = new Map(o.categories.map((c) => [c.key, s('g', { class: 'accesses', 'data-category': c.key, fill: c.color })]));
  const r = o.events.length > 3000 ? 1.8 : 3;
  const withTitles = o.events.length <= TITLE_LIMIT;
  for (const e of o.events) {
    const key = o.categoryOf(e);
    let group = groups.get(key);
    if (!group) {
      group = s('g', { class: 'accesses', 'data-category': key, fill: colors.get(key) ?? '#666' });
      groups.set(key, group);
    }
    const mark = s('circle', { class: 'access', cx: x(e.t).toFixed(1), cy: yOf(e).toFixed(1), r });
    if (withTitles) {
      const file = fileByIndex.get(e.file);
      mark.append(s('title', null,
        `${fmt.micros(e.t)} · ${e.kind} ${file?.path ?? '#' + e.file}` +
        (e.kind === 'read' ? ` · offset ${fmt.count(e.offset)}, ${fmt.bytes(e.length)}` : '') +
        ` · layer ${e.layer}`));
    }
    group.append(mark);
  }

  // Readiness marker.
  const marks = s('g', { class: 'marks' });
  if (o.readiness?.reached && o.readiness.timeToReadyMicros > 0) {
    const px = x(o.readiness.timeToReadyMicros);
    marks.append(
      s('line', { class: 'ready-line', x1: px, x2: px, y1: margin.top - 6, y2: margin.top + plotH }),
      s('text', { class: 'ready-label', x: px - 4, y: margin.top - 10, 'text-anchor': 'end' },
        `ready ${fmt.micros(o.readiness.timeToReadyMicros)}`));
  }

  // Legend across the top.
  const legend = s('g', { class: 'legend' });
  let lx = o.narrow ? 8 : margin.left;
  for (const c of o.categories) {
    const item = s('g', { class: 'legend-item', transform: `translate(${lx} 14)` },
      s('rect', { width: 12, height: 12, rx: 2, fill: c.color }),
      s('text', { class: 'legend-label', x: 17, y: 10.5 }, c.label));
    legend.append(item);
    lx += 30 + c.label.length * 6.6;
  }

  svg.append(grid, xAxis, yAxis, ...groups.values(), marks, legend);
  return svg;
}
