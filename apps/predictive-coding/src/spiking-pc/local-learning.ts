import { tf, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import type { PcParams } from '../pc';
import { tidy } from './tidy';

/**
 * The online local weight rule. Every time step adds presynaptic activity x postsynaptic error
 * trace to a per-synapse eligibility,
 *   E_W_l += f(x_l)^T s_{l+1},   E_b_l += sum_batch s_{l+1},
 * and after the K steps of a sample (or mini-batch of B samples) the weights move by its mean:
 *   W_l <- W_l + (lr / (K B)) E_W_l,   b_l <- b_l + (lr / (K B)) E_b_l.
 * This is the per-step rule W_l += (lr / K) f(x_l)^T s_{l+1} / B summed over the K steps; deferring
 * the sum to the end keeps the weights fixed while a sample's beliefs settle (so the inference is
 * the PC core's, and the predictions need not be rebuilt every step), and averaging over K steps
 * instead of reading the final trace once averages out the spike noise of every step.
 * In the noise-free limit (expected channel, tau_s = dt) the increment is -lr times the mean over
 * the K steps of the core's local gradient dF̄/dW_l at each step's state.
 *
 * What is carried between steps: the sum of each layer's traces S_{l+1} = sum_t s_{l+1} (it gives
 * the biases, and W_0's eligibility x_0^T S_1 at the end: x_0 is clamped, so one product replaces K)
 * and, for the hidden presynaptic layers l >= 1, sum_t f(x_l)^T s_{l+1}.
 */
export interface Eligibility {
  /** S_{l+1} = sum_t s_{l+1}(t), [B, n_{l+1}] per weight layer. */
  readonly traceSums: Tensor2D[];
  /** sum_t f(x_l(t))^T s_{l+1}(t) for l >= 1, [n_l, n_{l+1}]; null for l = 0 (the clamped input). */
  readonly hiddenProducts: (Tensor2D | null)[];
}

/** Zero eligibilities for a batch of `batch` samples. */
export function zeroEligibility(sizes: readonly number[], batch: number): Eligibility {
  const L = sizes.length - 1;
  return {
    traceSums: Array.from({ length: L }, (_, l) => tf.zeros([batch, sizes[l + 1]]) as Tensor2D),
    hiddenProducts: Array.from({ length: L }, (_, l) => (l === 0 ? null : (tf.zeros([sizes[l], sizes[l + 1]]) as Tensor2D))),
  };
}

/** One time step: presynaptic[l] = f(x_l) (x_0 for l = 0) at which this step's errors were computed, traces[l] = s_{l+1} after the step's spikes. */
export function accumulateEligibility(eligibility: Eligibility, presynaptic: readonly Tensor2D[], traces: readonly Tensor2D[]): Eligibility {
  return tidy(() => ({
    traceSums: eligibility.traceSums.map((sum, l) => tf.add(sum, traces[l]) as Tensor2D),
    hiddenProducts: eligibility.hiddenProducts.map((sum, l) => (sum ? (tf.add(sum, tf.matMul(presynaptic[l], traces[l], true, false)) as Tensor2D) : null)),
  }));
}

/** E_W_l and E_b_l from the carried sums; `input` is the clamped x_0. */
export function eligibilityTotals(eligibility: Eligibility, input: Tensor2D): { weights: Tensor2D[]; biases: Tensor1D[] } {
  return tidy(() => ({
    weights: eligibility.hiddenProducts.map((sum, l) => sum ?? (tf.matMul(input, eligibility.traceSums[l], true, false) as Tensor2D)),
    biases: eligibility.traceSums.map((sum) => tf.sum(sum, 0) as Tensor1D),
  }));
}

/** W + (lr / (K B)) E_W, b + (lr / (K B)) E_b, as new tensors (the caller disposes the old ones). */
export function applyLocalUpdate(params: PcParams, eligibility: Eligibility, input: Tensor2D, learningRate: number, timeSteps: number): PcParams {
  const batch = input.shape[0];
  if (!(learningRate >= 0) || !Number.isInteger(timeSteps) || timeSteps < 1) {
    throw new Error(`applyLocalUpdate needs learningRate >= 0 and a positive integer number of time steps, got ${learningRate} and ${timeSteps}.`);
  }
  const scale = learningRate / (timeSteps * batch);
  return tidy(() => {
    const totals = eligibilityTotals(eligibility, input);
    return {
      weights: params.weights.map((w, l) => tf.add(w, tf.mul(totals.weights[l], scale)) as Tensor2D),
      biases: params.biases.map((b, l) => tf.add(b, tf.mul(totals.biases[l], scale)) as Tensor1D),
    };
  });
}
