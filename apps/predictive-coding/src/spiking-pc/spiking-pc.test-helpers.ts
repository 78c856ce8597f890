// Test helpers: a tiny synthetic stream (four Gaussian blobs, rotatable) and an independent float64
// transcription of the spiking dynamics in their noise-free limit, on plain JS arrays.
import { RandomStream, tf, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import type { PcActivation, PcParams } from '../pc';
import { arraySource, type LabelledSource } from './labelled-source';

/**
 * `count` samples of four classes, class k centred at radius (cos 90k°, sin 90k°) with isotropic
 * std, labels uniform; rotated by `degrees` counter-clockwise. The same seed gives the same points
 * before rotation, so rotating by 90° moves every class onto the previous position of the next one.
 */
export function quadrantBlobs(name: string, count: number, seed: number, options: { radius?: number; std?: number; degrees?: number } = {}): LabelledSource {
  const { radius = 2, std = 0.5, degrees = 0 } = options;
  const stream = new RandomStream(seed, `quadrant-blobs/${name}`);
  const features = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  const c = Math.cos((degrees * Math.PI) / 180);
  const s = Math.sin((degrees * Math.PI) / 180);
  for (let i = 0; i < count; i++) {
    const k = stream.int(4);
    const x = radius * Math.cos((k * Math.PI) / 2) + std * stream.normal();
    const y = radius * Math.sin((k * Math.PI) / 2) + std * stream.normal();
    labels[i] = k;
    features[2 * i] = c * x - s * y;
    features[2 * i + 1] = s * x + c * y;
  }
  return arraySource(degrees ? `${name}-rot${degrees}` : name, features, labels, 2, 4);
}

export type Mat = number[][];

export interface RefSpikingNet {
  activation: PcActivation;
  W: Mat[];
  b: number[][];
}

export interface RefSpikingOptions {
  K: number;
  eta: number;
  precisions: number[];
  rMax: number[];
  /** a = dt / tau_s */
  gain: number;
  lr: number;
}

const f = (kind: PcActivation, x: number): number => (kind === 'tanh' ? Math.tanh(x) : kind === 'sigmoid' ? 1 / (1 + Math.exp(-x)) : kind === 'relu' ? Math.max(0, x) : x);
const df = (kind: PcActivation, x: number): number => {
  if (kind === 'tanh') return 1 - Math.tanh(x) ** 2;
  if (kind === 'sigmoid') return f('sigmoid', x) * (1 - f('sigmoid', x));
  if (kind === 'relu') return x > 0 ? 1 : 0;
  return 1;
};
const clip = (v: number, r: number) => Math.max(-r, Math.min(r, v));

/**
 * The noise-free spiking dynamics from the equations, in float64, sample by sample:
 * errors e_l = pi_l (x_l - f(x_{l-1}) W_{l-1} - b_{l-1}); traces s_l <- (1 - a) s_l + a clip(e_l, r_l);
 * hidden x_l += eta (-s_l + f'(x_l) (s_{l+1} W_l^T)); eligibility += f(x_l)^T s_{l+1}; after K steps
 * W_l += lr / (K B) eligibility. Returns the value nodes, the traces and the updated parameters.
 */
export function refSpikingRun(net: RefSpikingNet, x0: Mat, y: Mat, o: RefSpikingOptions): { nodes: Mat[]; traces: Mat[]; W: Mat[]; b: number[][] } {
  const L = net.W.length;
  const B = x0.length;
  const pre = (x: Mat[], l: number) => (l === 0 ? x[0] : x[l].map((row) => row.map((v) => f(net.activation, v))));
  const predictFrom = (a: Mat, l: number) => a.map((row) => net.b[l].map((bj, j) => bj + row.reduce((acc, v, i) => acc + v * net.W[l][i][j], 0)));
  // feedforward initialisation, output clamped
  const nodes: Mat[] = [x0];
  for (let l = 0; l < L; l++) nodes.push(predictFrom(pre(nodes, l), l));
  const mu1 = nodes[1].map((r) => [...r]);
  nodes[L] = y.map((r) => [...r]);
  const traces: Mat[] = Array.from({ length: L }, (_, l) => Array.from({ length: B }, () => new Array<number>(net.W[l][0].length).fill(0)));
  const eligW: Mat[] = net.W.map((w) => w.map((row) => row.map(() => 0)));
  const eligB: number[][] = net.b.map((row) => row.map(() => 0));
  for (let t = 0; t < o.K; t++) {
    const a = Array.from({ length: L }, (_, l) => pre(nodes, l));
    for (let l = 0; l < L; l++) {
      const mu = l === 0 ? mu1 : predictFrom(a[l], l);
      traces[l] = traces[l].map((row, n) => row.map((s, j) => (1 - o.gain) * s + o.gain * clip(o.precisions[l] * (nodes[l + 1][n][j] - mu[n][j]), o.rMax[l])));
    }
    for (let l = 1; l < L; l++) {
      nodes[l] = nodes[l].map((row, n) =>
        row.map((x, i) => {
          const feedback = traces[l][n].reduce((acc, s, j) => acc + s * net.W[l][i][j], 0);
          return x + o.eta * (-traces[l - 1][n][i] + df(net.activation, x) * feedback);
        }),
      );
    }
    for (let l = 0; l < L; l++) {
      for (let n = 0; n < B; n++) {
        traces[l][n].forEach((s, j) => {
          eligB[l][j] += s;
          a[l][n].forEach((v, i) => (eligW[l][i][j] += v * s));
        });
      }
    }
  }
  const scale = o.lr / (o.K * B);
  return {
    nodes,
    traces,
    W: net.W.map((w, l) => w.map((row, i) => row.map((v, j) => v + scale * eligW[l][i][j]))),
    b: net.b.map((row, l) => row.map((v, j) => v + scale * eligB[l][j])),
  };
}

/** Random float64 parameters and the same values as TF.js tensors (float32). */
export function randomRefNet(sizes: number[], activation: PcActivation, seed: number, gain = 1): { net: RefSpikingNet; params: PcParams } {
  const stream = new RandomStream(seed, 'ref-spiking-net');
  const W = sizes.slice(0, -1).map((n, l) => Array.from({ length: n }, () => Array.from({ length: sizes[l + 1] }, () => Math.fround((gain * stream.normal()) / Math.sqrt(n)))));
  const b = sizes.slice(1).map((n) => Array.from({ length: n }, () => Math.fround(0.1 * stream.normal())));
  return { net: { activation, W, b }, params: { weights: W.map((w) => tf.tensor2d(w) as Tensor2D), biases: b.map((v) => tf.tensor1d(v) as Tensor1D) } };
}

export function randomRows(rows: number, cols: number, seed: number, scale = 1): Mat {
  const stream = new RandomStream(seed, 'ref-rows');
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround(scale * stream.normal())));
}

/** Largest |a - b| over two equally shaped matrices. */
export function maxAbsDiff(a: Mat, b: Mat): number {
  let worst = 0;
  a.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j])))));
  return worst;
}
