import { tf, type RandomStream, type Tensor, type Variable } from '@cristal/tensor';
import type { CallOptions, Layer, LayerOutput } from './layer';

/**
 * Inverted dropout with a mask from a seeded stream: y = x * m / (1 - rate), m_i ~ Bernoulli(1 - rate),
 * so E[y] = x.
 */
export function mcDropout(x: Tensor, rate: number, rng: RandomStream): Tensor {
  checkRate(rate);
  if (rate === 0) return x.clone();
  return tf.tidy(() => {
    const keep = tf.cast(tf.greaterEqual(rng.uniformTensor(x.shape), rate), 'float32');
    return tf.mul(x, tf.mul(keep, 1 / (1 - rate)));
  });
}

function checkRate(rate: number): void {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}.`);
}

/**
 * Monte-Carlo dropout (Gal and Ghahramani 2016): dropout left on at prediction, so S stochastic passes
 * sample an approximate posterior predictive.
 *   mode 'sample' (training and MC prediction): y = x * m / (1 - rate),  m ~ Bernoulli(1 - rate)
 *   mode 'mean': y = x (the usual deterministic weight-scaling approximation)
 */
export class McDropout implements Layer {
  readonly name: string;
  readonly rate: number;

  constructor(rate: number, name = 'mc_dropout') {
    checkRate(rate);
    this.rate = rate;
    this.name = name;
  }

  call(x: Tensor, rng: RandomStream, options: CallOptions = {}): LayerOutput {
    return { output: options.mode === 'mean' ? x.clone() : mcDropout(x, this.rate, rng), kl: null };
  }

  variables(): Variable[] {
    return [];
  }

  dispose(): void {
    // no variables to free
  }
}
