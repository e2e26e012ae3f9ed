// One image of an application: the current replay plan (what it costs, how much of the image it
// is) and the ranked traces it was merged from, with downloads and a way to compare two traces.
import { h, table, card, facts } from '../dom.js';
import { api, download } from '../api.js';
import * as fmt from '../format.js';
import { problemBox } from '../problem.js';
import { barChart } from '../charts/bars.js';
import { layerColor } from '../charts/scale.js';
import { breadcrumbs, href } from './links.js';

const POLL_MS = 2000;
const POLL_LIMIT = 60;

function downloadButton(label, accessibleName, action, status) {
  return h('button', {
    type: 'button',
    class: 'button secondary',
    'aria-label': accessibleName,
    onclick: async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      status.replaceChildren(`Downloading ${accessibleName.replace(/^Download /, '')}…`);
      try {
        const file = await action();
        status.replaceChildren(`Downloaded ${file.name} (${fmt.bytes(file.size)}).`);
      } catch (error) {
        status.replaceChildren(problemBox(error));
      } finally {
        button.disabled = false;
      }
    },
  }, label);
}

function planView(app, digest, plan, status) {
  const fileBase = `${app}-${digest.replace(':', '-').slice(0, 19)}-v${plan.version}`;
  const rows = plan.layers.map((layer) => ({
    label: `layer ${layer.index} ${fmt.digest(layer.digest)}`,
    value: layer.bytes,
    total: layer.size ?? undefined,
    color: layerColor(layer.index),
    valueLabel: layer.size
      ? `${fmt.bytes(layer.bytes)} of ${fmt.bytes(layer.size)} (${fmt.percent(layer.shareOfLayer)})`
      : fmt.bytes(layer.bytes),
  }));
  return [
    h('div', { class: 'cards', id: 'plan-cards' },
      card('Bytes to prefetch', fmt.bytes(plan.bytes), `${fmt.count(plan.bytes)} B compressed`),
      card('Share of image', fmt.percent(plan.shareOfImage),
        plan.imageBytes ? `of ${fmt.bytes(plan.imageBytes)}` : 'image size unknown'),
      card('Requests', fmt.count(plan.requests), 'range requests after coalescing'),
      card('Chunks', plan.chunks === null ? 'unknown' : fmt.count(plan.chunks), 'distinct chunks in the ranges'),
      card('Coverage', fmt.percent(plan.coverage, 0),
        plan.sourceManifestDigest ? `mapped from ${fmt.digest(plan.sourceManifestDigest)}` : 'recorded on this image'),
      card('Needed within', fmt.micros(plan.lastNeededByMicros), 'latest "needed by" of a range')),
    facts([
      ['Plan version', String(plan.version)],
      ['Computed', fmt.date(plan.createdAt)],
      ['Merged from', `${plan.traces.length} trace${plan.traces.length === 1 ? '' : 's'}; a chunk had to appear in ${fmt.percent(plan.minSupport, 0)} of them`],
    ]),
    rows.length
      ? h('figure', { class: 'chart' },
        barChart({ rows, title: 'Planned bytes per layer, against the layer size' }),
        h('figcaption', null, 'Planned compressed bytes per layer; the grey track is the whole layer.'))
      : h('p', { class: 'muted' }, 'The plan prefetches nothing: no chunk reached the required support.'),
    h('div', { class: 'actions' },
      downloadButton('Download replay file', 'Download replay file',
        () => download(api.planPath(app, digest), 'application/x-protobuf', `${fileBase}.replay`), status),
      downloadButton('Download plan as JSON', 'Download plan as JSON',
        () => download(api.planPath(app, digest), 'application/json', `${fileBase}.json`), status)),
  ];
}

