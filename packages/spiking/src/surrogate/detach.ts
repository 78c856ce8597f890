import { tf, type Tensor } from '@cristal/tensor';

/** Identity forward, zero gradient backward (TF.js has no stop_gradient). */
export function detach(x: Tensor): Tensor {
  const op = tf.customGrad((input) => ({
    value: tf.clone(input as Tensor),
    gradFunc: (dy) => tf.zerosLike(dy as Tensor),
  }));
  return op(x) as Tensor;
}
