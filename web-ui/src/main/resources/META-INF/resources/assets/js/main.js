// The single-page shell: hash routes, the session area, focus handling between pages.
import { h } from './dom.js';
import * as session from './session.js';
import { renderApps } from './views/apps.js';
import { renderApp } from './views/app.js';
import { renderImage } from './views/image.js';
import { renderTrace } from './views/trace.js';
import { renderCompare } from './views/compare.js';
import { renderUpload } from './views/upload.js';
import { renderLogin } from './views/login.js';
import { problemBox } from './problem.js';

const routes = [
  { pattern: ['apps'], nav: 'apps', render: renderApps },
  { pattern: ['apps', ':app'], nav: 'apps', render: renderApp },
  { pattern: ['apps', ':app', 'images', ':digest'], nav: 'apps', render: renderImage },
  { pattern: ['traces', ':id'], nav: 'apps', render: renderTrace },
  { pattern: ['compare', ':left', ':right'], nav: 'apps', render: renderCompare },
  { pattern: ['upload'], nav: 'upload', render: renderUpload },
  { pattern: ['login'], nav: 'login', render: renderLogin },
];

function match(hash) {
  const [pathPart, queryPart = ''] = hash.replace(/^#\/?/, '').split('?');
  const segments = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments.length === 0) return { route: routes[0], params: {}, query: new URLSearchParams() };
  for (const route of routes) {
    if (route.pattern.length !== segments.length) continue;
    const params = {};
    const ok = route.pattern.every((p, i) => {
      if (p.startsWith(':')) {
        params[p.slice(1)] = segments[i];
        return true;
      }
      return p === segments[i];
    });
    if (ok) return { route, params, query: new URLSearchParams(queryPart) };
  }
  return null;
}

const main = document.getElementById('main');
let current = null;

/** Everything a page may use; timers and requests end when the person leaves the page. */
function context(params, query) {
  const controller = new AbortController();
  const timers = new Set();
  const ctx = {
    params,
    query,
    main,
    signal: controller.signal,
    isCurrent: () => current === ctx,
    title(text) {
      document.title = `${text} · tracefetch`;
    },
    after(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        if (ctx.isCurrent()) fn();
      }, ms);
      timers.add(t);
    },
    leave() {
      controller.abort();
      timers.forEach(clearTimeout);
    },
    /** Replaces the page content and moves focus to its heading (for keyboard and screen readers). */
    show(...nodes) {
      if (!ctx.isCurrent()) return;
      main.replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
      main.removeAttribute('aria-busy');
      const heading = main.querySelector('h1');
      if (heading && ctx.focusOnShow) {
        heading.setAttribute('tabindex', '-1');
        heading.focus({ preventScroll: true });
        ctx.focusOnShow = false;
      }
    },
    focusOnShow: true,
  };
  return ctx;
}

async function route() {
  if (location.hash === '#main') return;
  const found = match(location.hash || '#/apps');
  current?.leave();
  const ctx = context(found?.params ?? {}, found?.query ?? new URLSearchParams());
  current = ctx;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (found && link.dataset.nav === found.route.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.setAttribute('aria-busy', 'true');
  if (!found) {
    ctx.title('Not found');
    ctx.show(h('h1', null, 'Page not found'),
      h('p', null, 'No page at ', h('code', null, location.hash), '. ', h('a', { href: '#/apps' }, 'Go to applications'), '.'));
    return;
  }
  main.replaceChildren(h('p', { class: 'status', role: 'status' }, 'Loading…'));
  try {
    await found.route.render(ctx);
  } catch (error) {
    if (error.name === 'AbortError' || !ctx.isCurrent()) return;
    console.error(error);
    ctx.title('Error');
    ctx.show(h('h1', null, 'Something went wrong'), problemBox(error));
  }
}

function renderSession() {
  const box = document.getElementById('session');
  if (session.hasToken()) {
    box.replaceChildren(
      h('span', { id: 'session-state' }, 'Token in use'),
      h('button', {
        type: 'button',
        class: 'button secondary',
        id: 'logout',
        onclick: () => {
          session.clearToken();
          location.hash = '#/login';
        },
      }, 'Log out'));
  } else {
    box.replaceChildren(
      h('span', { id: 'session-state' }, 'No token'),
      h('a', { class: 'button secondary', href: '#/login', id: 'login-link' }, 'Log in'));
  }
}

document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
session.onChange(renderSession);
window.addEventListener('hashchange', route);
renderSession();
route();
