import { tf, type Tensor } from '@cristal/tensor';
import { checkRange, checkSteps } from './steps';

export interface LatencyEncodeOptions {
  /**
   * false (default): logarithmic, the firing time of an RC circuit charged by the input,
   *   t = tau ln(x / (x - threshold)), for x > threshold.
   * true: linear, t = tau (1 - x), for x >= threshold.
   * (snnTorch's spikegen.latency with linear = False / True.)
   */
  linear?: boolean;
  /** Time constant in steps, default 1. */
  tau?: number;
  /** Inputs below it carry no information, default 0.01. */
  threshold?: number;
  /**
   * Stretch the times over the window: linear, tau = T - 1 (x = 1 fires at 0, x = 0 at T - 1); log,
   * t (T - 1) / (tau ln((threshold + 1e-7) / 1e-7)) as snnTorch (x just above the threshold fires at T - 1).
   */
  normalize?: boolean;
  /** Inputs below the threshold: false (default) fire at the last step T - 1; true do not fire. */
  clip?: boolean;
}

/**
 * Each input's spike time (time to first spike), rounded to the nearest step (halves up) and capped
 * at T - 1; inputs below the threshold get T - 1, or T (= no spike) with `clip`. [B, ...] float32.
 */
export function latencyTimes(intensity: Tensor, steps: number, options: LatencyEncodeOptions = {}): Tensor {
  checkSteps(steps);
  const { linear = false, threshold = 0.01, normalize = false, clip = false } = options;
  let tau = options.tau ?? 1;
  if (!(tau > 0)) throw new Error(`tau must be positive, got ${tau}.`);
  if (!(threshold >= 0 && threshold < 1)) throw new Error(`threshold must be in [0, 1), got ${threshold}.`);
  checkRange(intensity, 0, 1, 'intensities');
  const epsilon = 1e-7;
  if (normalize && linear) tau = steps - 1;
  const logScale = normalize && !linear ? (steps - 1) / (tau * Math.log((threshold + epsilon) / epsilon)) : 1;
  const x = intensity.dataSync();
  const times = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const below = linear ? x[i] < threshold : x[i] <= threshold;
    let t: number;
    if (below) t = clip ? steps : steps - 1;
    else t = linear ? tau * (1 - x[i]) : tau * Math.log(x[i] / (x[i] - threshold)) * logScale;
    times[i] = below ? t : Math.min(steps - 1, Math.round(t));
  }
  return tf.tensor(times, intensity.shape, 'float32');
}

/**
 * Latency coding: one spike per input at its `latencyTimes` (strong inputs fire early), none for
 * clipped inputs. Intensities [B, ...] in [0, 1]; returns [T, B, ...] float32 0/1.
 */
export function latencyEncode(intensity: Tensor, steps: number, options: LatencyEncodeOptions = {}): Tensor {
  const times = latencyTimes(intensity, steps, options);
  const t = times.dataSync();
  times.dispose();
  const n = t.length;
  const out = new Float32Array(steps * n);
  for (let i = 0; i < n; i++) if (t[i] < steps) out[t[i] * n + i] = 1;
  return tf.tensor(out, [steps, ...intensity.shape], 'float32');
}
