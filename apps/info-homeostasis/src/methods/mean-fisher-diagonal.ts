import { denseFisherDiagonal, fisherDiagonal, isVariational, type Layer } from '@cristal/bayesian';
import { RandomStream, tf, type Tensor } from '@cristal/tensor';
import { meanDenseChain } from '../sensors/mean-dense-chain';

/**
 * The diagonal Fisher of the posterior-mean network with respect to every variational layer's weight
 * and bias means, keyed by the mean variable's name, on the batch `x`, labels drawn from the model
 * (the true Fisher; see `fisherTracePerParameter`). A dense chain takes the batched outer-product
 * path, anything else (LeNet) one backward pass per example. The caller disposes the tensors.
 */
export function meanFisherDiagonal(layers: readonly Layer[], x: Tensor, random: RandomStream): Record<string, Tensor> {
  const options = { likelihood: { kind: 'categorical' } as const, labels: 'sampled' as const, samples: 1, random };
  const targets = tf.zeros([x.shape[0]], 'int32');
  try {
    const chain = meanDenseChain(layers);
    if (!('reason' in chain) && x.rank === 2) {
      const diagonal = denseFisherDiagonal(chain.layers, x, targets, options);
      const out: Record<string, Tensor> = {};
      for (const [name, layer] of chain.variational) {
        out[layer.weight.mu.name] = diagonal[name].kernel;
        const bias = diagonal[name].bias;
        if (layer.bias && bias) out[layer.bias.mu.name] = bias;
        else if (bias) bias.dispose();
        delete diagonal[name];
      }
      tf.dispose(Object.values(diagonal).flatMap((d) => [d.kernel, d.bias].filter((t): t is Tensor => t !== undefined)));
      return out;
    }
    const variational = layers.filter(isVariational);
    const means = variational.flatMap((l) => (l.bias ? [l.weight.mu, l.bias.mu] : [l.weight.mu]));
    const unused = new RandomStream(0, 'fisher-mean-pass');
    const meanNetwork = (xb: Tensor): Tensor => tf.tidy(() => layers.reduce((h, layer) => layer.call(h, unused, { mode: 'mean', kl: false }).output, xb));
    return fisherDiagonal(meanNetwork, means, x, targets, options);
  } finally {
    targets.dispose();
  }
}
