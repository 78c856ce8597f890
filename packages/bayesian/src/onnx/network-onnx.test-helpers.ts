import { tf, softmax, RandomStream, RandomStreams, type Tensor, type Variable } from '@cristal/tensor';
import { Activation } from '../layers/activation';
import { Conv2d } from '../layers/conv2d';
import { Conv2dFlipout } from '../layers/conv2d-flipout';
import { Conv2dReparam } from '../layers/conv2d-reparam';
import { Dense } from '../layers/dense';
import { DenseLocalReparam } from '../layers/dense-local-reparam';
import { DenseReparam } from '../layers/dense-reparam';
import { isVariational, type Layer } from '../layers/layer';
import { McDropout } from '../layers/mc-dropout';
import { Flatten, MaxPool2d, ToImage } from '../layers/reshape-layers';
import { Sequential } from '../models/sequential';
import type { PointNetwork } from './network-steps';

/**
 * A small LeNet with every variational kind: 28 -> conv 5x5 (reparam, 4 filters) -> 24 -> pool -> 12
 * -> conv 5x5 (Flipout, 8 filters) -> 8 -> pool -> 4, flattened to 4 x 4 x 8 = 128 -> 16 (local
 * reparam, ReLU) -> 10 (reparam). Sizeable posterior scales (rho -3), so samples differ visibly.
 */
export function bayesianLenet(seed = 1): Sequential {
  const rng = new RandomStreams(seed).init;
  return new Sequential([
    new ToImage(28, 28),
    new Conv2dReparam({ inChannels: 1, filters: 4, kernelSize: 5, rhoInit: -3, rng, name: 'conv_a' }),
    new Activation('relu'),
    new MaxPool2d(2),
    new Conv2dFlipout({ inChannels: 4, filters: 8, kernelSize: 5, rhoInit: -3, rng, name: 'conv_b' }),
    new Activation('relu'),
    new MaxPool2d(2),
    new Flatten(),
    new DenseLocalReparam({ inputSize: 128, units: 16, activation: 'relu', rhoInit: -3, rng, name: 'hidden' }),
    new DenseReparam({ inputSize: 16, units: 10, rhoInit: -3, rng, name: 'logits' }),
  ]);
}

/** The same LeNet with reparameterised layers only: its own sampling passes draw exactly the exported weight samples. */
export function reparamLenet(seed = 2): Sequential {
  const rng = new RandomStreams(seed).init;
  return new Sequential([
    new ToImage(28, 28),
    new Conv2dReparam({ inChannels: 1, filters: 4, kernelSize: 5, rhoInit: -3, rng }),
    new Activation('tanh'),
    new MaxPool2d(2),
    new Conv2dReparam({ inChannels: 4, filters: 8, kernelSize: 5, rhoInit: -3, rng }),
    new Activation('relu'),
    new MaxPool2d(2),
    new Flatten(),
    new DenseReparam({ inputSize: 128, units: 16, activation: 'relu', rhoInit: -3, rng }),
    new DenseReparam({ inputSize: 16, units: 10, rhoInit: -3, rng }),
  ]);
}

/**
 * Every convolution path of the exporter: a point convolution before anything is sampled ('same'
 * padding, stride 2), a sampled one on the shared input (28 -> 14 -> 12), pooling, a sampled one on
 * stacked members ('same'), a point convolution on stacked members (kernel 2 x 3, strides [1, 2],
 * 'same' padding with one row and one column after and none before: 6 x 6 -> 6 x 3), dropout on the
 * images before the Flatten (its mask in NHWC order), then a point dense layer that the mask makes
 * per member.
 */
export function geometryLenet(seed = 3): Sequential {
  const rng = new RandomStreams(seed).init;
  return new Sequential([
    new ToImage(28, 28),
    new Conv2d({ inChannels: 1, filters: 4, kernelSize: 5, strides: 2, padding: 'same', rng, name: 'point_a' }),
    new Activation('relu'),
    new Conv2dReparam({ inChannels: 4, filters: 6, kernelSize: 3, rhoInit: -2.5, rng, name: 'sampled_a' }),
    new MaxPool2d(2),
    new Conv2dFlipout({ inChannels: 6, filters: 8, kernelSize: 3, padding: 'same', rhoInit: -2.5, rng, name: 'sampled_b' }),
    new Activation('sigmoid'),
    new Conv2d({ inChannels: 8, filters: 4, kernelSize: [2, 3], strides: [1, 2], padding: 'same', rng, name: 'point_b' }),
    new Activation('relu'),
    new McDropout(0.25, 'image_dropout'),
    new Flatten(),
    new Dense({ inputSize: 72, units: 10, rng, name: 'out' }),
  ]);
}

