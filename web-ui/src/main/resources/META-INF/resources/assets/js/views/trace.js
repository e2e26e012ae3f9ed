// One recorded start: readiness, how it was ranked, its accesses over time, bytes per layer and
// the files that mattered most.
import { h, table, card, facts, uid } from '../dom.js';
import { api, download } from '../api.js';
import * as fmt from '../format.js';
import { problemBox } from '../problem.js';
import { timelineChart } from '../charts/timeline.js';
import { barChart } from '../charts/bars.js';
import { layerColor } from '../charts/scale.js';
import { breadcrumbs, href } from './links.js';

export function layerCategories(view) {
  return view.layers.map((l) => ({
    key: String(l.index),
    label: `layer ${l.index} ${fmt.digest(l.digest)}`,
    color: layerColor(l.index),
  }));
}

function readinessPanel(r) {
  const state = r.reached
    ? h('span', { class: 'badge ok' }, 'reached')
    : h('span', { class: 'badge bad' }, 'not reached');
  const how = {
    exit: 'the process exited',
    log: 'a log line matched',
    tcp: 'a TCP port accepted',
    http: 'an HTTP URL answered 2xx',
    timeout: 'readiness was never reached (timeout)',
    window: 'the runtime recording window ended',
    unspecified: 'not recorded',
  }[r.kind] ?? r.kind;
  return h('section', { class: 'panel', 'aria-labelledby': 'readiness-heading', id: 'readiness' },
    h('h2', { id: 'readiness-heading' }, 'Readiness ', state),
    facts([
      ['Detected by', `${r.kind}: ${how}`],
      ['Waited for', r.detail || '–'],
      ['Time to ready', r.reached ? fmt.micros(r.timeToReadyMicros) : '–'],
      r.kind === 'exit' ? ['Exit code', String(r.exitCode)] : [null, null],
    ].filter(([k]) => k)));
}

function rankingPanel(v) {
  return h('section', { class: 'panel', 'aria-labelledby': 'ranking-heading', id: 'ranking' },
    h('h2', { id: 'ranking-heading' }, 'Ranking'),
    v.score === null
      ? h('p', { class: 'muted' }, 'Not ranked yet: the store ranks traces in the background after each upload.')
      : [facts([
        ['Score', h('span', { id: 'trace-score' }, fmt.score(v.score))],
        ['In plan', v.inPlan ? `merged into plan version ${v.planVersion}` : `not merged (plan version ${v.planVersion})`],
      ]),
      h('ul', { class: 'reasons', id: 'trace-reasons' }, v.reasons.map((r) => h('li', null, r)))]);
}

function recordingPanel(v) {
  return h('section', { class: 'panel', 'aria-labelledby': 'recording-heading' },
    h('h2', { id: 'recording-heading' }, 'Recording'),
    facts([
      ['Host', v.host || '–'],
      ['Recorded', fmt.date(v.recordedAt)],
      ['Uploaded', fmt.date(v.uploadedAt)],
      ['Mode', v.recordingMode || '–'],
      ['Duration', fmt.micros(v.durationMicros)],
      ['Dropped events', v.droppedEvents ? h('span', { class: 'badge bad' }, fmt.count(v.droppedEvents)) : '0'],
      ['Incomplete', v.incomplete ? h('span', { class: 'badge bad' }, 'yes') : 'no'],
      ['Kernel', v.kernel || '–'],
      ['Recorder', v.recorderVersion || '–'],
      ['File', `${fmt.bytes(v.fileSize)}, ${v.contentDigest}`],
    ]));
}

function filesTable(id, caption, indices, byIndex, firstColumn) {
  const rows = indices.map((i) => byIndex.get(i)).filter(Boolean);
  return table({
    id,
    caption,
    columns: [
      firstColumn,
      { label: 'File' },
      { label: 'Layer', num: true },
      { label: 'Fetched', num: true },
      { label: 'Read', num: true },
      { label: 'Accesses', num: true },
    ],
    rows: rows.map((f) => [
      firstColumn.value(f),
      h('code', { class: 'break' }, f.path),
      [h('span', { class: 'swatch', style: { background: layerColor(f.layer) }, 'aria-hidden': 'true' }), String(f.layer)],
      fmt.bytes(f.fetchedBytes),
      fmt.bytes(f.readBytes),
      fmt.count(f.events),
    ]),
  });
}

async function compareControl(view, signal) {
  let others = [];
  try {
    others = (await api.rankedTraces(view.app, view.manifestDigest, signal)).filter((t) => t.id !== view.id);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
  }
  if (others.length === 0) {
    return h('p', { class: 'muted' }, 'No other trace of this image to compare with.');
  }
  const selectId = uid('compare-with');
  const select = h('select', { id: selectId },
    others.map((t) => h('option', { value: t.id },
      `${fmt.shortId(t.id)} · ${t.host || 'unknown host'} · score ${fmt.score(t.score)}`)));
  return h('form', {
    class: 'toolbar',
    id: 'compare-form',
    onsubmit: (e) => {
      e.preventDefault();
      location.hash = href.compare(view.id, select.value);
    },
  },
  h('div', { class: 'field' }, h('label', { for: selectId }, 'Compare with another trace of this image'), select),
  h('button', { type: 'submit' }, 'Compare'));
}

