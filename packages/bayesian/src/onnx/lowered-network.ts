import { INPUT_SIZE, NUM_CLASSES } from '@cristal/onnx';
import { Activation, type ActivationKind } from '../layers/activation';
import { Conv2d } from '../layers/conv2d';
import { Conv2dFlipout } from '../layers/conv2d-flipout';
import { Conv2dReparam, type Conv2dGeometry } from '../layers/conv2d-reparam';
import { Dense } from '../layers/dense';
import { DenseFlipout } from '../layers/dense-flipout';
import { DenseLocalReparam } from '../layers/dense-local-reparam';
import { DenseReparam } from '../layers/dense-reparam';
import type { Layer } from '../layers/layer';
import { McDropout } from '../layers/mc-dropout';
import { Flatten, MaxPool2d, ToImage } from '../layers/reshape-layers';
import type { DenseEstimator } from '../models/bayesian-mlp';
import type { Sequential } from '../models/sequential';
import type { ExportActivation, LoweredParameter } from './lowered-mlp';
import type { ConvStep, DenseStep, LoweredNetwork, NetworkStep } from './network-steps';

export const SUPPORTED_NETWORK_LAYERS =
  'ToImage, Conv2d, Conv2dReparam, Conv2dFlipout, MaxPool2d, Flatten, Dense, DenseReparam, DenseLocalReparam, DenseFlipout, Activation (relu, tanh, sigmoid, identity), McDropout';

