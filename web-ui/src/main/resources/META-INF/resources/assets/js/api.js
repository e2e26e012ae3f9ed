// The trace-store REST API as the UI uses it. Every call sends the session's bearer token; every
// failure becomes an ApiError carrying the server's application/problem+json (RFC 9457) body.
import * as session from './session.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = problem.title || (status ? `HTTP ${status}` : 'Network error');
    this.detail = problem.detail || '';
    this.instance = problem.instance || '';
  }
}

const seg = encodeURIComponent;

async function request(path, { method = 'GET', body, accept = 'application/json', signal } = {}) {
  const headers = new Headers({ Accept: accept });
  const token = session.token();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  let response;
  try {
    response = await fetch(path, { method, body, headers, signal, credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Network error', detail: `cannot reach the trace store: ${e.message}` });
  }
  if (!response.ok) {
    throw new ApiError(response.status, await problemOf(response));
  }
  return response;
}

async function problemOf(response) {
  const type = response.headers.get('Content-Type') || '';
  const text = await response.text().catch(() => '');
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      // fall through
    }
  }
  return { title: response.statusText || `HTTP ${response.status}`, detail: text.slice(0, 300) };
}

async function json(path, options) {
  return (await request(path, options)).json();
}

export const api = {
  apps: (signal) => json('/api/v1/insight/apps', { signal }),
  /** Used to check a token: 200 = may read, 401 = bad token, 403 = valid but cannot read. */
  probeRead: () => request('/api/v1/apps'),
  images: (app, signal) => json(`/api/v1/apps/${seg(app)}/images`, { signal }),
  rankedTraces: (app, digest, signal) =>
    json(`/api/v1/apps/${seg(app)}/images/${seg(digest)}/traces`, { signal }),
  planSummary: (app, digest, signal) =>
    json(`/api/v1/insight/apps/${seg(app)}/images/${seg(digest)}/plan`, { signal }),
  trace: (id, signal) => json(`/api/v1/insight/traces/${seg(id)}`, { signal }),
  compare: (left, right, signal) =>
    json(`/api/v1/insight/traces/${seg(left)}/compare/${seg(right)}`, { signal }),
  upload: (file) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request('/api/v1/traces', { method: 'POST', body: form }).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
  },
  traceFilePath: (id) => `/api/v1/traces/${seg(id)}/file`,
  planPath: (app, digest) => `/api/v1/apps/${seg(app)}/images/${seg(digest)}/plan`,
};

/**
 * Downloads an API resource as a file. A plain link cannot carry the bearer token, so the bytes are
 * fetched and handed to the browser as a blob.
 */
export async function download(path, accept, fallbackName) {
  const response = await request(path, { accept });
  const disposition = response.headers.get('Content-Disposition') || '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { name, size: blob.size };
}
