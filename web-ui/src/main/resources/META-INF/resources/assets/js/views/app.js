// One application: its images, newest first, each with traces and plan.
import { h, table } from '../dom.js';
import { api } from '../api.js';
import * as fmt from '../format.js';
import { problemBox } from '../problem.js';
import { breadcrumbs, href } from './links.js';

export async function renderApp(ctx) {
  const { app } = ctx.params;
  ctx.title(app);
  const top = [breadcrumbs(['Applications', href.apps()], [app]), h('h1', null, `Application ${app}`)];
  let images;
  try {
    images = await api.images(app, ctx.signal);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    ctx.show(...top, problemBox(error));
    return;
  }
  ctx.show(...top,
    table({
      id: 'images-table',
      caption: `${images.length} image${images.length === 1 ? '' : 's'}, newest first`,
      columns: [
        { label: 'Image', header: true },
        { label: 'Manifest digest' },
        { label: 'Traces', num: true },
        { label: 'Last upload' },
        { label: 'Plan version', num: true },
      ],
      rows: images.map((img) => [
        h('a', { href: href.image(app, img.manifestDigest) }, img.imageReference || fmt.digest(img.manifestDigest)),
        h('code', { class: 'break' }, img.manifestDigest),
        fmt.count(img.traceCount),
        fmt.date(img.lastUploadAt),
        img.planVersion ?? h('span', { class: 'muted' }, 'none yet'),
      ]),
    }));
}
