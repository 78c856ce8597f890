import { tf, type Tensor } from '@cristal/tensor';

/**
 * Throws unless every entry of `t` is exactly +1 or -1. Reads the values back (a sync point): the
 * classical network is defined only for bipolar states, and a 0/1 image passed by mistake would
 * otherwise give a plausible-looking but meaningless weight matrix.
 */
export function assertBipolar(t: Tensor, name: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 1 && v !== -1) {
      throw new Error(`${name}: entries must be +1 or -1, found ${v} at flat index ${i}. Map 0/1 data with 2x - 1 (or binarizeImages from @cristal/datasets).`);
    }
  }
}

/**
 * The sign rule with the tie convention of Hopfield (1982): +1 where the field is positive, -1 where
 * it is negative, and the neuron keeps its previous value where the field is exactly 0. Keeping the
 * state (rather than sign(0) = +1) makes "no neuron changes" the same thing as "a fixed point" and
 * never raises the energy, whatever the tie.
 */
export function signKeepingTies(field: Tensor, previous: Tensor): Tensor {
  return tf.tidy(() => tf.where(tf.greater(field, 0), tf.onesLike(field), tf.where(tf.less(field, 0), tf.onesLike(field).neg(), previous)));
}
