// An independent float64 implementation of the predictive-coding network and of backprop, on
// plain JS arrays (no TF.js), written from the equations: the oracle the TF.js code is checked
// against. Also small helpers to move parameters between the two and to compare gradients.
import { tf, RandomStreams, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import type { PcActivation } from './architecture';
import type { PcParams } from './params';

export type Mat = number[][];

export interface RefNet {
  sizes: number[];
  activation: PcActivation;
  W: Mat[];
  b: number[][];
}

export interface RefOptions {
  T: number;
  eta: number;
  momentum?: number;
  precisions: number[];
  predictions: 'recomputed' | 'fixed';
  /** null: clamped output; a number: nudged output with that precision gamma. */
  nudge: number | null;
  /** divide updates by gamma for a nudged output (default true) */
  rescale?: boolean;
  /** 'categorical': the output prediction is logits, its error y - softmax(mu_L), its energy pi_L CE (clamped output only) */
  output?: 'squared-error' | 'categorical';
}

export const f = (kind: PcActivation, x: number): number => (kind === 'tanh' ? Math.tanh(x) : kind === 'sigmoid' ? 1 / (1 + Math.exp(-x)) : kind === 'relu' ? Math.max(0, x) : x);
export const df = (kind: PcActivation, x: number): number => {
  if (kind === 'tanh') return 1 - Math.tanh(x) ** 2;
  if (kind === 'sigmoid') {
    const s = 1 / (1 + Math.exp(-x));
    return s * (1 - s);
  }
  if (kind === 'relu') return x > 0 ? 1 : 0;
  return 1;
};

const zeros = (r: number, c: number): Mat => Array.from({ length: r }, () => new Array<number>(c).fill(0));
const map = (a: Mat, g: (v: number) => number): Mat => a.map((row) => row.map(g));
const sub = (a: Mat, b: Mat): Mat => a.map((row, i) => row.map((v, j) => v - b[i][j]));
function matmul(a: Mat, b: Mat): Mat {
  const out = zeros(a.length, b[0].length);
  for (let i = 0; i < a.length; i++) for (let k = 0; k < b.length; k++) for (let j = 0; j < b[0].length; j++) out[i][j] += a[i][k] * b[k][j];
  return out;
}
const transpose = (a: Mat): Mat => a[0].map((_, j) => a.map((row) => row[j]));
const addBias = (a: Mat, b: number[]): Mat => a.map((row) => row.map((v, j) => v + b[j]));

/** Presynaptic activity f_l(x_l): identity on the input layer. */
function pre(net: RefNet, x: Mat[], l: number): Mat {
  return l === 0 ? x[0] : map(x[l], (v) => f(net.activation, v));
}

export function refFeedforward(net: RefNet, x0: Mat): Mat[] {
  const xs = [x0];
  for (let l = 0; l < net.W.length; l++) xs.push(addBias(matmul(pre(net, xs, l), net.W[l]), net.b[l]));
  return xs;
}

export function refSoftmax(row: number[]): number[] {
  const m = Math.max(...row);
  const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
  return row.map((v) => Math.exp(v - m) / z);
}

/** mu_{l+1}, the prediction of layer l (held at the feedforward sweep when fixed). */
function refPrediction(net: RefNet, x: Mat[], ff: Mat[], fixed: boolean, l: number): Mat {
  return fixed ? ff[l + 1] : addBias(matmul(pre(net, x, l), net.W[l]), net.b[l]);
}

/** errors[l] = x_{l+1} - mu_{l+1} (standard, or against the feedforward values when fixed); y - softmax(mu_L) for a categorical output. */
function refErrors(net: RefNet, x: Mat[], ff: Mat[], fixed: boolean, categorical = false): Mat[] {
  const L = net.W.length;
  return net.W.map((_, l) => {
    const mu = refPrediction(net, x, ff, fixed, l);
    return l === L - 1 && categorical ? x[L].map((row, i) => refSoftmax(mu[i]).map((p, j) => row[j] - p)) : sub(x[l + 1], mu);
  });
}

function refEnergy(errors: Mat[], o: RefOptions, y: Mat, xL: Mat, logits?: Mat): number {
  let e = 0;
  const L = errors.length;
  errors.forEach((err, l) => {
    if (l === L - 1 && o.output === 'categorical') {
      // pi_L sum_b -sum_k y_k log softmax(mu_L)_k
      (logits as Mat).forEach((row, i) => {
        const p = refSoftmax(row);
        row.forEach((_, k) => (e -= o.precisions[l] * y[i][k] * Math.log(p[k])));
      });
    } else err.forEach((row) => row.forEach((v) => (e += (o.precisions[l] / 2) * v * v)));
  });
  const gamma = o.nudge;
  if (gamma !== null) y.forEach((row, i) => row.forEach((v, j) => (e += (gamma / 2) * (v - xL[i][j]) ** 2)));
  return e;
}

/** Inference as the equations state it: gradient descent (with optional momentum) on F over the free nodes, from `start` (default: the feedforward sweep). */
export function refRelax(net: RefNet, x0: Mat, y: Mat, o: RefOptions, start?: Mat[]): { x: Mat[]; ff: Mat[]; energies: number[] } {
  const L = net.W.length;
  const fixed = o.predictions === 'fixed';
  const ff = refFeedforward(net, x0);
  const x = (start ?? ff).map((m) => m.map((r) => [...r]));
  if (o.nudge === null) x[L] = y.map((r) => [...r]);
  const v = x.map((m) => map(m, () => 0));
  const energies: number[] = [];
  const last = o.nudge === null ? L - 1 : L;
  const categorical = o.output === 'categorical';
  for (let t = 0; t <= o.T; t++) {
    const errors = refErrors(net, x, ff, fixed, categorical);
    energies.push(refEnergy(errors, o, y, x[L], categorical ? refPrediction(net, x, ff, fixed, L - 1) : undefined));
    if (t === o.T) break;
    const steps: Mat[] = [];
    for (let l = 1; l <= last; l++) {
      // -dF/dx_l
      const g = map(errors[l - 1], (e) => -o.precisions[l - 1] * e);
      if (l < L) {
        const back = matmul(map(errors[l], (e) => o.precisions[l] * e), transpose(net.W[l]));
        const at = fixed ? ff[l] : x[l];
        back.forEach((row, i) => row.forEach((h, j) => (g[i][j] += df(net.activation, at[i][j]) * h)));
      } else {
        const gamma = o.nudge ?? 0; // l === L only when nudged
        y.forEach((row, i) => row.forEach((yv, j) => (g[i][j] += gamma * (yv - x[L][i][j]))));
      }
      steps[l] = g;
    }
    for (let l = 1; l <= last; l++) {
      v[l] = v[l].map((row, i) => row.map((vv, j) => (o.momentum ?? 0) * vv + o.eta * steps[l][i][j]));
      x[l] = x[l].map((row, i) => row.map((xv, j) => xv + v[l][i][j]));
    }
  }
  return { x, ff, energies };
}

/** dF̄/dW_l = -(s/B) f(x_l)^T pi eps, dF̄/db_l = -(s/B) sum pi eps, at the relaxed state. */
export function refLocalGradients(net: RefNet, relaxed: { x: Mat[]; ff: Mat[] }, o: RefOptions): { W: Mat[]; b: number[][] } {
  const fixed = o.predictions === 'fixed';
  const errors = refErrors(net, relaxed.x, relaxed.ff, fixed, o.output === 'categorical');
  const B = relaxed.x[0].length;
  const s = o.nudge !== null && o.rescale !== false ? 1 / o.nudge : 1;
  const nodes = fixed ? relaxed.ff : relaxed.x;
  return {
    W: errors.map((e, l) => map(matmul(transpose(pre(net, nodes, l)), e), (v) => (-s * o.precisions[l] * v) / B)),
    b: errors.map((e, l) => e[0].map((_, j) => (-s * o.precisions[l] * e.reduce((acc, row) => acc + row[j], 0)) / B)),
  };
}

/** Backprop by hand: gradients of mean_b (1/2)||y - x̄_L||^2 or of mean softmax cross-entropy. */
export function refBackprop(net: RefNet, x0: Mat, y: Mat, loss: 'squared-error' | 'cross-entropy'): { W: Mat[]; b: number[][]; loss: number } {
  const xs = refFeedforward(net, x0);
  const L = net.W.length;
  const B = x0.length;
  let value = 0;
  // delta = -dLoss/dx_L (per sample, before the 1/B)
  let delta: Mat;
  if (loss === 'squared-error') {
    delta = sub(y, xs[L]);
    delta.forEach((row) => row.forEach((d) => (value += 0.5 * d * d)));
  } else {
    delta = xs[L].map((row, i) => {
      const m = Math.max(...row);
      const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
      const p = row.map((v) => Math.exp(v - m) / z);
      row.forEach((v, j) => (value -= y[i][j] * (v - m - Math.log(z))));
      return p.map((pj, j) => y[i][j] - pj);
    });
  }
  const W: Mat[] = [];
  const b: number[][] = [];
  for (let l = L - 1; l >= 0; l--) {
    W[l] = map(matmul(transpose(pre(net, xs, l)), delta), (v) => -v / B);
    b[l] = delta[0].map((_, j) => -delta.reduce((acc, row) => acc + row[j], 0) / B);
    if (l > 0) {
      const back = matmul(delta, transpose(net.W[l]));
      delta = back.map((row, i) => row.map((h, j) => df(net.activation, xs[l][i][j]) * h));
    }
  }
  return { W, b, loss: value / B };
}

/** torch_pc.py's training step, transcribed (clamped target, T steps of size gamma, W += lr f(x)^T eps / B). */
export function refTorchStep(net: RefNet, x0: Mat, y: Mat, T: number, gamma: number, lr: number): RefNet {
  const o: RefOptions = { T, eta: gamma, precisions: net.W.map(() => 1), predictions: 'recomputed', nudge: null };
  const g = refLocalGradients(net, refRelax(net, x0, y, o), o);
  return { ...net, W: net.W.map((W, l) => W.map((row, i) => row.map((v, j) => v - lr * g.W[l][i][j]))), b: net.b.map((bb, l) => bb.map((v, j) => v - lr * g.b[l][j])) };
}

/**
 * A small random network (weights N(0, 1/fan-in) times `scale`, biases N(0, 0.1^2)), uniform inputs
 * and one-hot targets; every number is representable in float32, so TF.js and the float64 oracle
 * start from the same values.
 */
export function randomRefCase(sizes: number[], activation: PcActivation, batch: number, seed: number, scale = 1): { net: RefNet; x0: Mat; y: Mat } {
  const rng = new RandomStreams(seed);
  const W = sizes.slice(0, -1).map((n, l) => Array.from({ length: n }, () => Array.from({ length: sizes[l + 1] }, () => Math.fround(rng.init.normal(0, scale / Math.sqrt(n))))));
  const b = sizes.slice(1).map((n) => Array.from({ length: n }, () => Math.fround(rng.init.normal(0, 0.1))));
  const x0 = Array.from({ length: batch }, () => Array.from({ length: sizes[0] }, () => Math.fround(rng.data.uniform())));
  const nL = sizes[sizes.length - 1];
  const y = Array.from({ length: batch }, () => {
    const k = rng.data.int(nL);
    return Array.from({ length: nL }, (_, j) => (j === k ? 1 : 0));
  });
  return { net: { sizes, activation, W, b }, x0, y };
}

export function toParams(net: RefNet): PcParams {
  return { weights: net.W.map((w) => tf.tensor2d(w) as Tensor2D), biases: net.b.map((b) => tf.tensor1d(b) as Tensor1D) };
}

export const t2 = (m: Mat): Tensor2D => tf.tensor2d(m);

/** All gradient entries, flattened (weights then biases, layer by layer). */
export function flatten(g: { W: Mat[]; b: number[][] }): number[] {
  return [...g.W.flatMap((w) => w.flat()), ...g.b.flat()];
}

export function flattenTensors(p: PcParams): number[] {
  return [...p.weights.flatMap((w) => Array.from(w.dataSync())), ...p.biases.flatMap((b) => Array.from(b.dataSync()))];
}

/** ||a - b|| / ||b|| over all entries. */
export function relativeDifference(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  a.forEach((v, i) => {
    num += (v - b[i]) ** 2;
    den += b[i] ** 2;
  });
  return Math.sqrt(num / den);
}

/** max |a - b| and max |a - b| / (|b| + tiny) over entries. */
export function maxDifferences(a: number[], b: number[]): { abs: number; rel: number } {
  let abs = 0;
  let rel = 0;
  const floor = 1e-3 * b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  a.forEach((v, i) => {
    const d = Math.abs(v - b[i]);
    abs = Math.max(abs, d);
    rel = Math.max(rel, d / Math.max(Math.abs(b[i]), floor));
  });
  return { abs, rel };
}

/**
 * Incremental PC with SGD, transcribed: at each of T steps, errors at the current (x, theta); the
 * free nodes take an inference step and the weights an SGD step from those same errors.
 */
export function refIncrementalStep(net: RefNet, x0: Mat, y: Mat, o: RefOptions, lr: number): RefNet {
  let current = net;
  const L = net.W.length;
  const ff = refFeedforward(net, x0);
  let x = ff.map((m) => m.map((r) => [...r]));
  if (o.nudge === null) x[L] = y.map((r) => [...r]);
  for (let t = 0; t < o.T; t++) {
    const stepped = refRelax({ ...current }, x0, y, { ...o, T: 1 }, x);
    const g = refLocalGradients(current, { x, ff }, { ...o, predictions: 'recomputed' });
    current = { ...current, W: current.W.map((W, l) => W.map((row, i) => row.map((v, j) => v - lr * g.W[l][i][j]))), b: current.b.map((bb, l) => bb.map((v, j) => v - lr * g.b[l][j])) };
    x = stepped.x;
  }
  return current;
}
