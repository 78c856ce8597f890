import {
  Activation,
  Conv2d,
  Conv2dFlipout,
  Dense,
  DenseLocalReparam,
  Flatten,
  MaxPool2d,
  McDropout,
  Sequential,
  ToImage,
  type Prior,
  type Layer,
} from '@cristal/bayesian';
import type { RandomStream } from '@cristal/tensor';

export const ARCHITECTURES = ['mlp', 'lenet'] as const;
export type ArchitectureName = (typeof ARCHITECTURES)[number];

/** The model family every method of the app shares; only how its weights are learned differs. */
export interface ArchitectureConfig {
  name: ArchitectureName;
  /** Hidden widths of the MLP (784-h1-...-10). */
  hidden: number[];
}

export interface VariationalOptions {
  /** The prior on every weight and bias (Gaussian, or a scale mixture with a Monte-Carlo KL). */
  prior: Prior;
  /** Raw scale at initialisation, sigma = softplus(rho). */
  rhoInit: number;
}

/** What varies between the networks of the methods. */
export type LayerKind = { kind: 'point'; dropout: number } | ({ kind: 'variational' } & VariationalOptions);

/**
 * LeNet-5 as in the dataset-shift benchmark (Ovadia et al. 2019): conv 6@5x5 (same), max-pool 2, conv
 * 16@5x5 (valid), max-pool 2, then 400-120-84-10 dense layers with ReLU.
 */
const LENET = { conv1: 6, conv2: 16, dense: [120, 84] };

function dense(kind: LayerKind, inputSize: number, units: number, relu: boolean, rng: RandomStream, name: string): Layer[] {
  if (kind.kind === 'point') {
    const layers: Layer[] = [new Dense({ inputSize, units, rng: rng.fork(name), name })];
    if (relu) layers.push(new Activation('relu'));
    return layers;
  }
  return [new DenseLocalReparam({ inputSize, units, prior: kind.prior, rhoInit: kind.rhoInit, rng: rng.fork(name), name, activation: relu ? 'relu' : 'identity' })];
}

function conv(kind: LayerKind, inChannels: number, filters: number, padding: 'same' | 'valid', rng: RandomStream, name: string): Layer {
  if (kind.kind === 'point') return new Conv2d({ inChannels, filters, kernelSize: 5, padding, rng: rng.fork(name), name });
  return new Conv2dFlipout({ inChannels, filters, kernelSize: 5, padding, prior: kind.prior, rhoInit: kind.rhoInit, rng: rng.fork(name), name });
}

/** Dropout goes before every dense layer but the first, so an exported MC-dropout ensemble folds each mask into the next layer's rows. */
function denseStack(kind: LayerKind, sizes: number[], rng: RandomStream, offset: number): Layer[] {
  const layers: Layer[] = [];
  for (let i = 1; i < sizes.length; i++) {
    if (i > 1 && kind.kind === 'point' && kind.dropout > 0) layers.push(new McDropout(kind.dropout, `dropout${i - 1 + offset}`));
    layers.push(...dense(kind, sizes[i - 1], sizes[i], i < sizes.length - 1, rng, `dense${i + offset}`));
  }
  return layers;
}

/** The network of `architecture` with point, dropout or mean-field Gaussian layers, logits out. */
export function buildNetwork(architecture: ArchitectureConfig, kind: LayerKind, rng: RandomStream): Sequential {
  if (architecture.name === 'mlp') return new Sequential(denseStack(kind, [784, ...architecture.hidden, 10], rng, 0));
  return new Sequential([
    new ToImage(28, 28, 1),
    conv(kind, 1, LENET.conv1, 'same', rng, 'conv1'),
    new Activation('relu'),
    new MaxPool2d(2),
    conv(kind, LENET.conv1, LENET.conv2, 'valid', rng, 'conv2'),
    new Activation('relu'),
    new MaxPool2d(2),
    new Flatten(),
    ...denseStack(kind, [5 * 5 * LENET.conv2, ...LENET.dense, 10], rng, 0),
  ]);
}

/** Trainable values of a network (a variational weight counts its mean and its scale). */
export function parameterCount(model: Sequential): number {
  return model.variables().reduce((sum, v) => sum + v.size, 0);
}
