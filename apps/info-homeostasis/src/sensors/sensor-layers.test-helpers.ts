import { DenseFlipout, DenseLocalReparam, DenseReparam, inverseSoftplus, type DenseVariationalOptions, type VariationalLayer } from '@cristal/bayesian';
import { RandomStream, tf } from '@cristal/tensor';

/** The hand-checkable 2 x 2 layer: posterior means and standard deviations chosen for easy arithmetic. */
export const HAND = {
  weightMu: [
    [0.5, -1],
    [0.25, 0.5],
  ],
  weightSigma: [
    [0.1, 0.2],
    [0.3, 0.4],
  ],
  biasMu: [0.1, -0.2],
  biasSigma: [0.5, 0.5],
};

export type DenseKind = 'reparam' | 'local-reparam' | 'flipout';

/** A 2 -> 2 dense variational layer holding exactly `HAND`'s posterior (sigma up to float32 rounding of rho). */
export function handDenseLayer(kind: DenseKind = 'reparam', name = 'hand'): VariationalLayer {
  const rho = (sigmas: number[]) => sigmas.map((s) => inverseSoftplus(s));
  const options: DenseVariationalOptions = {
    name,
    inputSize: 2,
    units: 2,
    rng: new RandomStream(1, 'hand-layer'),
    initial: {
      weight: { mu: tf.tensor2d(HAND.weightMu), rho: tf.tensor2d(HAND.weightSigma.map(rho)) },
      bias: { mu: tf.tensor1d(HAND.biasMu), rho: tf.tensor1d(rho(HAND.biasSigma)) },
    },
  };
  const layer = kind === 'reparam' ? new DenseReparam(options) : kind === 'local-reparam' ? new DenseLocalReparam(options) : new DenseFlipout(options);
  tf.dispose([options.initial?.weight.mu, options.initial?.weight.rho, options.initial?.bias?.mu, options.initial?.bias?.rho]);
  return layer;
}

/** softplus in float64, log(1 + e^rho), stable for large |rho|. */
export function softplus64(rho: number): number {
  return Math.max(rho, 0) + Math.log1p(Math.exp(-Math.abs(rho)));
}

/** The posterior actually stored in a layer (float32 values), as float64 arrays: mu and sigma of weights then biases. */
export function storedPosterior(layer: VariationalLayer): { mu: number[]; sigma: number[] } {
  const parts = layer.bias ? [layer.weight, layer.bias] : [layer.weight];
  const mu = parts.flatMap((p) => Array.from(p.mu.dataSync()));
  const sigma = parts.flatMap((p) => Array.from(p.rho.dataSync(), softplus64));
  return { mu, sigma };
}

export function relativeDifference(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}
