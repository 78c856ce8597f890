import { tf, type RandomStream, type Tensor } from '@cristal/tensor';
import { checkRange, checkSteps } from './steps';

export interface RateEncodeOptions {
  /** Probability per step = intensity x gain, capped at 1. Default 1. */
  gain?: number;
}

/**
 * Rate coding (snnTorch's spikegen.rate): at every step each input fires independently with
 * probability p = min(1, gain x intensity), so its spike count over T steps is Binomial(T, p).
 * Intensities [B, ...] in [0, 1]; returns [T, B, ...] float32 0/1. Randomness from `stream` only.
 */
export function rateEncode(intensity: Tensor, steps: number, stream: RandomStream, options: RateEncodeOptions = {}): Tensor {
  checkSteps(steps);
  const gain = options.gain ?? 1;
  if (!(gain >= 0 && Number.isFinite(gain))) throw new Error(`gain must be a non-negative number, got ${gain}.`);
  checkRange(intensity, 0, 1, 'intensities');
  return tf.tidy(() => {
    const p = tf.minimum(tf.mul(intensity, gain), 1);
    return stream.bernoulliTensor([steps, ...intensity.shape], p);
  });
}
