import type { Tensor } from '@cristal/tensor';
import { INPUT_SIZE, NUM_CLASSES } from '@cristal/onnx';
import { Activation, type ActivationKind } from '../layers/activation';
import { Dense } from '../layers/dense';
import { DenseFlipout } from '../layers/dense-flipout';
import { DenseLocalReparam } from '../layers/dense-local-reparam';
import { DenseReparam } from '../layers/dense-reparam';
import type { Layer } from '../layers/layer';
import { McDropout } from '../layers/mc-dropout';
import { Flatten } from '../layers/reshape-layers';
import type { DenseEstimator } from '../models/bayesian-mlp';
import type { Sequential } from '../models/sequential';

/** The activations with an ONNX operator (identity needs none). */
export type ExportActivation = 'relu' | 'tanh' | 'sigmoid';

/** One weight tensor as the exporter sees it: the posterior mean and raw scale, or a point estimate (rho null). */
export interface LoweredParameter {
  mu: Tensor;
  /** sigma = softplus(rho); null for a deterministic `Dense` layer. */
  rho: Tensor | null;
}

/**
 * A dense layer of the model with the activations that follow it. The tensors are the model's own
 * variables (not copies): a lowered MLP owns nothing and needs no disposal.
 */
export interface LoweredDense {
  /** Position in `model.layers`. */
  index: number;
  name: string;
  /** The training estimator, or 'point' for a deterministic `Dense` layer. */
  estimator: DenseEstimator | 'point';
  inputSize: number;
  units: number;
  /** [in, out], as in `x @ W`. */
  weight: LoweredParameter;
  /** [out]; null for a layer built with `useBias: false`. */
  bias: LoweredParameter | null;
  /** Applied in order after `x W + b`: the layer's own activation, then any `Activation` layers up to the next dense layer. */
  activations: ExportActivation[];
}

export interface LoweredMlp {
  layers: LoweredDense[];
  /** The estimators of the variational layers, in layer order, without repeats; empty without variational layers. */
  estimators: DenseEstimator[];
}

export const SUPPORTED_EXPORT_LAYERS =
  'DenseReparam, DenseLocalReparam, DenseFlipout, Dense, Activation (relu, tanh, sigmoid, identity), McDropout (off for the mean, sampled masks for an ensemble), Flatten (no-op on [batch, 784])';

const ONNX_ACTIVATION: Record<ActivationKind, ExportActivation | null> = { relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid', identity: null };

function describe(layer: Layer, index: number): string {
  return `layer ${index} '${layer.name}' (${layer.constructor.name})`;
}

function exportActivation(kind: ActivationKind, where: string): ExportActivation | null {
  if (!Object.hasOwn(ONNX_ACTIVATION, kind)) {
    throw new Error(`exportBayesianMlp: ${where} has activation '${String(kind)}', which has no ONNX mapping; supported activations: ${Object.keys(ONNX_ACTIVATION).join(', ')}.`);
  }
  return ONNX_ACTIVATION[kind];
}

function variationalEstimator(layer: Layer): DenseEstimator | null {
  if (layer instanceof DenseReparam) return 'reparam';
  if (layer instanceof DenseLocalReparam) return 'local-reparam';
  if (layer instanceof DenseFlipout) return 'flipout';
  return null;
}

function lowerDense(layer: Layer, index: number): LoweredDense | null {
  const estimator = variationalEstimator(layer);
  if (estimator) {
    const v = layer as DenseReparam | DenseLocalReparam | DenseFlipout;
    const activation = exportActivation(v.activation, describe(layer, index));
    return {
      index,
      name: v.name,
      estimator,
      inputSize: v.inputSize,
      units: v.units,
      weight: { mu: v.weight.mu, rho: v.weight.rho },
      bias: v.bias ? { mu: v.bias.mu, rho: v.bias.rho } : null,
      activations: activation ? [activation] : [],
    };
  }
  if (layer instanceof Dense) {
    return {
      index,
      name: layer.name,
      estimator: 'point',
      inputSize: layer.inputSize,
      units: layer.units,
      weight: { mu: layer.kernel, rho: null },
      bias: layer.bias ? { mu: layer.bias, rho: null } : null,
      activations: [],
    };
  }
  return null;
}

function checkSizes(layers: readonly LoweredDense[], model: Sequential): void {
  if (layers.length === 0) throw new Error(`exportBayesianMlp: the model has no dense layers; supported layers: ${SUPPORTED_EXPORT_LAYERS}.`);
  if (layers[0].inputSize !== INPUT_SIZE) {
    throw new Error(`exportBayesianMlp: the classifier signature feeds ${INPUT_SIZE} pixels, but the first dense layer, ${describe(model.layers[layers[0].index], layers[0].index)}, takes ${layers[0].inputSize} inputs.`);
  }
  for (let i = 1; i < layers.length; i++) {
    const [a, b] = [layers[i - 1], layers[i]];
    if (a.units !== b.inputSize) {
      throw new Error(`exportBayesianMlp: ${describe(model.layers[a.index], a.index)} outputs ${a.units} features but ${describe(model.layers[b.index], b.index)} takes ${b.inputSize}.`);
    }
  }
  const last = layers[layers.length - 1];
  if (last.units !== NUM_CLASSES) {
    throw new Error(`exportBayesianMlp: the classifier signature needs ${NUM_CLASSES} logits, but the last dense layer, ${describe(model.layers[last.index], last.index)}, has ${last.units} units.`);
  }
}

/**
 * The model as a chain of dense layers, validated for export: only layers that are dense maps on
 * [batch, features] are accepted, activations are attached to the dense layer before them, and
 * `McDropout` and `Flatten` drop out (dropout is off in the posterior-mean network; an ensemble's
 * sampled masks are handled by `lowerBayesianNetwork` and `foldDropoutMasks`). The chain must map
 * 784 pixels to 10 logits.
 */
export function lowerBayesianMlp(model: Sequential): LoweredMlp {
  const layers: LoweredDense[] = [];
  const unsupported: string[] = [];
  model.layers.forEach((layer, index) => {
    const dense = lowerDense(layer, index);
    if (dense) {
      layers.push(dense);
    } else if (layer instanceof Activation) {
      const activation = exportActivation(layer.kind, describe(layer, index));
      if (activation === null) return;
      if (layers.length === 0) {
        throw new Error(`exportBayesianMlp: ${describe(layer, index)} comes before any dense layer; the exporter applies activations after a dense layer, so move it after one.`);
      }
      layers[layers.length - 1].activations.push(activation);
    } else if (!(layer instanceof McDropout || layer instanceof Flatten)) {
      unsupported.push(describe(layer, index));
    }
  });
  if (unsupported.length > 0) {
    throw new Error(`exportBayesianMlp: ${unsupported.join(', ')} ${unsupported.length === 1 ? 'is' : 'are'} not supported; supported layers: ${SUPPORTED_EXPORT_LAYERS}.`);
  }
  checkSizes(layers, model);
  const estimators = [...new Set(layers.map((l) => l.estimator).filter((e): e is DenseEstimator => e !== 'point'))];
  return { layers, estimators };
}
