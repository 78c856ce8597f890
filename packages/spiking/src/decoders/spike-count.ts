import { tf, type Tensor } from '@cristal/tensor';
import { checkSequence } from './check';

/** Spikes per neuron over the window: spikes [T, B, ...] -> [B, ...] (differentiable through the surrogate). */
export function spikeCount(spikes: Tensor): Tensor {
  checkSequence(spikes, 'spikes');
  return tf.sum(spikes, 0);
}

/** Firing rate in spikes per step: count / T, [B, ...] in [0, 1]. */
export function spikeRate(spikes: Tensor): Tensor {
  checkSequence(spikes, 'spikes');
  return tf.mean(spikes, 0);
}
