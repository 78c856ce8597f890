import { tf, type Scalar, type Tensor2D } from '@cristal/tensor';
import { feedforwardSweep } from '../pc/feedforward';
import type { PcArchitecture } from '../pc/architecture';
import type { PcParams } from '../pc/params';

/**
 * Losses of the backprop twin on the feedforward output x̄_L:
 * - squared-error: mean over the batch of (1/2) ||y - x̄_L||^2 (summed over units). This is the
 *   loss PC with a clamped target approximates (its output energy term, divided by B), so the
 *   equivalence oracles compare against it.
 * - cross-entropy: mean over the batch of -sum y log softmax(x̄_L), x̄_L read as logits; the usual
 *   classifier loss, available for the classification experiments (PC itself has no such term).
 */
export type TwinLoss = 'squared-error' | 'cross-entropy';

export const TWIN_LOSSES: readonly TwinLoss[] = ['squared-error', 'cross-entropy'];

export function assertTwinLoss(loss: string): asserts loss is TwinLoss {
  if (!TWIN_LOSSES.includes(loss as TwinLoss)) throw new Error(`Unknown loss "${loss}": use 'squared-error' (the loss PC approximates) or 'cross-entropy'.`);
}

/** The loss of the output layer's values `output` against targets y (differentiable, tf.* ops). */
export function outputLoss(loss: TwinLoss, output: Tensor2D, target: Tensor2D): Scalar {
  return tf.tidy(() => {
    const batch = output.shape[0];
    if (loss === 'squared-error') return tf.div(tf.mul(tf.sum(tf.square(tf.sub(target, output))), 0.5), batch) as Scalar;
    return tf.div(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(output)))), batch) as Scalar;
  });
}

/** Feedforward sweep then outputLoss. */
export function mlpLoss(params: PcParams, architecture: PcArchitecture, input: Tensor2D, target: Tensor2D, loss: TwinLoss): Scalar {
  return tf.tidy(() => {
    const nodes = feedforwardSweep(params, architecture, input);
    return outputLoss(loss, nodes[nodes.length - 1], target);
  });
}