const ONNX_ACTIVATION: Record<ActivationKind, ExportActivation | null> = { relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid', identity: null };

/** What flows between layers, per example: a feature vector or an NHWC image. */
type Flow = { kind: 'features'; size: number } | { kind: 'image'; height: number; width: number; channels: number };

const describeFlow = (f: Flow) => (f.kind === 'features' ? `[batch, ${f.size}] features` : `[batch, ${f.height}, ${f.width}, ${f.channels}] images`);

export function describeLayer(layer: Layer, index: number): string {
  return `layer ${index} '${layer.name}' (${layer.constructor.name})`;
}

function isSupported(layer: Layer): boolean {
  return [ToImage, Conv2d, Conv2dReparam, Conv2dFlipout, MaxPool2d, Flatten, Dense, DenseReparam, DenseLocalReparam, DenseFlipout, Activation, McDropout].some((k) => layer instanceof k);
}

function exportActivation(label: string, kind: ActivationKind, where: string): ExportActivation | null {
  if (!Object.hasOwn(ONNX_ACTIVATION, kind)) {
    throw new Error(`${label}: ${where} has activation '${String(kind)}', which has no ONNX mapping; supported activations: ${Object.keys(ONNX_ACTIVATION).join(', ')}.`);
  }
  return ONNX_ACTIVATION[kind];
}

/** TensorFlow's padding rule: 'same' gives ceil(size / stride) outputs, floor(total / 2) padding before and the rest after. */
function convolve(size: number, kernel: number, stride: number, padding: Conv2dGeometry['padding']): { out: number; before: number; after: number } {
  if (padding === 'valid') return { out: Math.floor((size - kernel) / stride) + 1, before: 0, after: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

interface Lowering {
  label: string;
  steps: NetworkStep<LoweredParameter>[];
  estimators: DenseEstimator[];
  flow: Flow;
}

function addEstimator(state: Lowering, estimator: DenseEstimator | 'point'): void {
  if (estimator !== 'point' && !state.estimators.includes(estimator)) state.estimators.push(estimator);
}

function lowerConv(state: Lowering, layer: Conv2d | Conv2dReparam | Conv2dFlipout, index: number, origin: string): void {
  const { label, flow } = state;
  if (flow.kind !== 'image') throw new Error(`${label}: ${origin} needs NHWC images but gets ${describeFlow(flow)}; put ToImage(28, 28) before it.`);
  const [kh, kw, inChannels] = layer.kernelShape;
  if (flow.channels !== inChannels) throw new Error(`${label}: ${origin} takes ${inChannels} channels but gets ${describeFlow(flow)}.`);
  const { strides, padding } = layer.geometry;
  const rows = convolve(flow.height, kh, strides[0], padding);
  const cols = convolve(flow.width, kw, strides[1], padding);
  if (rows.out < 1 || cols.out < 1) throw new Error(`${label}: ${origin} has a ${kh} x ${kw} kernel, larger than its ${describeFlow(flow)} ('valid' padding).`);
  const estimator = layer instanceof Conv2dReparam ? 'reparam' : layer instanceof Conv2dFlipout ? 'flipout' : 'point';
  const step: ConvStep<LoweredParameter> =
    layer instanceof Conv2d
      ? { kind: 'conv', index, origin, name: layer.name, estimator, weight: { mu: layer.kernel, rho: null }, bias: layer.bias ? { mu: layer.bias, rho: null } : null, strides, pads: [rows.before, cols.before, rows.after, cols.after] }
      : {
          kind: 'conv',
          index,
          origin,
          name: layer.name,
          estimator,
          weight: { mu: layer.weight.mu, rho: layer.weight.rho },
          bias: layer.bias ? { mu: layer.bias.mu, rho: layer.bias.rho } : null,
          strides,
          pads: [rows.before, cols.before, rows.after, cols.after],
        };
  addEstimator(state, estimator);
  state.steps.push(step);
  state.flow = { kind: 'image', height: rows.out, width: cols.out, channels: layer.filters };
}

function lowerDense(state: Lowering, layer: Dense | DenseReparam | DenseLocalReparam | DenseFlipout, index: number, origin: string): void {
  const { label, flow } = state;
  if (flow.kind === 'image') throw new Error(`${label}: ${origin} takes [batch, ${layer.inputSize}] features but gets ${describeFlow(flow)}; put Flatten before it.`);
  if (flow.size !== layer.inputSize) {
    const source = state.steps.some((s) => s.kind === 'conv' || s.kind === 'dense' || s.kind === 'flatten') ? 'the layers before it output' : 'the classifier signature feeds';
    throw new Error(`${label}: ${origin} takes ${layer.inputSize} inputs, but ${source} ${flow.size} features.`);
  }
  const estimator = layer instanceof DenseReparam ? 'reparam' : layer instanceof DenseLocalReparam ? 'local-reparam' : layer instanceof DenseFlipout ? 'flipout' : 'point';
  const step: DenseStep<LoweredParameter> =
    layer instanceof Dense
      ? { kind: 'dense', index, origin, name: layer.name, estimator, weight: { mu: layer.kernel, rho: null }, bias: layer.bias ? { mu: layer.bias, rho: null } : null }
      : { kind: 'dense', index, origin, name: layer.name, estimator, weight: { mu: layer.weight.mu, rho: layer.weight.rho }, bias: layer.bias ? { mu: layer.bias.mu, rho: layer.bias.rho } : null };
  addEstimator(state, estimator);
  state.steps.push(step);
  state.flow = { kind: 'features', size: layer.units };
  if (!(layer instanceof Dense)) {
    const activation = exportActivation(label, layer.activation, origin);
    if (activation) state.steps.push({ kind: 'activation', index, origin, activation });
  }
}

function lowerLayer(state: Lowering, layer: Layer, index: number): void {
  const origin = describeLayer(layer, index);
  const { label, flow } = state;
  if (layer instanceof ToImage) {
    const size = layer.height * layer.width * layer.channels;
    if (flow.kind !== 'features' || state.steps.some((s) => s.kind === 'conv' || s.kind === 'dense')) {
      throw new Error(`${label}: ${origin} must reshape the input pixels, before any convolution or dense layer; move it first.`);
    }
    if (flow.size !== size) throw new Error(`${label}: ${origin} reshapes to ${layer.height} x ${layer.width} x ${layer.channels} = ${size} values, but gets ${describeFlow(flow)}; use ToImage(28, 28) for the 784 pixels.`);
    state.steps.push({ kind: 'image', index, origin, height: layer.height, width: layer.width, channels: layer.channels });
    state.flow = { kind: 'image', height: layer.height, width: layer.width, channels: layer.channels };
  } else if (layer instanceof Conv2d || layer instanceof Conv2dReparam || layer instanceof Conv2dFlipout) {
    lowerConv(state, layer, index, origin);
  } else if (layer instanceof MaxPool2d) {
    if (flow.kind !== 'image') throw new Error(`${label}: ${origin} needs NHWC images but gets ${describeFlow(flow)}.`);
    if (layer.size > flow.height || layer.size > flow.width) throw new Error(`${label}: ${origin} has ${layer.size} x ${layer.size} windows, larger than its ${describeFlow(flow)}.`);
    state.steps.push({ kind: 'maxPool', index, origin, size: layer.size });
    state.flow = { ...flow, height: Math.floor(flow.height / layer.size), width: Math.floor(flow.width / layer.size) };
  } else if (layer instanceof Flatten) {
    // a Flatten of features is the identity: nothing to export
    if (flow.kind === 'image') {
      state.steps.push({ kind: 'flatten', index, origin, height: flow.height, width: flow.width, channels: flow.channels });
      state.flow = { kind: 'features', size: flow.height * flow.width * flow.channels };
    }
  } else if (layer instanceof Dense || layer instanceof DenseReparam || layer instanceof DenseLocalReparam || layer instanceof DenseFlipout) {
    lowerDense(state, layer, index, origin);
  } else if (layer instanceof Activation) {
    const activation = exportActivation(label, layer.kind, origin);
    if (activation) state.steps.push({ kind: 'activation', index, origin, activation });
  } else if (layer instanceof McDropout) {
    const features = flow.kind === 'features' ? flow.size : flow.height * flow.width * flow.channels;
    state.steps.push({ kind: 'dropout', index, origin, rate: layer.rate, features, keep: null });
  }
}

/**
 * The model as a validated chain of export steps over its own variables (nothing copied): layer by
 * layer, with the shape of what flows between them tracked from the 784 input pixels, so that a
 * wrong layer order or size fails here, naming the layer, rather than in the graph. Identity
 * activations and a Flatten of features drop out; a variational dense layer's own activation
 * becomes a step after it. The chain must end in 10 logits. `label` prefixes every message (the
 * exporter's name).
 */
export function lowerBayesianNetwork(model: Sequential, label = 'exportBayesianNetwork'): LoweredNetwork {
  const unsupported = model.layers.map((layer, index) => (isSupported(layer) ? null : describeLayer(layer, index))).filter((d): d is string => d !== null);
  if (unsupported.length > 0) {
    throw new Error(`${label}: ${unsupported.join(', ')} ${unsupported.length === 1 ? 'is' : 'are'} not supported; supported layers: ${SUPPORTED_NETWORK_LAYERS}.`);
  }
  const state: Lowering = { label, steps: [], estimators: [], flow: { kind: 'features', size: INPUT_SIZE } };
  model.layers.forEach((layer, index) => lowerLayer(state, layer, index));
  if (state.flow.kind !== 'features' || state.flow.size !== NUM_CLASSES) {
    const last = [...state.steps].reverse().find((s) => s.kind === 'conv' || s.kind === 'dense');
    throw new Error(`${label}: the classifier signature needs ${NUM_CLASSES} logits, but the model outputs ${describeFlow(state.flow)}${last ? ` (its last layer with weights is ${last.origin})` : ' (it has no layer with weights)'}.`);
  }
  return { steps: state.steps, estimators: state.estimators };
}
