import { tf, type Tensor2D } from '@cristal/tensor';
import { tidy } from './tidy';

/**
 * The signed stochastic spike channel of an error unit. An error e (already precision-weighted)
 * drives two channels; per time step
 *   p+ = min(1, max(e, 0) / r_max),   p- = min(1, max(-e, 0) / r_max)
 * and each spike carries r_max, so the spike-carried error is c = r_max (s+ - s-) with
 *   E[c] = r_max (p+ - p-) = clip(e, -r_max, r_max)          (= e exactly while |e| <= r_max).
 * At most one of p+, p- is non-zero, so one uniform draw u per unit serves both channels
 * (s+ = [u < p+], s- = [u < p-]): each channel keeps its Bernoulli marginal, and the joint law is
 * the same as with two draws (both channels never fire together either way).
 */
export interface ErrorSpikes {
  /** s+, 0/1 float32, same shape as the errors. */
  readonly positive: Tensor2D;
  /** s-, 0/1 float32. */
  readonly negative: Tensor2D;
}

/** p+ and p- per unit (tensors shaped like `errors`). */
export function spikeProbabilities(errors: Tensor2D, rMax: number): { positive: Tensor2D; negative: Tensor2D } {
  assertRMax(rMax);
  return tf.tidy(() => ({
    positive: tf.minimum(tf.div(tf.relu(errors), rMax), 1) as Tensor2D,
    negative: tf.minimum(tf.div(tf.relu(tf.neg(errors)), rMax), 1) as Tensor2D,
  }));
}

/** Both channels' spikes for one time step, given the step's uniforms u in [0, 1) (same shape). */
export function emitErrorSpikes(errors: Tensor2D, rMax: number, uniforms: Tensor2D): ErrorSpikes {
  assertUniforms(errors, uniforms);
  return tf.tidy(() => {
    const p = spikeProbabilities(errors, rMax);
    return { positive: tf.cast(tf.less(uniforms, p.positive), 'float32') as Tensor2D, negative: tf.cast(tf.less(uniforms, p.negative), 'float32') as Tensor2D };
  });
}

/** c = r_max (s+ - s-): what the spikes deliver to their targets. */
export function spikeCarriedError(spikes: ErrorSpikes, rMax: number): Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(spikes.positive, spikes.negative), rMax) as Tensor2D);
}

/** E[c] = r_max (p+ - p-) = clip(e, -r_max, r_max); exactly e (bit for bit) where |e| <= r_max. */
export function expectedSpikeCarriedError(errors: Tensor2D, rMax: number): Tensor2D {
  assertRMax(rMax);
  return tf.clipByValue(errors, -rMax, rMax) as Tensor2D;
}

/** One time step of the channel as the inference loop uses it. */
export interface ChannelStep {
  /** c, the spike-carried error (or E[c] for the expected channel). */
  readonly carried: Tensor2D;
  /** s+ + s- per unit (0/1): the spikes emitted (null for the expected channel, which emits none). */
  readonly spikes: Tensor2D | null;
  /** [|e| > r_max] per unit: the units whose rate saturated (E[c] != e). */
  readonly clipped: Tensor2D;
}

/**
 * The channel in few ops: c = r_max sign(e) [u < |e| / r_max], the same spikes as emitErrorSpikes
 * (for e > 0 it is [u < p+], for e < 0 [u < p-], for e = 0 nothing) without building both channels.
 * `uniforms` null: the expected channel, c = clip(e, -r_max, r_max).
 */
export function transmitErrors(errors: Tensor2D, rMax: number, uniforms: Tensor2D | null): ChannelStep {
  assertRMax(rMax);
  return tidy((): ChannelStep => {
    const rate = tf.div(tf.abs(errors), rMax);
    const clipped = tf.cast(tf.greater(rate, 1), 'float32') as Tensor2D;
    if (!uniforms) return { carried: expectedSpikeCarriedError(errors, rMax), spikes: null, clipped };
    assertUniforms(errors, uniforms);
    const spikes = tf.cast(tf.less(uniforms, rate), 'float32') as Tensor2D;
    return { carried: tf.mul(tf.mul(tf.sign(errors), spikes), rMax) as Tensor2D, spikes, clipped };
  });
}

function assertRMax(rMax: number): void {
  if (!(rMax > 0) || !Number.isFinite(rMax)) throw new Error(`r_max must be a positive finite number (the error each spike carries), got ${rMax}.`);
}

function assertUniforms(errors: Tensor2D, uniforms: Tensor2D): void {
  if (uniforms.shape.length !== errors.shape.length || uniforms.shape.some((d, i) => d !== errors.shape[i])) {
    throw new Error(`The spike channel needs one uniform draw per error unit: errors are [${errors.shape.join(', ')}], uniforms [${uniforms.shape.join(', ')}].`);
  }
}
