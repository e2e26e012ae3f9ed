// Number, size, time and digest formatting for people.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  let value = Number(n);
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function count(n) {
  if (n === null || n === undefined) return '–';
  return Number(n).toLocaleString('en-US');
}

/** Microseconds as µs, ms or s with three significant digits. */
export function micros(us) {
  if (us === null || us === undefined) return '–';
  const v = Number(us);
  if (Math.abs(v) < 1000) return `${v} µs`;
  if (Math.abs(v) < 1_000_000) return `${trim(v / 1000)} ms`;
  return `${trim(v / 1_000_000)} s`;
}

function trim(x) {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function percent(ratio, digits = 1) {
  if (ratio === null || ratio === undefined) return '–';
  return `${(ratio * 100).toFixed(digits)} %`;
}

export function score(value) {
  if (value === null || value === undefined) return 'not ranked yet';
  return Number(value).toFixed(3);
}

export function date(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

/** "sha256:abcdef…" shortened to algorithm and 12 hex digits. */
export function digest(d) {
  if (!d) return '–';
  const [alg, hex] = d.includes(':') ? d.split(':', 2) : ['', d];
  return hex.length > 12 ? `${alg ? alg + ':' : ''}${hex.slice(0, 12)}…` : d;
}

export function shortId(id) {
  return id ? id.slice(0, 8) : '–';
}

/** A long path shortened from the left so the file name stays visible. */
export function path(p, max = 40) {
  if (!p || p.length <= max) return p ?? '';
  return `…${p.slice(p.length - max + 1)}`;
}
