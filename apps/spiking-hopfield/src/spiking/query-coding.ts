import { tf, assertFinite, type RandomStream, type Tensor, type Tensor2D, type Tensor3D } from '@cristal/tensor';
import { latencyEncode, rateEncode } from '@cristal/spiking';

export type QueryCoding = 'rate' | 'latency';

export interface QueryCodingOptions {
  coding: QueryCoding;
  /** Input window T_in in steps (latency coding needs at least 2). */
  steps: number;
  /** Rate coding: spike probability per step = gain |xi_j| / scale, gain in (0, 1]. Default 1. */
  gain?: number;
  /**
   * The value that maps to the strongest code (probability `gain` per step, or a spike at step 0):
   * a positive number bounding every |xi_j|, or 'per-query' (default) for each query's own max |xi_j|
   * (an all-zero query gets scale 1).
   */
  scale?: number | 'per-query';
  /** Randomness of rate coding (unused by latency coding). */
  stream?: RandomStream;
}

/** A batch of queries as signed input spike trains. */
export interface QueryCode {
  coding: QueryCoding;
  steps: number;
  gain: number;
  /**
   * [T_in, B, d] in {-1, 0, +1}: the ON channel of input j spikes +1, its OFF channel -1. Only one of
   * the two is ever driven (by max(xi_j, 0) or max(-xi_j, 0)), so one signed train holds the pair.
   */
  spikes: Tensor3D;
  /** [B, 1] the scale each query was coded with. */
  scale: Tensor2D;
}

export function checkSteps(steps: number, name: string, minimum = 1): void {
  if (!Number.isInteger(steps) || steps < minimum) throw new Error(`${name} must be an integer >= ${minimum}, got ${steps}.`);
}

function queryScale(queries: Tensor2D, scale: number | 'per-query'): Tensor2D {
  if (scale === 'per-query') {
    return tf.tidy(() => {
      const m = tf.max(tf.abs(queries), 1, true);
      return tf.where(tf.greater(m, 0), m, tf.onesLike(m)) as Tensor2D;
    });
  }
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`scale must be a positive finite number or 'per-query', got ${scale}.`);
  const largest = tf.tidy(() => tf.max(tf.abs(queries)).dataSync()[0]);
  if (largest > scale) {
    throw new Error(`scale ${scale} is below the largest |query value| ${largest}: codes would saturate. Raise scale or use 'per-query'.`);
  }
  return tf.fill([queries.shape[0], 1], scale) as Tensor2D;
}

/**
 * Codes queries [B, d] (any sign) as spike trains on ON/OFF input channels.
 * - rate: input j spikes at each step with probability gain |xi_j| / scale (Bernoulli, seeded;
 *   @cristal/spiking's rateEncode), so its expected count over T_in steps is T_in gain |xi_j| / scale.
 * - latency: one spike per input at t_j = round((T_in - 1)(1 - |xi_j| / scale)) (@cristal/spiking's
 *   linear, normalised latencyEncode): the largest value fires at step 0; values below
 *   0.5 / (T_in - 1), which would round to the last step and carry nothing, do not fire.
 */
export function encodeQuery(queries: Tensor, options: QueryCodingOptions): QueryCode {
  const { coding, steps, gain = 1, scale = 'per-query', stream } = options;
  if (queries.rank !== 2) throw new Error(`queries must be [B, d], got shape [${queries.shape.join(', ')}].`);
  assertFinite(queries, 'queries');
  if (coding !== 'rate' && coding !== 'latency') throw new Error(`coding must be 'rate' or 'latency', got '${coding as string}'.`);
  checkSteps(steps, 'steps (input window)', coding === 'latency' ? 2 : 1);
  if (!(gain > 0 && gain <= 1)) throw new Error(`gain must be in (0, 1] so that gain |xi| / scale is a probability, got ${gain}.`);
  if (coding === 'rate' && !stream) throw new Error('rate coding needs a seeded stream: pass { stream: rng.sampling } (a RandomStream of @cristal/tensor).');
  const q = queries as Tensor2D;
  const scaleTensor = queryScale(q, scale);
  const spikes = tf.tidy(() => {
    const intensity = tf.div(tf.abs(q), scaleTensor);
    const unsigned =
      coding === 'rate'
        ? rateEncode(intensity, steps, stream as RandomStream, { gain })
        : latencyEncode(intensity, steps, { linear: true, normalize: true, clip: true, threshold: 0.5 / (steps - 1) });
    return tf.mul(unsigned, tf.sign(q)) as Tensor3D;
  });
  return { coding, steps, gain, spikes, scale: scaleTensor };
}

export function disposeQueryCode(code: QueryCode): void {
  tf.dispose([code.spikes, code.scale]);
}
