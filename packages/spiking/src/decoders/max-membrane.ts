import { tf, type Tensor } from '@cristal/tensor';
import { checkSequence } from './check';

/**
 * Maximum membrane over time: membrane [T, B, ...] -> [B, ...], the usual logits of a non-spiking
 * readout (the gradient goes to the step where the maximum is reached).
 */
export function maxMembrane(membrane: Tensor): Tensor {
  checkSequence(membrane, 'membrane');
  return tf.max(membrane, 0);
}
