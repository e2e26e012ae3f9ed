// Two starts side by side: how alike they are, and what each read that the other did not.
import { h, table, card, facts } from '../dom.js';
import { api } from '../api.js';
import * as fmt from '../format.js';
import { problemBox } from '../problem.js';
import { timelineChart } from '../charts/timeline.js';
import { breadcrumbs, href } from './links.js';

const SHARED = { key: 'shared', label: 'file also touched by the other trace', color: '#8c959f' };
const ONLY = { key: 'only', label: 'file only this trace touched', color: '#D55E00' };

function column(label, side, view, other, difference) {
  const otherPaths = new Set(other.files.filter((f) => f.firstAccessMicros !== null).map((f) => f.path));
  const pathOf = new Map(view.files.map((f) => [f.index, f.path]));
  const touched = view.files.filter((f) => f.firstAccessMicros !== null).length;
  return h('section', { class: 'compare-side', 'aria-labelledby': `side-${label}`, id: `side-${label}` },
    h('h2', { id: `side-${label}` }, `${label === 'left' ? 'A' : 'B'}: trace `,
      h('a', { href: href.trace(side.id) }, h('code', null, fmt.shortId(side.id)))),
    facts([
      ['Host', side.host || '–'],
      ['Image', h('code', { class: 'break' }, side.manifestDigest)],
      ['Uploaded', fmt.date(side.uploadedAt)],
      ['Score', fmt.score(side.score)],
      ['Read', `${fmt.count(side.chunks)} chunks, ${fmt.bytes(side.bytes)}, ${fmt.count(side.files)} files`],
      ['Readiness', view.readiness.reached ? `reached after ${fmt.micros(view.readiness.timeToReadyMicros)}` : 'not reached'],
    ]),
    h('figure', { class: 'chart' },
      timelineChart({
        events: view.timeline.events,
        files: view.files,
        spanMicros: view.timeline.spanMicros,
        readiness: view.readiness,
        categories: [SHARED, ONLY],
        categoryOf: (e) => (otherPaths.has(pathOf.get(e.file)) ? 'shared' : 'only'),
        title: `Accesses of trace ${fmt.shortId(side.id)}; files the other trace did not touch highlighted`,
        height: Math.min(460, Math.max(280, 120 + touched * 12)),
        narrow: true,
      })),
    h('h3', null, `Only ${label === 'left' ? 'A' : 'B'} read`),
    h('p', { class: 'only-summary' },
      `${fmt.count(difference.chunks)} chunks (${fmt.bytes(difference.bytes)}) and ${fmt.count(difference.files)} files the other start did not read.`),
    difference.topFiles.length
      ? table({
        id: `only-${label}`,
        caption: h('span', { class: 'visually-hidden' }, `Files only trace ${label === 'left' ? 'A' : 'B'} touched`),
        columns: [{ label: 'File' }, { label: 'Layer', num: true }, { label: 'Bytes', num: true }, { label: 'First access', num: true }],
        rows: difference.topFiles.map((f) => [
          h('code', { class: 'break' }, f.path), String(f.layer), fmt.bytes(f.bytes), fmt.micros(f.firstAccessMicros)]),
      })
      : h('p', { class: 'muted' }, 'No file that the other did not touch too.'));
}

export async function renderCompare(ctx) {
  const { left, right } = ctx.params;
  ctx.title(`Compare ${fmt.shortId(left)} and ${fmt.shortId(right)}`);
  const heading = h('h1', null, 'Compare traces ', h('code', null, fmt.shortId(left)), ' and ', h('code', null, fmt.shortId(right)));
  let comparison;
  let leftView;
  let rightView;
  try {
    [comparison, leftView, rightView] = await Promise.all([
      api.compare(left, right, ctx.signal),
      api.trace(left, ctx.signal),
      api.trace(right, ctx.signal),
    ]);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    ctx.show(breadcrumbs(['Applications', href.apps()], ['Compare']), heading, problemBox(error));
    return;
  }
  const c = comparison;
  ctx.show(
    breadcrumbs(['Applications', href.apps()], [leftView.app, href.app(leftView.app)],
      [leftView.imageReference || fmt.digest(leftView.manifestDigest), href.image(leftView.app, leftView.manifestDigest)],
      ['Compare']),
    heading,
    c.sameImage ? null : h('p', { class: 'notice' }, 'The two traces were recorded on different images; chunks are matched by layer blob digest, files by path.'),
    h('div', { class: 'cards', id: 'compare-cards' },
      card('Similarity', fmt.percent(c.similarity), 'shared bytes / bytes either read'),
      card('Read by both', fmt.bytes(c.commonBytes), `${fmt.count(c.commonChunks)} chunks, ${fmt.count(c.commonFiles)} files`),
      card('Only A', fmt.bytes(c.onlyLeft.bytes), `${fmt.count(c.onlyLeft.chunks)} chunks, ${fmt.count(c.onlyLeft.files)} files`),
      card('Only B', fmt.bytes(c.onlyRight.bytes), `${fmt.count(c.onlyRight.chunks)} chunks, ${fmt.count(c.onlyRight.files)} files`)),
    h('p', { class: 'actions' }, h('a', { class: 'button secondary', href: href.compare(right, left) }, 'Swap sides')),
    h('div', { class: 'grid-2' },
      column('left', c.left, leftView, rightView, c.onlyLeft),
      column('right', c.right, rightView, leftView, c.onlyRight)));
}
