// Applications: every app with its images, trace count, last upload and how far plans reach.
import { h, table } from '../dom.js';
import { api } from '../api.js';
import * as fmt from '../format.js';
import { problemBox } from '../problem.js';
import { href } from './links.js';

function coverage(app) {
  if (app.imageCount === 0) return h('span', { class: 'muted' }, 'no images');
  const newest = app.images[0];
  const planned = h('span', { class: `badge ${app.plannedImages === app.imageCount ? 'ok' : app.plannedImages ? 'warn' : 'neutral'}` },
    `${app.plannedImages} of ${app.imageCount} image${app.imageCount === 1 ? '' : 's'} planned`);
  const newestLine = newest?.planCoverage !== null && newest?.planCoverage !== undefined
    ? h('div', { class: 'muted' }, `newest image: ${fmt.percent(newest.planCoverage, 0)} of plan bytes mapped`)
    : h('div', { class: 'muted' }, 'newest image: no plan yet');
  return [planned, newestLine];
}

function images(app) {
  const shown = app.images.slice(0, 3);
  return h('ul', { class: 'plain' },
    shown.map((img) => h('li', null,
      h('a', { href: href.image(app.name, img.manifestDigest), class: 'image-link' },
        img.imageReference || fmt.digest(img.manifestDigest)),
      ' ', h('span', { class: 'muted mono' }, fmt.digest(img.manifestDigest)))),
    app.images.length > shown.length
      ? h('li', null, h('a', { href: href.app(app.name) }, `all ${app.images.length} images`))
      : null);
}

export async function renderApps(ctx) {
  ctx.title('Applications');
  const heading = h('h1', null, 'Applications');
  let apps;
  try {
    apps = await api.apps(ctx.signal);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    ctx.show(heading, problemBox(error));
    return;
  }
  if (apps.length === 0) {
    ctx.show(heading, h('div', { class: 'empty' },
      h('p', null, 'No traces yet.'),
      h('p', null, h('a', { href: href.upload() }, 'Upload a trace file'),
        ' or record one with ', h('code', null, 'bin/record-trace'), '.')));
    return;
  }
  const totalTraces = apps.reduce((n, a) => n + a.traceCount, 0);
  ctx.show(
    heading,
    h('p', { class: 'muted' }, `${apps.length} application${apps.length === 1 ? '' : 's'}, ${fmt.count(totalTraces)} recorded starts.`),
    table({
      id: 'apps-table',
      caption: h('span', { class: 'visually-hidden' }, 'Applications with traces'),
      columns: [
        { label: 'Application', header: true },
        { label: 'Images' },
        { label: 'Traces', num: true },
        { label: 'Last upload' },
        { label: 'Plan coverage' },
      ],
      rows: apps.map((app) => ({
        attrs: { 'data-app': app.name },
        cells: [
          h('a', { href: href.app(app.name) }, app.name),
          images(app),
          fmt.count(app.traceCount),
          h('span', { class: 'nowrap' }, fmt.date(app.lastUploadAt)),
          coverage(app),
        ],
      })),
    }));
}
