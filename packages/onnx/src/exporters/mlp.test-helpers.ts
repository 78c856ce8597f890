import { tf, RandomStreams, type Tensor } from '@cristal/tensor';
import type { ClassifierMetadata } from '../signature/classifier-metadata';
import type { DenseActivation, DenseLayer } from './dense-mlp';

export const TEST_METADATA: ClassifierMetadata = {
  project: 'spiking-hopfield',
  experiment: 'classifier',
  runId: 'run-0001',
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
  configHash: 'sha256:abc',
  modelFamily: 'dense-mlp',
  timeSteps: 25,
  testMetrics: { accuracy: 0.9812, ece: 0.0123 },
};

/** Random layers with torch.nn.Linear's init scale, from a seeded stream. */
export function randomMlp(seed: number, sizes: readonly number[], activations: readonly DenseActivation[]): DenseLayer[] {
  const rng = new RandomStreams(seed);
  return activations.map((activation, i) => {
    const bound = 1 / Math.sqrt(sizes[i]);
    return {
      weight: rng.init.uniformTensor([sizes[i], sizes[i + 1]], -bound, bound),
      bias: rng.init.uniformTensor([sizes[i + 1]], -bound, bound),
      activation,
    };
  });
}

/** The same MLP in TF.js: the reference the exporter is held to. */
export function tfjsMlp(layers: readonly DenseLayer[]): (x: Tensor) => Tensor {
  return (x) =>
    tf.tidy(() => {
      let h = x;
      for (const l of layers) {
        const y = tf.add(tf.matMul(h, l.weight), l.bias);
        h = l.activation === 'relu' ? tf.relu(y) : l.activation === 'tanh' ? tf.tanh(y) : l.activation === 'sigmoid' ? tf.sigmoid(y) : y;
      }
      return tf.softmax(h);
    });
}
