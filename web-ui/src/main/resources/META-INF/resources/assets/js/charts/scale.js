// Linear scales and "nice" tick values for hand-drawn SVG charts.

export function linear([d0, d1], [r0, r1]) {
  const span = d1 - d0 || 1;
  const f = (v) => r0 + ((v - d0) / span) * (r1 - r0);
  f.domain = [d0, d1];
  return f;
}

/** About `count` round tick values covering [0, max]: steps of 1, 2 or 5 times a power of ten. */
export function ticks(max, count = 6) {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const values = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) values.push(Math.round(v * 1e6) / 1e6);
  return values;
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#999999'];

export function layerColor(index) {
  return PALETTE[index % PALETTE.length];
}