export async function renderTrace(ctx) {
  const { id } = ctx.params;
  ctx.title(`Trace ${fmt.shortId(id)}`);
  let v;
  try {
    v = await api.trace(id, ctx.signal);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    ctx.show(breadcrumbs(['Applications', href.apps()], [`Trace ${fmt.shortId(id)}`]),
      h('h1', null, `Trace ${fmt.shortId(id)}`), problemBox(error));
    return;
  }
  const byIndex = new Map(v.files.map((f) => [f.index, f]));
  const touched = v.files.filter((f) => f.firstAccessMicros !== null).length;
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const compare = await compareControl(v, ctx.signal);
  const sampledNote = v.timeline.events.length < v.timeline.eventsTotal
    ? ` Showing ${fmt.count(v.timeline.events.length)} of ${fmt.count(v.timeline.eventsTotal)} accesses, evenly sampled; the figures count all of them.`
    : '';

  ctx.show(
    breadcrumbs(['Applications', href.apps()], [v.app, href.app(v.app)],
      [v.imageReference || fmt.digest(v.manifestDigest), href.image(v.app, v.manifestDigest)],
      [`Trace ${fmt.shortId(v.id)}`]),
    h('h1', null, 'Trace ', h('code', null, fmt.shortId(v.id)), h('span', { class: 'muted' }, ` on ${v.host || 'unknown host'}`)),
    h('p', { class: 'muted break' }, 'Trace id ', h('code', { id: 'trace-id' }, v.id)),
    h('div', { class: 'cards', id: 'trace-cards' },
      card('Accesses', fmt.count(v.eventCount), `${fmt.count(touched)} files touched`),
      card('Fetched', fmt.bytes(v.fetchedBytes), 'compressed bytes of distinct chunks'),
      card('Read', fmt.bytes(v.readBytes), 'bytes the reads asked for'),
      card('Time to ready', v.readiness.reached ? fmt.micros(v.readiness.timeToReadyMicros) : 'not reached', `readiness: ${v.readiness.kind}`),
      card('Score', fmt.score(v.score), v.inPlan ? 'merged into the plan' : v.score === null ? '' : 'not merged')),
    h('div', { class: 'actions' },
      h('button', {
        type: 'button',
        class: 'button secondary',
        onclick: async () => {
          try {
            const file = await download(api.traceFilePath(v.id), 'application/octet-stream', `${v.id}.trace`);
            status.replaceChildren(`Downloaded ${file.name} (${fmt.bytes(file.size)}).`);
          } catch (error) {
            status.replaceChildren(problemBox(error));
          }
        },
      }, 'Download trace file'),
      h('a', { class: 'button secondary', href: href.image(v.app, v.manifestDigest) }, 'Back to the ranking')),
    status,
    h('section', { 'aria-labelledby': 'timeline-heading' },
      h('h2', { id: 'timeline-heading' }, 'Timeline of accesses'),
      h('figure', { class: 'chart', id: 'timeline' },
        timelineChart({
          events: v.timeline.events,
          files: v.files,
          spanMicros: v.timeline.spanMicros,
          readiness: v.readiness,
          categories: layerCategories(v),
          categoryOf: (e) => String(e.layer),
          title: `Accesses of trace ${fmt.shortId(v.id)} over time, by file and layer`,
          height: Math.min(560, Math.max(300, 120 + touched * 14)),
        }),
        h('figcaption', null,
          'Each mark is one access: time since the start of the recording across, files in the order the start first touched them down (within a file, further down is a larger offset), colour = the layer the file comes from. Hover a mark for details.' + sampledNote))),
    h('div', { class: 'grid-2' }, readinessPanel(v.readiness), rankingPanel(v)),
    h('section', { 'aria-labelledby': 'layers-heading' },
      h('h2', { id: 'layers-heading' }, 'Bytes per layer'),
      h('figure', { class: 'chart' },
        barChart({
          title: 'Compressed bytes fetched per layer',
          rows: v.layers.map((l) => ({
            label: `layer ${l.index} ${fmt.digest(l.digest)}`,
            value: l.fetchedBytes,
            color: layerColor(l.index),
            valueLabel: `${fmt.bytes(l.fetchedBytes)} in ${fmt.count(l.chunks)} chunks`,
          })),
        })),
      table({
        id: 'layers-table',
        caption: 'Per layer',
        columns: [
          { label: 'Layer', num: true },
          { label: 'Digest' },
          { label: 'Files touched', num: true },
          { label: 'Chunks', num: true },
          { label: 'Fetched', num: true },
          { label: 'Read', num: true },
          { label: 'Layer size', num: true },
        ],
        rows: v.layers.map((l) => [
          [h('span', { class: 'swatch', style: { background: layerColor(l.index) }, 'aria-hidden': 'true' }), String(l.index)],
          h('code', { class: 'break' }, l.digest || 'not listed'),
          fmt.count(l.files),
          fmt.count(l.chunks),
          fmt.bytes(l.fetchedBytes),
          fmt.bytes(l.readBytes),
          l.size ? fmt.bytes(l.size) : '–',
        ]),
      })),
    h('div', null,
      h('section', { 'aria-labelledby': 'top-bytes-heading' },
        h('h2', { id: 'top-bytes-heading' }, 'Top files by bytes'),
        filesTable('top-files-bytes', `The ${v.topFilesByBytes.length} files with the most fetched bytes`,
          v.topFilesByBytes, byIndex, { label: '#', num: true, value: (f) => String(v.topFilesByBytes.indexOf(f.index) + 1) })),
      h('section', { 'aria-labelledby': 'top-first-heading' },
        h('h2', { id: 'top-first-heading' }, 'Top files by first access'),
        filesTable('top-files-first', `The first ${v.topFilesByFirstAccess.length} files the start touched`,
          v.topFilesByFirstAccess, byIndex, { label: 'First access', num: true, value: (f) => fmt.micros(f.firstAccessMicros) }))),
    h('section', { 'aria-labelledby': 'compare-heading' },
      h('h2', { id: 'compare-heading' }, 'Compare'),
      compare));
}