function tracesTable(traces, selection, onSelect, status) {
  const maxScore = Math.max(1, ...traces.map((t) => t.score ?? 0));
  return table({
    id: 'ranked-traces',
    caption: `${traces.length} trace${traces.length === 1 ? '' : 's'}, best ranked first`,
    columns: [
      { label: 'Rank', num: true },
      { label: 'Trace' },
      { label: 'Score', num: true },
      { label: 'Reasons' },
      { label: 'In plan' },
      { label: 'Readiness' },
      { label: 'Events', num: true },
      { label: 'Uploaded' },
      { label: 'Actions' },
    ],
    rows: traces.map((t, i) => ({
      attrs: { 'data-trace-id': t.id },
      cells: [
        String(i + 1),
        [h('a', { href: href.trace(t.id), class: 'trace-link', 'aria-label': `Trace ${t.id}` },
          h('code', null, fmt.shortId(t.id))),
        h('div', { class: 'muted' }, t.host || '')],
        t.score === null
          ? h('span', { class: 'score muted' }, 'pending')
          : [h('span', { class: 'score' }, fmt.score(t.score)), ' ',
            h('meter', { min: 0, max: maxScore, value: Math.max(0, t.score), 'aria-hidden': 'true' })],
        t.reasons.length ? h('ul', { class: 'reasons' }, t.reasons.map((r) => h('li', null, r))) : h('span', { class: 'muted' }, '–'),
        t.inPlan === null ? '–' : h('span', { class: `badge ${t.inPlan ? 'ok' : 'neutral'}` }, t.inPlan ? 'merged' : 'not merged'),
        h('span', { class: `badge ${t.readinessReached ? 'ok' : 'bad'}` }, t.readinessReached ? 'reached' : 'not reached'),
        fmt.count(t.eventCount),
        h('span', { class: 'nowrap' }, fmt.date(t.uploadedAt)),
        h('div', { class: 'actions' },
          h('a', { href: href.trace(t.id), class: 'button secondary', 'aria-label': `Timeline of trace ${fmt.shortId(t.id)}` }, 'Timeline'),
          downloadButton('Download', `Download trace file ${fmt.shortId(t.id)}`,
            () => download(api.traceFilePath(t.id), 'application/octet-stream', `${t.id}.trace`), status),
          h('label', { class: 'nowrap' },
            h('input', {
              type: 'checkbox',
              class: 'compare-select',
              value: t.id,
              checked: selection.has(t.id),
              onchange: (e) => onSelect(t.id, e.currentTarget.checked),
            }), ' ', h('span', { class: 'visually-hidden' }, `Select trace ${fmt.shortId(t.id)} for comparison`),
            h('span', { 'aria-hidden': 'true' }, 'compare'))),
      ],
    })),
  });
}

export async function renderImage(ctx) {
  const { app, digest } = ctx.params;
  ctx.title(`${app} image`);
  const selection = new Set();
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'image-status' });
  const downloadStatus = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'download-status' });
  const planSection = h('section', { 'aria-labelledby': 'plan-heading', id: 'plan' });
  const tracesSection = h('section', { 'aria-labelledby': 'traces-heading', id: 'traces' });
  const compareButton = h('button', {
    type: 'button',
    id: 'compare-selected',
    disabled: true,
    onclick: () => {
      const [left, right] = [...selection];
      location.hash = href.compare(left, right);
    },
  }, 'Compare selected traces');
  const compareHint = h('span', { class: 'muted', id: 'compare-hint' }, 'Select two traces to compare them.');
  const onSelect = (id, checked) => {
    if (checked) selection.add(id);
    else selection.delete(id);
    compareButton.disabled = selection.size !== 2;
    compareHint.textContent = selection.size === 2
      ? 'Ready to compare.'
      : `Select two traces to compare them (${selection.size} selected).`;
  };
  const heading = h('h1', null, 'Image ', h('span', { class: 'break' }, ''));
  let shown = false;
  let polls = 0;

  async function load() {
    let traces;
    try {
      traces = await api.rankedTraces(app, digest, ctx.signal);
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      ctx.show(breadcrumbs(['Applications', href.apps()], [app, href.app(app)], [fmt.digest(digest)]),
        h('h1', null, `Image ${fmt.digest(digest)}`), problemBox(error));
      return;
    }
    let plan = null;
    let planError = null;
    try {
      plan = await api.planSummary(app, digest, ctx.signal);
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      planError = error;
    }
    const reference = traces[0]?.imageReference || fmt.digest(digest);
    heading.lastChild.textContent = reference;
    ctx.title(`${app} · ${reference}`);

    const planContent = plan ? planView(app, digest, plan, downloadStatus)
      : planError.status === 404
        ? [h('p', { class: 'notice', id: 'no-plan' }, 'No plan yet: the store computes it in the background after each upload.')]
        : [problemBox(planError)];
    planSection.replaceChildren(h('h2', { id: 'plan-heading' }, 'Current replay plan'), ...planContent, downloadStatus);
    for (const id of [...selection]) if (!traces.some((t) => t.id === id)) onSelect(id, false);
    tracesSection.replaceChildren(h('h2', { id: 'traces-heading' }, 'Ranked traces'),
      h('div', { class: 'toolbar' }, compareButton, compareHint),
      tracesTable(traces, selection, onSelect, downloadStatus));

    const pending = traces.some((t) => t.score === null) || (!plan && traces.length > 0)
      || (plan && traces.some((t) => t.planVersion !== null && t.planVersion > plan.version));
    if (pending && polls < POLL_LIMIT) {
      polls += 1;
      status.textContent = 'Ranking in progress; this page refreshes by itself.';
      ctx.after(POLL_MS, () => load().catch((e) => { if (e.name !== 'AbortError') status.replaceChildren(problemBox(e)); }));
    } else if (pending) {
      status.textContent = 'Ranking has not finished yet; reload the page later.';
    } else {
      status.textContent = `Ranked with plan version ${plan?.version ?? '–'}.`;
    }
    if (!shown) {
      shown = true;
      ctx.show(
        breadcrumbs(['Applications', href.apps()], [app, href.app(app)], [reference]),
        heading,
        h('p', null, 'Manifest digest ', h('code', { class: 'break', id: 'manifest-digest' }, digest)),
        status,
        planSection,
        tracesSection);
    }
  }
  await load();
}
