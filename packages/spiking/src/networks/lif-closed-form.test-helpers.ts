import { tf } from '@cristal/tensor';
import type { ResetMode } from '../kernels/lif-kernel';
import type { SpikingMlpSpec, SpikingReadout } from './spiking-mlp-spec';

/** A LIF neuron under the constant current I from v_0 = 0. */
export interface ConstantCurrentNeuron {
  beta: number;
  threshold: number;
  current: number;
}

/** u_k = I (1 - beta^k) / (1 - beta), or I k when beta = 1: the membrane k steps after rest (lif.ts). */
export function membraneFromRest(n: ConstantCurrentNeuron, k: number): number {
  return n.beta === 1 ? n.current * k : (n.current * (1 - n.beta ** k)) / (1 - n.beta);
}

/** The first k >= 1 with u_k > theta (strictly, as lifStep), Infinity when u never gets there. */
export function firstSpikeStep(n: ConstantCurrentNeuron): number {
  const { beta, threshold, current } = n;
  if (current <= 0) return Infinity;
  if (beta === 1) return Math.floor(threshold / current) + 1;
  if (current / (1 - beta) <= threshold) return Infinity; // the fixed point I / (1 - beta) is not above theta
  // beta^k < 1 - theta (1 - beta) / I
  return Math.floor(Math.log(1 - (threshold * (1 - beta)) / current) / Math.log(beta)) + 1;
}

/**
 * Spikes in T steps, where a closed form exists:
 *   reset to zero   the neuron restarts from rest after each spike: floor(T / k*)
 *   no reset        u_t rises monotonically and fires at every t >= k*: max(0, T - k* + 1)
 *   subtract, I > theta: u_t >= I > theta every step: T;  never reaching theta: 0
 *   subtract, beta = 1 (integrate and fire), 0 < I <= theta: ceil(T I / theta) - 1. It fires at t iff
 *     t I - theta N_{t-1} > theta, i.e. iff ceil(t I / theta) > ceil((t - 1) I / theta), by induction.
 */
export function closedFormSpikeCount(n: ConstantCurrentNeuron, reset: ResetMode, T: number): number {
  const k = firstSpikeStep(n);
  if (reset === 'zero') return k === Infinity ? 0 : Math.floor(T / k);
  if (reset === 'none') return Math.max(0, T - k + 1);
  if (n.current > n.threshold) return T;
  if (k === Infinity) return 0;
  if (n.beta === 1) return Math.ceil((T * n.current) / n.threshold) - 1;
  throw new Error(`no closed form for a subtractive reset with beta ${n.beta} < 1 and 0 < I <= theta`);
}

/** Without reset v_t = u_t: its mean over t = 1..T and its maximum (u_T when I >= 0, else u_1). */
export function closedFormMembraneReadout(n: ConstantCurrentNeuron, readout: Exclude<SpikingReadout, 'spike-count'>, T: number): number {
  if (readout === 'max-membrane') return membraneFromRest(n, n.current >= 0 ? T : 1);
  if (n.beta === 1) return (n.current * (T + 1)) / 2;
  const b = n.beta;
  return (n.current / (1 - b)) * (1 - (b * (1 - b ** T)) / ((1 - b) * T));
}

/**
 * One LIF layer 784 -> 10 whose neuron k receives the constant current `neurons[k].current` whatever
 * the pixels (zero weights, the current as the bias), with its own beta and threshold.
 */
export function constantCurrentSpec(neurons: readonly ConstantCurrentNeuron[], reset: ResetMode, steps: number, readout: SpikingReadout): SpikingMlpSpec {
  return {
    layers: [
      {
        weight: tf.zeros([784, neurons.length]),
        bias: tf.tensor1d(neurons.map((n) => n.current)),
        beta: tf.tensor1d(neurons.map((n) => n.beta)),
        threshold: tf.tensor1d(neurons.map((n) => n.threshold)),
        reset,
      },
    ],
    steps,
    readout,
  };
}

// Ten neurons (beta, threshold, current) with closed-form spike counts, ties u = theta included.
export const SUBTRACT_NEURONS: ConstantCurrentNeuron[] = [
  { beta: 1, threshold: 1, current: 0.375 },
  { beta: 1, threshold: 1, current: 0.25 }, // u = theta exactly at t = 4, 8, ...: no spike (strict >)
  { beta: 1, threshold: 2, current: 1.25 },
  { beta: 1, threshold: 1, current: 1 },
  { beta: 0.5, threshold: 1, current: 0.75 },
  { beta: 0.75, threshold: 1, current: 1.5 },
  { beta: 0.5, threshold: 1, current: 0.5 }, // creeps up to the fixed point I / (1 - beta) = theta, never above
  { beta: 0.9, threshold: 1, current: 0.05 },
  { beta: 0.9, threshold: 1, current: 0 },
  { beta: 0.95, threshold: 1, current: -0.5 },
];
export const RESTARTING_NEURONS: ConstantCurrentNeuron[] = [
  { beta: 0.5, threshold: 1, current: 0.75 },
  { beta: 1, threshold: 1, current: 0.375 },
  { beta: 1, threshold: 1, current: 0.25 },
  { beta: 0.5, threshold: 1, current: 0.6 },
  { beta: 0.9, threshold: 1, current: 0.3 },
  { beta: 0.95, threshold: 1, current: 0.1 },
  { beta: 0.8, threshold: 0.5, current: 1 },
  { beta: 0.5, threshold: 1, current: 0.5 },
  { beta: 0.9, threshold: 1, current: -0.2 },
  { beta: 0.9, threshold: 1.5, current: 0.2 },
];

/**
 * Expected counts. Subtractive reset with beta = 0.5, theta = 1, I = 0.75 (SUBTRACT_NEURONS[4]) has
 * no general formula but a short proof: with r the membrane left after a spike (r_0 = 0), the next
 * step gives r/2 + 0.75 < 1 (no spike while r < 1/2) and the one after r/4 + 1.125 > 1 (spike), so
 * r' = r/4 + 0.125 stays in [0, 1/6): it fires at every even step, floor(T / 2) times.
 */
export function expectedCounts(neurons: readonly ConstantCurrentNeuron[], reset: ResetMode, T: number): number[] {
  return neurons.map((n) => (reset === 'subtract' && n.beta === 0.5 && n.current === 0.75 ? Math.floor(T / 2) : closedFormSpikeCount(n, reset, T)));
}

/** softmax in float64. */
export function softmax64(logits: readonly number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
