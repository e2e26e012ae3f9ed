// Links between pages, and the breadcrumb trail at the top of each.
import { h } from '../dom.js';

const seg = encodeURIComponent;

export const href = {
  apps: () => '#/apps',
  app: (app) => `#/apps/${seg(app)}`,
  image: (app, digest) => `#/apps/${seg(app)}/images/${seg(digest)}`,
  trace: (id) => `#/traces/${seg(id)}`,
  compare: (left, right) => `#/compare/${seg(left)}/${seg(right)}`,
  upload: () => '#/upload',
};

/** items: [label, href] pairs; the last one is the current page (no link). */
export function breadcrumbs(...items) {
  return h('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' },
    h('ol', null, items.map(([label, link], i) =>
      h('li', null, i === items.length - 1
        ? h('span', { 'aria-current': 'page' }, label)
        : h('a', { href: link }, label)))));
}
