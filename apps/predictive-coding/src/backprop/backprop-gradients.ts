import { tf, type Tensor, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from '../pc/architecture';
import { assertTarget } from '../pc/feedforward';
import type { PcGradients, PcParams } from '../pc/params';
import { mlpLoss, type TwinLoss } from './mlp-loss';

/**
 * Gradients of the twin's loss by reverse-mode autodiff (tf.valueAndGrads), shaped like the PC
 * network's local gradients, so the two compare entry by entry.
 */
export function backpropGradients(params: PcParams, architecture: PcArchitecture, input: Tensor2D, target: Tensor2D, loss: TwinLoss): { gradients: PcGradients; loss: number } {
  assertTarget(architecture, input, target);
  const L = params.weights.length;
  const { value, grads } = tf.valueAndGrads((...theta: Tensor[]) =>
    mlpLoss({ weights: theta.slice(0, L) as Tensor2D[], biases: theta.slice(L) as Tensor1D[] }, architecture, input, target, loss),
  )([...params.weights, ...params.biases]);
  const lossValue = value.dataSync()[0];
  value.dispose();
  return { gradients: { weights: grads.slice(0, L) as Tensor2D[], biases: grads.slice(L) as Tensor1D[] }, loss: lossValue };
}
