import { tf, RandomStreams, type RandomStream, type Tensor } from '@cristal/tensor';
import { normalNoise } from '../layers/noise';
import type { Sequential } from '../models/sequential';
import { lowerBayesianMlp, type LoweredMlp, type LoweredParameter } from './lowered-mlp';
import type { PointDenseLayer } from './point-dense-layers';

/** The stream of `RandomStreams(seed)` the ensemble's noise comes from. */
export const ENSEMBLE_STREAM = 'sampling';

export function checkEnsembleSize(samples: number, seed: number): void {
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`ensemble: samples must be a positive integer (the number K of weight samples), got ${samples}.`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`ensemble: seed must be a non-negative safe integer (it is recorded in the file to reproduce the samples), got ${seed}.`);
}

/** An ensemble of a model without posterior would be K copies of one network: refuse it. */
export function checkHasPosterior(lowered: LoweredMlp): void {
  if (lowered.estimators.length === 0) {
    throw new Error("ensemble: the model has no variational layers, so every weight sample would be the same network; export it with posterior { kind: 'mean' }.");
  }
}

/** mu + softplus(rho) * eps with eps drawn now, or a copy of mu for a point estimate (which draws nothing). */
function drawParameter(p: LoweredParameter, rng: RandomStream): Tensor {
  const { rho } = p;
  if (rho === null) return tf.clone(p.mu);
  return tf.tidy(() => tf.add(p.mu, tf.mul(tf.softplus(rho), normalNoise(rng, p.mu.shape))));
}

/**
 * K weight samples of the mean-field posterior, W_k = mu + sigma * eps_k with sigma = softplus(rho),
 * each a complete network of point dense layers (new tensors, owned by the caller:
 * `disposePointDenseLayers`).
 *
 * The noise is reproducible from the seed alone: eps comes from the stream `sampling` of
 * `new RandomStreams(seed)`, filled by `normalNoise` (fillStandardNormal, the layers' own noise), in
 * this order: for k = 0..K-1, for each variational layer in model order, eps_W ([in, out],
 * row-major) then eps_b ([out], when the layer has a bias); deterministic `Dense` layers draw nothing.
 * So sample k does not depend on K (the first K' samples of K are the K' ensemble), and it is exactly
 * the weight sample a model of `DenseReparam` layers draws in its k-th sampling pass on that stream.
 * Every estimator (reparam, local reparam, Flipout) shares this posterior over weights; the
 * estimator only decides how training samples it, so it does not enter here.
 */
export function sampleEnsembleWeights(model: Sequential, samples: number, seed: number): PointDenseLayer[][] {
  checkEnsembleSize(samples, seed);
  const lowered = lowerBayesianMlp(model);
  checkHasPosterior(lowered);
  const rng = new RandomStreams(seed).stream(ENSEMBLE_STREAM);
  const members: PointDenseLayer[][] = [];
  for (let k = 0; k < samples; k++) {
    members.push(
      lowered.layers.map((l) => {
        // weight before bias: the order is part of the contract (see above)
        const weight = drawParameter(l.weight, rng);
        const bias = l.bias ? drawParameter(l.bias, rng) : null;
        return { name: l.name, weight, bias, activations: [...l.activations] };
      }),
    );
  }
  return members;
}
