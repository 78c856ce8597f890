import { RandomStreams, type Tensor } from '@cristal/tensor';
import type { ClassifierMetadata } from '@cristal/onnx';
import { Activation } from '../layers/activation';
import { Dense } from '../layers/dense';
import { DenseFlipout } from '../layers/dense-flipout';
import { DenseLocalReparam } from '../layers/dense-local-reparam';
import { McDropout } from '../layers/mc-dropout';
import { Flatten } from '../layers/reshape-layers';
import { bayesianMlp, type DenseEstimator } from '../models/bayesian-mlp';
import { Sequential } from '../models/sequential';

export const TEST_METADATA: ClassifierMetadata = {
  project: 'bayesian-nn',
  experiment: 'mnist-bnn',
  runId: 'run-0042',
  gitCommit: 'fedcba9876543210fedcba9876543210fedcba98',
  configHash: 'sha256:bnn',
  modelFamily: 'bayesian-mlp',
  testMetrics: { accuracy: 0.9731, ece: 0.0087 },
};

export const ESTIMATORS: readonly DenseEstimator[] = ['reparam', 'local-reparam', 'flipout'];

/**
 * 784-64-32-10 ReLU with sizeable posterior scales (rho = -3, sigma = 0.049, about the He std of the
 * first layer's means), so that weight samples give visibly different networks.
 */
export function testMlp(estimator: DenseEstimator, seed = 11): Sequential {
  return bayesianMlp({ sizes: [784, 64, 32, 10], estimator, rhoInit: -3, rng: new RandomStreams(seed).init });
}

/** Every supported layer kind: a deterministic first layer, tanh, dropout, a Flipout layer without bias and two activations, local reparam. */
export function mixedModel(seed = 5): Sequential {
  const rng = new RandomStreams(seed).init;
  return new Sequential([
    new Flatten(),
    new Dense({ inputSize: 784, units: 48, rng, name: 'point' }),
    new Activation('tanh'),
    new McDropout(0.3),
    new DenseFlipout({ inputSize: 48, units: 24, activation: 'sigmoid', useBias: false, rhoInit: -2.5, rng, name: 'flip' }),
    new Activation('relu'),
    new Activation('identity'),
    new DenseLocalReparam({ inputSize: 24, units: 10, rhoInit: -2.5, rng, name: 'local' }),
  ]);
}

/** A dense layer as plain float64 numbers, for the hand-written reference below. */
export interface ManualLayer {
  weight: Float64Array;
  bias: Float64Array | null;
  inputSize: number;
  units: number;
  activations: readonly ('relu' | 'tanh' | 'sigmoid')[];
}

export function manualLayer(weight: Tensor, bias: Tensor | null, activations: ManualLayer['activations']): ManualLayer {
  return {
    weight: Float64Array.from(weight.dataSync()),
    bias: bias ? Float64Array.from(bias.dataSync()) : null,
    inputSize: weight.shape[0] as number,
    units: weight.shape[1] as number,
    activations,
  };
}

const ACT = { relu: (v: number) => Math.max(v, 0), tanh: Math.tanh, sigmoid: (v: number) => 1 / (1 + Math.exp(-v)) };

/** softmax(f(x)) of one example in float64, loops only: independent of TF.js and of the graph. */
export function manualProbabilities(layers: readonly ManualLayer[], pixels: Float32Array | Float64Array, row: number): Float64Array {
  let h = Float64Array.from(pixels.subarray(row * 784, (row + 1) * 784));
  for (const l of layers) {
    const y = new Float64Array(l.units);
    for (let j = 0; j < l.units; j++) {
      let s = l.bias ? l.bias[j] : 0;
      for (let i = 0; i < l.inputSize; i++) s += h[i] * l.weight[i * l.units + j];
      for (const a of l.activations) s = ACT[a](s);
      y[j] = s;
    }
    h = y;
  }
  const max = Math.max(...h);
  const e = h.map((v) => Math.exp(v - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/** `value`, or a test failure naming what was missing (instead of a non-null assertion). */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`test setup: ${what} is missing`);
  return value;
}
