import type { RandomStream } from '@cristal/tensor';
import { NATIVE_THREADS, nativeAddon } from './addon';

/**
 * Standard-normal noise for the layers, from a RandomStream's own generator: the stream advances by
 * exactly the draws `stream.fillNormal` would take (two 32-bit outputs per pair of values), so noise
 * stays reproducible and independent of every other stream. The transform is a single-precision
 * Box-Muller with polynomial log, sin and cos (native/standard_normal.cc), vectorised natively and
 * repeated here with Math.fround after every operation, so the native and JavaScript paths give the
 * same bits. The values are not those of `stream.normalTensor` (which uses double-precision libm
 * functions at about 20 ns per value: 6 ms of a 40 ms step at batch 512).
 *   u1 = (floor(x1 / 2^8) + 1) / 2^24,  r = sqrt(-2 log u1),  theta = 2 pi floor(x2 / 2^8) / 2^24
 *   z1 = r cos(theta),  z2 = r sin(theta)
 */
export function fillStandardNormal(stream: RandomStream, out: Float32Array): Float32Array {
  const pairs = Math.ceil(out.length / 2);
  if (scratch.length < 2 * pairs) scratch = new Uint32Array(2 * pairs);
  const addon = nativeAddon();
  if (addon) {
    const state = stream.getState();
    const words = Uint32Array.from(state.words);
    addon.fillStandardNormal(words, out, scratch, NATIVE_THREADS);
    stream.setState({ ...state, words: [words[0], words[1], words[2], words[3]] });
  } else {
    for (let i = 0; i < 2 * pairs; i++) scratch[i] = stream.uint32();
    standardNormalPairsJs(scratch, out);
  }
  return out;
}

let scratch = new Uint32Array(0);

const { clz32, fround, sqrt } = Math;
const f = fround;
const C = {
  sqrtHalf: f(Math.SQRT1_2),
  l: [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f),
  ln2Low: f(-2.12194440e-4),
  ln2High: f(0.693359375),
  s: [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f),
  c: [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f),
  quarterPi: f(Math.PI / 4),
  twoPowMinus21: f(1 / 2097152),
};

/** log(k / 2^24) for an integer k in [1, 2^24], as logUniform in native/standard_normal.cc. */
function logUniform(k: number): number {
  const msb = 31 - clz32(k);
  let m = k / 2 ** (msb + 1); // [0.5, 1), exact
  let e = msb + 1 - 24;
  let x: number;
  if (m < C.sqrtHalf) {
    e -= 1;
    x = f(f(m + m) - 1);
  } else {
    x = f(m - 1);
  }
  m = x;
  const z = f(x * x);
  const l = C.l;
  let y = l[0];
  for (let i = 1; i < l.length; i++) y = f(f(y * x) + l[i]);
  y = f(f(y * x) * z);
  y = f(y + f(e * C.ln2Low));
  y = f(y - f(0.5 * z));
  return f(f(m + y) + f(e * C.ln2High));
}

function sinPoly(a: number): number {
  const z = f(a * a);
  let p = C.s[0];
  p = f(f(p * z) + C.s[1]);
  p = f(f(p * z) + C.s[2]);
  return f(f(f(p * z) * a) + a);
}

function cosPoly(a: number): number {
  const z = f(a * a);
  let p = C.c[0];
  p = f(f(p * z) + C.c[1]);
  p = f(f(p * z) + C.c[2]);
  return f(f(f(f(p * z) * z) - f(0.5 * z)) + 1);
}

/** The JavaScript twin of standardNormalPairs (native/standard_normal.cc) over all pairs. */
export function standardNormalPairsJs(words: Uint32Array, out: Float32Array): void {
  const n = out.length;
  for (let p = 0; 2 * p < n; p++) {
    const x1 = words[2 * p];
    const x2 = words[2 * p + 1];
    const r = f(sqrt(f(-2 * logUniform((x1 >>> 8) + 1))));
    const octant = x2 >>> 29;
    const fr = f(((x2 >>> 8) & 0x1fffff) * C.twoPowMinus21);
    const odd = (octant & 1) !== 0;
    const a = f((odd ? f(1 - fr) : fr) * C.quarterPi);
    const k = ((octant + 1) >>> 1) & 3;
    const ca = cosPoly(a);
    const sa = odd ? -sinPoly(a) : sinPoly(a);
    out[2 * p] = f(r * (k === 0 ? ca : k === 1 ? -sa : k === 2 ? -ca : sa));
    if (2 * p + 1 < n) out[2 * p + 1] = f(r * (k === 0 ? sa : k === 1 ? ca : k === 2 ? -sa : -ca));
  }
}
