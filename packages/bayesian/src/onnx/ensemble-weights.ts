import { tf, type Tensor } from '@cristal/tensor';
import type { Sequential } from '../models/sequential';
import { checkEnsembleSize, ensembleStreams } from './ensemble-streams';
import { checkDropoutFoldable, foldDropoutMasks } from './fold-dropout';
import { lowerBayesianMlp, type ExportActivation } from './lowered-mlp';
import { lowerBayesianNetwork } from './lowered-network';
import { disposePointNetworks, type PointNetwork } from './network-steps';
import type { PointDenseLayer } from './point-dense-layers';
import { checkSomethingToSample, samplePointNetworks } from './sample-networks';

export { ENSEMBLE_STREAM, checkEnsembleSize } from './ensemble-streams';

/** A folded dense chain as dense layers with their activations attached (copies: the caller owns them). */
function denseLayersOf(network: PointNetwork): PointDenseLayer[] {
  const layers: { name: string; weight: Tensor; bias: Tensor | null; activations: ExportActivation[] }[] = [];
  for (const step of network.steps) {
    if (step.kind === 'dense') layers.push({ name: step.name, weight: tf.clone(step.weight), bias: step.bias ? tf.clone(step.bias) : null, activations: [] });
    // lowerBayesianMlp has refused an activation before the first dense layer
    else if (step.kind === 'activation') layers[layers.length - 1].activations.push(step.activation);
  }
  return layers;
}

/**
 * K weight samples of the mean-field posterior, W_k = mu + sigma * eps_k with sigma = softplus(rho),
 * each a complete network of point dense layers with its dropout masks folded in (new tensors, owned
 * by the caller: `disposePointDenseLayers`): the networks `exportBayesianMlp` writes.
 *
 * The noise is reproducible from the seed alone: eps comes from the stream `sampling` of
 * `new RandomStreams(seed)`, filled by `normalNoise` (fillStandardNormal, the layers' own noise), in
 * this order: for k = 0..K-1, for each variational layer in model order, eps_W ([in, out],
 * row-major) then eps_b ([out], when the layer has a bias); deterministic `Dense` layers draw nothing.
 * So sample k does not depend on K (the first K' samples of K are the K' ensemble), and it is exactly
 * the weight sample a model of `DenseReparam` layers draws in its k-th sampling pass on that stream.
 * Every estimator (reparam, local reparam, Flipout) shares this posterior over weights; the
 * estimator only decides how training samples it, so it does not enter here. A `McDropout` layer
 * (rate r > 0) draws its mask m ([features], keep when u >= r) from the separate stream `dropout`,
 * in the same sample-major, layer order, and the dense layer after it gets rows W_i m_i / (1 - r).
 */
export function sampleEnsembleWeights(model: Sequential, samples: number, seed: number): PointDenseLayer[][] {
  checkEnsembleSize(samples, seed);
  lowerBayesianMlp(model);
  const lowered = lowerBayesianNetwork(model, 'exportBayesianMlp');
  checkSomethingToSample(lowered);
  checkDropoutFoldable(lowered, 'exportBayesianMlp');
  const networks = samplePointNetworks(lowered, samples, ensembleStreams(seed));
  const folded: PointNetwork[] = [];
  try {
    for (const n of networks) folded.push(foldDropoutMasks(n));
    return folded.map(denseLayersOf);
  } finally {
    disposePointNetworks([...networks, ...folded]);
  }
}
