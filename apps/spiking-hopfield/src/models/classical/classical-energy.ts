import { tf, type Tensor } from '@cristal/tensor';
import { checkWeightsAndStates } from './check-classical';

/** E(s) = -1/2 s^T W s for each row of `states` [B, d]; returns [B]. */
export function classicalEnergy(weights: Tensor, states: Tensor): Tensor {
  checkWeightsAndStates(weights, states, 'classicalEnergy');
  return tf.tidy(() => tf.mul(-0.5, tf.sum(tf.mul(tf.matMul(states, weights), states), 1)));
}
