import { tf, type Tensor } from '@cristal/tensor';
import type { DenseEstimator } from '../models/bayesian-mlp';
import type { ExportActivation, LoweredParameter } from './lowered-mlp';

/**
 * A model as the exporter sees it: a chain of steps, each tied to the layer it came from (`index` in
 * `model.layers`, `origin` for messages, e.g. "layer 3 'conv1' (Conv2dReparam)"). Generic in the
 * parameter type: `LoweredStep` holds the model's own posterior variables (mu, rho), `PointStep` one
 * concrete network's tensors (the posterior mean, or one sample).
 */
interface StepOrigin {
  index: number;
  origin: string;
}

/** `ToImage`: pixels [B, h w c] as NHWC images. */
export interface ImageStep extends StepOrigin {
  kind: 'image';
  height: number;
  width: number;
  channels: number;
}

/** A layer with weights: a convolution or a dense layer, point estimate or variational. */
interface WeightedStep<P> extends StepOrigin {
  name: string;
  /** The variational layer's training estimator, or 'point' for `Dense` and `Conv2d`. */
  estimator: DenseEstimator | 'point';
  /** Dense: [in, out] as in `x @ W`; convolution: the kernel [kh, kw, in, out] (HWIO, TF.js's layout). */
  weight: P;
  bias: P | null;
}

export interface ConvStep<P> extends WeightedStep<P> {
  kind: 'conv';
  strides: [number, number];
  /** ONNX order [top, left, bottom, right], TensorFlow's 'same' rule resolved for this input size. */
  pads: [number, number, number, number];
}

export interface DenseStep<P> extends WeightedStep<P> {
  kind: 'dense';
}

/** `MaxPool2d`: size x size windows, stride size, no padding. */
export interface MaxPoolStep extends StepOrigin {
  kind: 'maxPool';
  size: number;
}

/** `Flatten` of images [B, h, w, c] to [B, h w c] in NHWC order (a Flatten of features is dropped). */
export interface FlattenStep extends StepOrigin {
  kind: 'flatten';
  height: number;
  width: number;
  channels: number;
}

export interface ActivationStep extends StepOrigin {
  kind: 'activation';
  activation: ExportActivation;
}

/**
 * `McDropout` over `features` values per example (h w c of an image in NHWC order). `keep`: one
 * member's 0/1 mask [features], or null for the identity (the posterior mean, or a rate of 0).
 */
export interface DropoutStep extends StepOrigin {
  kind: 'dropout';
  rate: number;
  features: number;
  keep: Tensor | null;
}

export type NetworkStep<P> = ImageStep | ConvStep<P> | DenseStep<P> | MaxPoolStep | FlattenStep | ActivationStep | DropoutStep;
export type WeightedNetworkStep<P> = ConvStep<P> | DenseStep<P>;

/** The validated model over its own variables: owns nothing. */
export interface LoweredNetwork {
  steps: NetworkStep<LoweredParameter>[];
  /** The variational layers' estimators in layer order, without repeats; empty without variational layers. */
  estimators: DenseEstimator[];
}

/** One concrete network: tensors owned by the caller (`disposePointNetworks`), possibly shared between networks. */
export interface PointNetwork {
  steps: NetworkStep<Tensor>[];
}

export function isWeighted<P>(step: NetworkStep<P>): step is WeightedNetworkStep<P> {
  return step.kind === 'conv' || step.kind === 'dense';
}

/** Whether a sampled ensemble has anything to sample: a posterior or a dropout mask. */
export function hasStochasticLayers(lowered: LoweredNetwork): boolean {
  return lowered.estimators.length > 0 || lowered.steps.some((s) => s.kind === 'dropout' && s.rate > 0);
}

/** Frees every tensor of the networks once, however many networks share it. */
export function disposePointNetworks(networks: readonly PointNetwork[]): void {
  const tensors = new Set<Tensor>();
  for (const network of networks) {
    for (const step of network.steps) {
      if (isWeighted(step)) {
        tensors.add(step.weight);
        if (step.bias) tensors.add(step.bias);
      } else if (step.kind === 'dropout' && step.keep) {
        tensors.add(step.keep);
      }
    }
  }
  tf.dispose([...tensors]);
}
