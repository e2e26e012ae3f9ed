// Token login: the UI uses the same bearer tokens and scopes as the API. The token stays in this
// tab's sessionStorage and is sent as "Authorization: Bearer ..." with every request.
import { h, uid } from '../dom.js';
import { api } from '../api.js';
import * as session from '../session.js';
import { problemBox } from '../problem.js';

function safeNext(next) {
  return next && next.startsWith('#/') && !next.startsWith('#/login') ? next : '#/apps';
}

export async function renderLogin(ctx) {
  ctx.title('Log in');
  const inputId = uid('token');
  const hintId = uid('token-hint');
  const result = h('div', { id: 'login-result', 'aria-live': 'polite' });
  const input = h('input', {
    type: 'password',
    id: inputId,
    name: 'token',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    size: 48,
    'aria-describedby': hintId,
  });
  const next = safeNext(ctx.query.get('next'));
  const form = h('form', {
    id: 'login-form',
    onsubmit: async (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (!value) {
        result.replaceChildren(h('p', { class: 'problem', role: 'alert' }, 'Paste an API token first.'));
        input.focus();
        return;
      }
      session.setToken(value);
      result.replaceChildren(h('p', { class: 'status', role: 'status' }, 'Checking the token…'));
      try {
        await api.probeRead();
        result.replaceChildren(h('p', { class: 'notice success', role: 'status', id: 'login-ok' },
          'Logged in. The token may read; continuing…'));
        ctx.after(600, () => { location.hash = next; });
      } catch (error) {
        if (error.status === 403) {
          // A valid token without read scope: keep it, it may still upload.
          result.replaceChildren(h('div', { class: 'notice', role: 'status', id: 'login-limited' },
            h('p', null, 'Logged in, but this token may not read: it lacks the read scope. You can still ',
              h('a', { href: '#/upload' }, 'upload traces'), ' if it has the upload scope.')));
          return;
        }
        session.clearToken();
        result.replaceChildren(problemBox(error, { onLoginPage: true }));
        input.focus();
      }
    },
  },
  h('div', { class: 'field' },
    h('label', { for: inputId }, 'API token'),
    input,
    h('span', { class: 'hint', id: hintId },
      'Create one with ', h('code', null, 'bin/trace-store token create --scope read,upload'),
      ' or POST /api/v1/tokens. It is kept in this browser tab only (sessionStorage) until you log out or close the tab.')),
  h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'login-button' }, 'Log in')));

  ctx.show(
    h('h1', null, 'Log in with an API token'),
    session.hasToken()
      ? h('p', { class: 'notice' }, 'This tab already has a token. Logging in replaces it. ',
        h('button', { type: 'button', class: 'button secondary', onclick: () => { session.clearToken(); input.focus(); } }, 'Forget the current token'))
      : null,
    form,
    result);
}
