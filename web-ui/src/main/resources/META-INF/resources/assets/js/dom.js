// Small DOM builders. Text always goes in as text nodes, never as HTML, so data from traces
// (paths, host names, reasons) cannot inject markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'style' && typeof value === 'object') {
      Object.assign(el.style, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h('a', {href: '#/'}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element, same calling convention as h(). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

let ids = 0;
/** A document-unique id for aria-labelledby and label/for pairs. */
export function uid(prefix = 'id') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A table: columns are {label, num?} and rows arrays of cells (nodes or text). */
export function table({ caption, columns, rows, id, className }) {
  return h('div', { class: 'table-wrap' },
    h('table', { id, class: className },
      caption ? h('caption', null, caption) : null,
      h('thead', null, h('tr', null, columns.map((c) =>
        h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h('tbody', null, rows.map((row) => {
        const attrs = row.attrs ?? {};
        const cells = row.cells ?? row;
        return h('tr', attrs, cells.map((cell, i) =>
          h(i === 0 && columns[0].header ? 'th' : 'td',
            { class: columns[i]?.num ? 'num' : null, scope: i === 0 && columns[0].header ? 'row' : null },
            cell)));
      }))));
}

/** A definition list of [term, value] pairs; null values are left out. */
export function facts(pairs) {
  return h('dl', { class: 'facts' },
    pairs.filter(([, value]) => value !== null && value !== undefined)
      .map(([term, value]) => [h('dt', null, term), h('dd', null, value)]));
}

/** A figure card: label, big value, optional sub-line. */
export function card(label, value, sub) {
  return h('div', { class: 'card' },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    sub ? h('div', { class: 'sub' }, sub) : null);
}
