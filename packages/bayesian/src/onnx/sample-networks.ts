import { tf, type RandomStream, type Tensor } from '@cristal/tensor';
import { normalNoise } from '../layers/noise';
import type { Sequential } from '../models/sequential';
import { checkEnsembleSize, ensembleStreams, type EnsembleStreams } from './ensemble-streams';
import type { LoweredParameter } from './lowered-mlp';
import { lowerBayesianNetwork } from './lowered-network';
import { hasStochasticLayers, isWeighted, type LoweredNetwork, type NetworkStep, type PointNetwork } from './network-steps';

/** mu + softplus(rho) * eps with eps drawn now (fillStandardNormal, the layers' own noise); a copy of a point estimate, which draws nothing. */
export function drawParameter(p: LoweredParameter, rng: RandomStream): Tensor {
  const { rho } = p;
  if (rho === null) return tf.clone(p.mu);
  return tf.tidy(() => tf.add(p.mu, tf.mul(tf.softplus(rho), normalNoise(rng, p.mu.shape))));
}

/**
 * A dropout keep mask [features], 1 with probability 1 - rate: u >= rate for u uniform in [0, 1) in
 * float32, McDropout's own rule (`mcDropout`).
 */
export function dropoutMask(rng: RandomStream, features: number, rate: number): Tensor {
  const u = rng.fillUniform(new Float32Array(features));
  const threshold = Math.fround(rate);
  return tf.tensor1d(u.map((v) => (v >= threshold ? 1 : 0)), 'float32');
}

/** An ensemble of a model without posterior or dropout would be K copies of one network: refuse it. */
export function checkSomethingToSample(lowered: LoweredNetwork, what = 'the model'): void {
  if (!hasStochasticLayers(lowered)) {
    throw new Error(`ensemble: ${what} has no variational layers and no McDropout layers, so every sample would be the same network; export it with posterior { kind: 'mean' }.`);
  }
}

/** The posterior-mean network: means mu, point layers as they are, dropout the identity. New tensors. */
export function meanPointNetwork(lowered: LoweredNetwork): PointNetwork {
  return {
    steps: lowered.steps.map((step): NetworkStep<Tensor> => (isWeighted(step) ? { ...step, weight: tf.clone(step.weight.mu), bias: step.bias ? tf.clone(step.bias.mu) : null } : { ...step })),
  };
}

/**
 * K concrete networks of the lowered model, sample-major: for k = 0..K-1, in layer order, a
 * variational layer draws eps for its weight (row-major over its shape) then its bias from
 * `streams.weights`, and a McDropout layer (rate > 0) draws its mask from `streams.masks`. Point
 * layers draw nothing; their tensors are copied once and shared by every sample. So sample k does
 * not depend on K, and masks never shift the weight noise.
 */
export function samplePointNetworks(lowered: LoweredNetwork, samples: number, streams: EnsembleStreams): PointNetwork[] {
  const shared = new Map<number, { weight: Tensor; bias: Tensor | null }>();
  lowered.steps.forEach((step, i) => {
    if (isWeighted(step) && step.weight.rho === null) shared.set(i, { weight: tf.clone(step.weight.mu), bias: step.bias ? tf.clone(step.bias.mu) : null });
  });
  const networks: PointNetwork[] = [];
  for (let k = 0; k < samples; k++) {
    const steps = lowered.steps.map((step, i): NetworkStep<Tensor> => {
      if (isWeighted(step)) {
        const point = shared.get(i);
        if (point) return { ...step, ...point };
        // weight before bias: the order is part of the contract (see above)
        const weight = drawParameter(step.weight, streams.weights);
        const bias = step.bias ? drawParameter(step.bias, streams.weights) : null;
        return { ...step, weight, bias };
      }
      if (step.kind === 'dropout') return { ...step, keep: step.rate > 0 ? dropoutMask(streams.masks, step.features, step.rate) : null };
      return { ...step };
    });
    networks.push({ steps });
  }
  return networks;
}

/** The posterior-mean network of a model (dropout off), as `exportBayesianNetwork` writes it. Free it with `disposePointNetworks`. */
export function posteriorMeanNetwork(model: Sequential): PointNetwork {
  return meanPointNetwork(lowerBayesianNetwork(model, 'posteriorMeanNetwork'));
}

/**
 * The K networks `exportBayesianNetwork(model, { posterior: { kind: 'ensemble', samples, seed } })`
 * writes, before their dropout masks are folded into the weights: weights from stream `sampling`,
 * masks from stream `dropout` of `new RandomStreams(seed)`. Free them with `disposePointNetworks`.
 */
export function sampleNetworkEnsemble(model: Sequential, samples: number, seed: number): PointNetwork[] {
  checkEnsembleSize(samples, seed);
  const lowered = lowerBayesianNetwork(model, 'sampleNetworkEnsemble');
  checkSomethingToSample(lowered);
  return samplePointNetworks(lowered, samples, ensembleStreams(seed));
}
