import type { ActivationKind } from '../layers/activation';
import { DenseFlipout } from '../layers/dense-flipout';
import { DenseLocalReparam } from '../layers/dense-local-reparam';
import { DenseReparam } from '../layers/dense-reparam';
import type { Layer } from '../layers/layer';
import type { VariationalLayerOptions } from '../layers/variational-base';
import { Sequential } from './sequential';

export type DenseEstimator = 'reparam' | 'local-reparam' | 'flipout';

export interface BayesianMlpOptions extends Omit<VariationalLayerOptions, 'name' | 'initial'> {
  /** Layer widths from input to output, e.g. [784, 400, 400, 10]. */
  sizes: number[];
  /** How each layer samples: weights (`reparam`), pre-activations (`local-reparam`, default) or `flipout`. */
  estimator?: DenseEstimator;
  /** Between hidden layers; default relu. No activation after the last layer (logits). */
  activation?: ActivationKind;
}

/**
 * A Bayes-by-backprop MLP (Blundell et al. 2015): variational dense layers with an activation between
 * them, logits out. [784, 400, 400, 10] with local reparameterisation and the N(0, 1) prior is the
 * workload of the PyTorch reference (`torch_bnn.py`) and of `bench/bnn-training.bench.ts`.
 */
export function bayesianMlp(options: BayesianMlpOptions): Sequential {
  const { sizes, estimator = 'local-reparam', activation = 'relu', ...layerOptions } = options;
  if (sizes.length < 2) throw new Error('bayesianMlp: sizes needs at least an input and an output width.');
  const Layer = estimator === 'reparam' ? DenseReparam : estimator === 'flipout' ? DenseFlipout : DenseLocalReparam;
  const layers: Layer[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const hidden = i < sizes.length - 1;
    // the activation belongs to the layer, so the fused kernel can apply it in place
    layers.push(new Layer({ ...layerOptions, inputSize: sizes[i - 1], units: sizes[i], name: `layer${i}`, activation: hidden ? activation : 'identity', rng: options.rng.fork(`layer${i}`) }));
  }
  return new Sequential(layers);
}
