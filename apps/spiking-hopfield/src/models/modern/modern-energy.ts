import { tf, logSumExp, type Tensor } from '@cristal/tensor';
import { assertBeta } from './check-settings';
import { checkPatternsAndStates } from './check-modern';

/**
 * Energy of the modern continuous Hopfield network (Ramsauer et al. 2020, eq. 2) for each state
 * xi (rows of `states` [B, d]) given stored patterns X [N, d] (rows x_i):
 *   E(xi) = -lse(beta, X xi) + 1/2 xi^T xi + beta^-1 log N + 1/2 M^2,
 *   lse(beta, z) = beta^-1 log sum_i exp(beta z_i),   M = max_i ||x_i||.
 * The last two terms are constants chosen so that E >= 1/2 (||xi|| - M)^2 >= 0, because
 * lse(beta, z) <= max_i z_i + beta^-1 log N. `modernUpdate` never raises E (the CCCP argument).
 * Returns [B].
 */
export function modernEnergy(patterns: Tensor, states: Tensor, beta: number): Tensor {
  checkPatternsAndStates(patterns, states, 'modernEnergy');
  assertBeta(beta, 'modernEnergy');
  const n = patterns.shape[0];
  return tf.tidy(() => {
    const lse = tf.div(logSumExp(tf.mul(tf.matMul(states, patterns, false, true), beta), -1), beta);
    const halfNorm = tf.mul(0.5, tf.sum(tf.square(states), 1));
    const maxNormSquared = tf.max(tf.sum(tf.square(patterns), 1));
    const constant = tf.add(Math.log(n) / beta, tf.mul(0.5, maxNormSquared));
    return tf.add(tf.sub(halfNorm, lse), constant);
  });
}
