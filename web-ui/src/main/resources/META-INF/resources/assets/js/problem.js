// How failures are shown: the problem's title, status and detail as the store sent them, plus
// what the person can do about it.
import { h } from './dom.js';
import { hasToken } from './session.js';

export function loginHref() {
  const here = location.hash && !location.hash.startsWith('#/login') ? location.hash : '#/apps';
  return `#/login?next=${encodeURIComponent(here)}`;
}

function advice(error, onLoginPage) {
  if (onLoginPage && error.status === 401) {
    return ['Check the token: it may be mistyped, revoked, or issued by another store.'];
  }
  switch (error.status) {
    case 401:
      return [hasToken()
        ? 'The store did not accept the token of this session (unknown, revoked or mistyped). '
        : 'This needs an API token. ',
      h('a', { href: loginHref() }, 'Log in with an API token'), '.'];
    case 403:
      return ['The token of this session is valid but lacks the scope this needs. ',
        h('a', { href: loginHref() }, 'Log in with another token'), '.'];
    case 404:
      return ['It may have been deleted, or the link is wrong. ', h('a', { href: '#/apps' }, 'Back to applications'), '.'];
    case 413:
      return ['The file is larger than the store accepts (property tracestore.upload.max-size).'];
    case 0:
      return ['Check that the trace store is running and reachable.'];
    default:
      return [];
  }
}

/**
 * An alert box for an ApiError (or any Error).
 * @param {{onLoginPage?: boolean}} [options] onLoginPage: advice fits the login form itself
 */
export function problemBox(error, { onLoginPage = false } = {}) {
  const status = error.status ?? null;
  const title = error.title || error.name || 'Error';
  const tip = advice(error, onLoginPage);
  return h('div', { class: 'problem', role: 'alert', dataset: { status: status ?? '' } },
    h('p', null, h('strong', null, title), status ? ` (HTTP ${status})` : ''),
    error.detail || error.message ? h('p', { class: 'problem-detail' }, error.detail || error.message) : null,
    tip.length ? h('p', null, tip) : null);
}
