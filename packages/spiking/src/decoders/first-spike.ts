import { tf, type Tensor } from '@cristal/tensor';
import { checkSequence } from './check';

/**
 * Time-to-first-spike decoding: the index of each neuron's first spike, or T when it never fires.
 * spikes [T, B, ...] -> [B, ...] float32 (not differentiable: a step index). The inverse of
 * `latencyEncode` / `latencyTimes`.
 */
export function firstSpikeTime(spikes: Tensor): Tensor {
  checkSequence(spikes, 'spikes');
  return tf.tidy(() => {
    const T = spikes.shape[0];
    const t = tf.reshape(tf.range(0, T, 1, 'float32'), [T, ...spikes.shape.slice(1).map(() => 1)]);
    return tf.min(tf.where(tf.greater(spikes, 0), tf.broadcastTo(t, spikes.shape), tf.fill(spikes.shape, T)), 0);
  });
}
