import { tf, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { tidy } from '../pc/tidy';

/**
 * Mean-field Gaussian beliefs over one layer's weights and biases: W_ij ~ N(mean_ij, 1/precision_ij),
 * b_j ~ N(biasMean_j, 1/biasPrecision_j) (the bias is a weight on a constant presynaptic 1).
 */
export interface DiagonalLayerBelief {
  readonly mean: Tensor2D;
  readonly precision: Tensor2D;
  readonly biasMean: Tensor1D;
  readonly biasPrecision: Tensor1D;
}

/** What one layer's update needs from the converged network: f(x_l), eps_{l+1}, pi_{l+1}, lambda0_l, rho. */
export interface DiagonalUpdateInputs {
  /** f(x_l), [B, n_l] (the input itself for l = 0). */
  readonly presynaptic: Tensor2D;
  /** eps_{l+1} = x_{l+1} - mu_{l+1} at the converged state (y - softmax(mu_L) for a categorical output), [B, n_{l+1}]. */
  readonly error: Tensor2D;
  /** pi_{l+1}, the precision of the postsynaptic layer's errors. */
  readonly errorPrecision: number;
  /** lambda0, the prior precision the forgetting re-mixes. */
  readonly priorPrecision: number;
  /** rho in (0, 1]. */
  readonly forgetting: number;
}

/**
 * The local update of a layer's beliefs after inference on a batch (new tensors; the caller frees
 * the old belief). Per weight ij, with a = f(x_l) and eps = eps_{l+1}:
 *
 *   lambda_ij <- rho lambda_ij + (1 - rho) lambda0 + pi sum_b a_bi^2
 *   m_ij      <- m_ij + (pi / lambda_ij) sum_b a_bi eps_bj          (lambda_ij the updated precision)
 *
 * and the same for the biases with a = 1 (sum_b 1 = B). This is online Bayesian linear regression
 * of x_{l+1} on f(x_l), one weight at a time: for one weight w with belief N(m, 1/lambda) and a datum
 * x = a w + noise of precision pi, the posterior precision is lambda + pi a^2 and the posterior mean
 * (lambda m + pi a x) / (lambda + pi a^2) = m + (pi a / (lambda + pi a^2)) (x - a m), a Kalman gain
 * times the prediction error. Doing this for every weight at once, with eps computed from the
 * network's current means, drops the off-diagonal terms sum_b a_bi a_bk of the exact row precision
 * (which couple weights sharing a postsynaptic unit): the diagonal (mean-field) approximation.
 * Each weight still sees only its presynaptic activity, its postsynaptic error and its own precision.
 */
export function diagonalBeliefUpdate(belief: DiagonalLayerBelief, inputs: DiagonalUpdateInputs): DiagonalLayerBelief {
  const { presynaptic: a, error: eps, errorPrecision: pi, priorPrecision: lambda0, forgetting: rho } = inputs;
  const [rows, columns] = belief.mean.shape;
  if (a.rank !== 2 || a.shape[1] !== rows || eps.rank !== 2 || eps.shape[1] !== columns || a.shape[0] !== eps.shape[0]) {
    throw new Error(
      `diagonalBeliefUpdate: the layer has weights [${rows}, ${columns}], so it needs presynaptic activity [B, ${rows}] and errors [B, ${columns}] with the same B; got [${a.shape.join(', ')}] and [${eps.shape.join(', ')}].`,
    );
  }
  const batch = a.shape[0];
  return tidy(() => {
    const remixed = (lambda: Tensor1D | Tensor2D) => (rho === 1 ? lambda : tf.add(tf.mul(lambda, rho), (1 - rho) * lambda0));
    // pi sum_b a_bi^2, the same for every postsynaptic j: a column broadcast over the row
    const dataPrecision = tf.mul(tf.reshape(tf.sum(tf.square(a), 0), [rows, 1]), pi);
    const precision = tf.add(remixed(belief.precision), dataPrecision) as Tensor2D;
    const mean = tf.add(belief.mean, tf.div(tf.mul(tf.matMul(a, eps, true, false), pi), precision)) as Tensor2D;
    const biasPrecision = tf.add(remixed(belief.biasPrecision), pi * batch) as Tensor1D;
    const biasMean = tf.add(belief.biasMean, tf.div(tf.mul(tf.sum(eps, 0), pi), biasPrecision)) as Tensor1D;
    return { mean, precision, biasMean, biasPrecision };
  });
}

/** The prior-precision belief around given initial means (precision lambda0 everywhere). New tensors. */
export function diagonalPrior(weights: Tensor2D, biases: Tensor1D, priorPrecision: number): DiagonalLayerBelief {
  return tidy(() => ({
    mean: tf.clone(weights),
    precision: tf.fill(weights.shape, priorPrecision) as Tensor2D,
    biasMean: tf.clone(biases),
    biasPrecision: tf.fill(biases.shape, priorPrecision) as Tensor1D,
  }));
}

export function diagonalBeliefTensors(belief: DiagonalLayerBelief): (Tensor1D | Tensor2D)[] {
  return [belief.mean, belief.precision, belief.biasMean, belief.biasPrecision];
}
