import { tf, type Tensor, type Tensor2D, type Tensor3D } from '@cristal/tensor';
import type { QueryCode, QueryCoding } from './query-coding';

/**
 * How one input spike of input j acts on memory neuron i (weight X[i, j], signed by the channel):
 * - 'delta': the membrane jumps by X[i, j] at the spike (rate coding: the membrane counts spikes).
 * - 'step': a persistent synaptic current X[i, j] opens at the spike and the membrane integrates it
 *   from the next step on, so a spike at t_j adds X[i, j] (t - t_j) by step t. This is what decodes
 *   latency codes: with t_j = (T_in - 1)(1 - x_j), the membrane at T_in - 1 is (T_in - 1) X x.
 * Membrane of memory neuron i: v_t = leak v_{t-1} + (input of step t), leak in (0, 1] (1: perfect
 * integrator).
 */
export type SynapseKind = 'delta' | 'step';

/** The synapse that decodes each coding. */
export function synapseFor(coding: QueryCoding): SynapseKind {
  return coding === 'rate' ? 'delta' : 'step';
}

export function checkLeak(leak: number): void {
  if (!(leak > 0 && leak <= 1)) throw new Error(`leak (membrane decay per step) must be in (0, 1], got ${leak}.`);
}

/** Contribution of a spike `lag` steps ago to the membrane now, per unit synaptic weight. */
export function spikeKernel(synapse: SynapseKind, leak: number, lag: number): number {
  if (synapse === 'delta') return leak ** lag;
  return leak === 1 ? lag : (1 - leak ** lag) / (1 - leak);
}

/**
 * Because the synapses are linear and the weights do not change, every memory membrane is a fixed
 * linear readout of one presynaptic state: v_t = trace_t X^T. Integrating in the d-dimensional
 * presynaptic space and projecting once gives exactly the sum of the per-spike row additions.
 */
export type PresynapticState = {
  /** [B, d]: the membranes are trace X^T. */
  trace: Tensor2D;
  /** [B, d]: spikes received so far, the open currents of 'step' synapses. */
  current: Tensor2D;
};

export function presynapticInitialState(batch: number, dim: number): PresynapticState {
  return { trace: tf.zeros([batch, dim]) as Tensor2D, current: tf.zeros([batch, dim]) as Tensor2D };
}

/** One step: the input spikes [B, d] of step t arrive. Pure; returns new tensors. */
export function presynapticStep(state: PresynapticState, spikes: Tensor, synapse: SynapseKind, leak: number): PresynapticState {
  return tf.tidy(() => {
    const decayed = leak === 1 ? state.trace : tf.mul(state.trace, leak);
    if (synapse === 'delta') return { trace: tf.add(decayed, spikes) as Tensor2D, current: tf.clone(state.current) as Tensor2D };
    return { trace: tf.add(decayed, state.current) as Tensor2D, current: tf.add(state.current, spikes) as Tensor2D };
  });
}

/**
 * The presynaptic trace at the end of the window, sum_s k(T - 1 - s) S_s with k = spikeKernel:
 * one weighted sum over time, the fast path when only the final membranes are needed.
 */
export function finalTrace(spikes: Tensor3D, synapse: SynapseKind, leak: number): Tensor2D {
  checkLeak(leak);
  const [steps, batch, dim] = spikes.shape;
  const weights = Array.from({ length: steps }, (_, s) => spikeKernel(synapse, leak, steps - 1 - s));
  return tf.tidy(() => tf.reshape(tf.matMul(tf.tensor2d(weights, [1, steps]), tf.reshape(spikes, [steps, batch * dim])), [batch, dim]) as Tensor2D);
}

/**
 * The factor c [B, 1] with E[final trace] = c xi for a query code, so that beta X (trace / c) is an
 * estimate of beta X xi: rate coding gain / scale sum_tau k(tau) (unbiased); latency coding
 * (T_in - 1) / scale (exact up to the rounding of spike times to steps; perfect integrator only,
 * because with a leak the membrane is not linear in the coded values).
 */
export function decodingFactor(code: QueryCode, leak: number): Tensor2D {
  checkLeak(leak);
  if (code.coding === 'latency' && leak !== 1) {
    throw new Error(`latency codes decode to X xi only with a perfect integrator (leak 1), got leak ${leak}; use rate coding for a leaky membrane.`);
  }
  let perUnit = code.steps - 1;
  if (code.coding === 'rate') {
    perUnit = 0;
    for (let lag = 0; lag < code.steps; lag++) perUnit += code.gain * spikeKernel('delta', leak, lag);
  }
  return tf.tidy(() => tf.div(perUnit, code.scale) as Tensor2D);
}