/** A deterministic LeNet with MC dropout: dropout on the pooled images (before Flatten) and after the hidden layer. */
export function dropoutLenet(seed = 4): Sequential {
  const rng = new RandomStreams(seed).init;
  return new Sequential([
    new ToImage(28, 28),
    new Conv2d({ inChannels: 1, filters: 4, kernelSize: 5, rng }),
    new Activation('relu'),
    new MaxPool2d(2),
    new Conv2d({ inChannels: 4, filters: 8, kernelSize: 5, rng }),
    new Activation('relu'),
    new MaxPool2d(2),
    new McDropout(0.25),
    new Flatten(),
    new Dense({ inputSize: 128, units: 16, rng }),
    new Activation('relu'),
    new McDropout(0.5),
    new Dense({ inputSize: 16, units: 10, rng }),
  ]);
}

/** A deterministic MLP with MC dropout, two dropouts in a row before the last layer (their masks multiply). */
export function dropoutMlp(seed = 5): Sequential {
  const rng = new RandomStreams(seed).init;
  return new Sequential([
    new Dense({ inputSize: 784, units: 32, rng }),
    new Activation('relu'),
    new McDropout(0.5),
    new Dense({ inputSize: 32, units: 16, rng }),
    new Activation('tanh'),
    new McDropout(0.2),
    new McDropout(0.1),
    new Dense({ inputSize: 16, units: 10, rng }),
  ]);
}

/** A deterministic 784-32-10 ReLU MLP, one member of a deep ensemble. */
export function pointMlp(seed: number): Sequential {
  const rng = new RandomStreams(seed).init;
  return new Sequential([new Dense({ inputSize: 784, units: 32, rng }), new Activation('relu'), new Dense({ inputSize: 32, units: 10, rng })]);
}

/** The variables a concrete network's weights go into: the posterior means, or a point layer's own weights. */
function targets(layer: Layer): { weight: Variable; bias: Variable | null } {
  if (isVariational(layer)) return { weight: layer.weight.mu, bias: layer.bias ? layer.bias.mu : null };
  if (layer instanceof Dense || layer instanceof Conv2d) return { weight: layer.kernel, bias: layer.bias };
  throw new Error(`test setup: ${layer.name} has no weights`);
}

/**
 * softmax(f(x) / T) of one concrete network computed by the model's own layers, independently of
 * the exporter's folding and graph: the network's weights are assigned to the layers' variables
 * (posterior means, or a point layer's weights), each layer runs its own `mode: 'mean'` pass, and a
 * McDropout layer with a mask applies it as `mcDropout` does, x * (m / (1 - rate)). The model's
 * variables are restored afterwards.
 */
export function throughLayers(model: Sequential, network: PointNetwork, x: Tensor, temperature = 1): Tensor {
  const saved: { variable: Variable; value: Tensor }[] = [];
  const masks = new Map<number, { keep: Tensor; rate: number }>();
  try {
    for (const step of network.steps) {
      if (step.kind === 'conv' || step.kind === 'dense') {
        const t = targets(model.layers[step.index]);
        const pairs: [Variable | null, Tensor | null][] = [
          [t.weight, step.weight],
          [t.bias, step.bias],
        ];
        for (const [variable, value] of pairs) {
          if (!variable || !value) continue;
          saved.push({ variable, value: variable.clone() });
          variable.assign(value);
        }
      } else if (step.kind === 'dropout' && step.keep) {
        masks.set(step.index, { keep: step.keep, rate: step.rate });
      }
    }
    const unused = new RandomStream(0, 'mean-pass');
    return tf.tidy(() => {
      let h = x;
      model.layers.forEach((layer, i) => {
        const mask = masks.get(i);
        h = mask ? tf.mul(h, tf.mul(tf.reshape(mask.keep, h.shape.slice(1)), 1 / (1 - mask.rate))) : layer.call(h, unused, { mode: 'mean', kl: false }).output;
      });
      return softmax(tf.div(h, temperature));
    });
  } finally {
    for (const { variable, value } of saved.reverse()) {
      variable.assign(value);
      value.dispose();
    }
  }
}

/** (1/N) sum_n softmax(f_n(x) / T) over (model, network) pairs, each through `throughLayers`. */
export function averageThroughLayers(pairs: readonly (readonly [Sequential, PointNetwork])[], x: Tensor, temperature = 1): Tensor {
  return tf.tidy(() => tf.mean(tf.stack(pairs.map(([model, network]) => throughLayers(model, network, x, temperature))), 0));
}

/** (1/M) sum_m softmax(f_m(x) / T) through each member's own mean pass (no weights assigned at all). */
export function membersMeanPass(members: readonly Sequential[], x: Tensor, temperature = 1): Tensor {
  const unused = new RandomStream(0, 'mean-pass');
  return tf.tidy(() => tf.mean(tf.stack(members.map((m) => softmax(tf.div(m.call(x, unused, { mode: 'mean', kl: false }).output, temperature)))), 0));
}
