// The API token of this browser tab. Kept in sessionStorage: it survives reloads of the tab but
// not closing it, and other tabs and sites never see it.

const KEY = 'tracefetch.apiToken';
const listeners = new Set();

export function token() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function hasToken() {
  return Boolean(token());
}

export function setToken(value) {
  sessionStorage.setItem(KEY, value);
  listeners.forEach((fn) => fn());
}

export function clearToken() {
  sessionStorage.removeItem(KEY);
  listeners.forEach((fn) => fn());
}

export function onChange(fn) {
  listeners.add(fn);
}
