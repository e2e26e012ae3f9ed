// Upload a trace file (as written by record-trace) through the REST API's multipart form.
import { h, uid } from '../dom.js';
import { api } from '../api.js';
import * as fmt from '../format.js';
import { problemBox, loginHref } from '../problem.js';
import { hasToken } from '../session.js';
import { href } from './links.js';

export async function renderUpload(ctx) {
  ctx.title('Upload a trace');
  const inputId = uid('trace-file');
  const hintId = uid('trace-file-hint');
  const result = h('div', { id: 'upload-result', 'aria-live': 'polite' });
  const input = h('input', { type: 'file', id: inputId, name: 'file', required: true, 'aria-describedby': hintId, accept: '.trace,application/octet-stream' });
  const submit = h('button', { type: 'submit', id: 'upload-button' }, 'Upload');
  const signedIn = hasToken();
  if (!signedIn) {
    input.disabled = true;
    submit.disabled = true;
  }
  const form = h('form', {
    id: 'upload-form',
    onsubmit: async (event) => {
      event.preventDefault();
      const file = input.files[0];
      if (!file) {
        result.replaceChildren(h('p', { class: 'problem', role: 'alert' }, 'Choose a trace file first.'));
        input.focus();
        return;
      }
      submit.disabled = true;
      result.replaceChildren(h('p', { class: 'status', role: 'status' }, `Uploading ${file.name} (${fmt.bytes(file.size)})…`));
      try {
        const { status, body } = await api.upload(file);
        const duplicate = status === 200 || body.duplicate;
        result.replaceChildren(h('div', { class: 'notice success', role: 'status', id: 'upload-success' },
          h('p', null, h('strong', null, duplicate ? 'Already stored. ' : 'Stored. '),
            duplicate
              ? 'This exact file was uploaded before; the store kept the earlier copy.'
              : 'The store ranks the traces of the image and recomputes its plan in the background.'),
          h('ul', null,
            h('li', null, 'Trace ', h('a', { href: href.trace(body.id), id: 'uploaded-trace-link' }, h('code', null, body.id))),
            h('li', null, 'App ', h('a', { href: href.app(body.app) }, body.app), ', image ',
              h('a', { href: href.image(body.app, body.manifestDigest), id: 'uploaded-image-link' }, h('code', null, fmt.digest(body.manifestDigest)))),
            h('li', null, 'Content digest ', h('code', { class: 'break' }, body.contentDigest)))));
        form.reset();
      } catch (error) {
        result.replaceChildren(problemBox(error));
      } finally {
        submit.disabled = !hasToken();
      }
    },
  },
  h('div', { class: 'field' },
    h('label', { for: inputId }, 'Trace file'),
    input,
    h('span', { class: 'hint', id: hintId }, 'A .trace file written by bin/record-trace or bin/replayer --record. Uploading needs a token with scope upload (or admin).')),
  h('div', { class: 'actions' }, submit));

  ctx.show(
    h('h1', null, 'Upload a trace'),
    signedIn ? null : h('p', { class: 'notice', id: 'upload-needs-token' },
      'Uploading needs an API token. ', h('a', { href: loginHref() }, 'Log in with an API token'), ' first.'),
    form,
    result);
}
