import { tf, type Tensor } from '@cristal/tensor';
import { spike, surrogate as makeSurrogate, type Surrogate } from '../surrogate/surrogates';

/**
 * Izhikevich (2003) "Simple model of spiking neurons", v in mV, t in ms:
 *   v' = 0.04 v^2 + 5 v + 140 - u + I
 *   u' = a (b v - u)
 *   if v >= v_peak (30 mV): spike, v <- c, u <- u + d
 * Discretized by forward Euler with a step of dt ms (default 0.5), v in `substeps` equal sub-steps
 * (default 2, as the paper's code splits its 1 ms step into two 0.5 ms v updates for numerical
 * stability), then u in one step:
 *   v <- v + (dt / substeps) (0.04 v^2 + 5 v + 140 - u + I)      `substeps` times
 *   s = [v >= v_peak],  v_c = min(v, v_peak)
 *   u <- u + dt a (b v_c - u) + d s
 *   v <- c where s, else v
 * The u update sees the spike at its peak v_peak: the quadratic term lets one Euler step overshoot
 * to hundreds of mV, and feeding that overshoot to u (the paper's code does) adds a dt-dependent kick
 * that makes firing irregular at dt = 0.5-1 ms; with the clamp the patterns hold from dt = 0.1 to 1 ms.
 * Spikes go through `spike` (surrogate gradient backward), so the model is differentiable too.
 */
export interface IzhikevichParameters {
  /** Recovery time scale (1/ms); a number, a scalar tensor or one per neuron [N] (mixed populations). */
  a: number | Tensor;
  /** Sensitivity of u to v; same forms. */
  b: number | Tensor;
  /** Reset potential (mV); same forms. */
  c: number | Tensor;
  /** Recovery increment at a spike; same forms. */
  d: number | Tensor;
  /** Step length in ms. */
  dt: number;
  /** Euler sub-steps of v per step. */
  substeps: number;
  /** Spike cut-off (mV). */
  vPeak: number;
  surrogate: Surrogate;
}

export interface IzhikevichState {
  /** Membrane potential [B, N], mV. */
  v: Tensor;
  /** Recovery variable [B, N]. */
  u: Tensor;
}

/** The paper's (a, b, c, d) for the cortical cell classes of its Fig. 2. */
export const IZHIKEVICH_PRESETS = {
  /** Regular spiking: excitatory cortical cells; spike-frequency adaptation. */
  RS: { a: 0.02, b: 0.2, c: -65, d: 8 },
  /** Intrinsically bursting: an initial burst, then regular spikes. */
  IB: { a: 0.02, b: 0.2, c: -55, d: 4 },
  /** Chattering: repeated bursts of closely spaced spikes. */
  CH: { a: 0.02, b: 0.2, c: -50, d: 2 },
  /** Fast spiking: inhibitory interneurons; high frequency, little adaptation. */
  FS: { a: 0.1, b: 0.2, c: -65, d: 2 },
  /** Low-threshold spiking: inhibitory; high frequency with adaptation. */
  LTS: { a: 0.02, b: 0.25, c: -65, d: 2 },
  /** Thalamo-cortical. */
  TC: { a: 0.02, b: 0.25, c: -65, d: 0.05 },
  /** Resonator. */
  RZ: { a: 0.1, b: 0.26, c: -65, d: 2 },
} as const;

export type IzhikevichPreset = keyof typeof IZHIKEVICH_PRESETS;

export interface IzhikevichOptions {
  /** Start from a preset's (a, b, c, d); explicit a, b, c, d override it. */
  preset?: IzhikevichPreset;
  a?: number | Tensor;
  b?: number | Tensor;
  c?: number | Tensor;
  d?: number | Tensor;
  dt?: number;
  substeps?: number;
  vPeak?: number;
  surrogate?: Surrogate;
}

export function izhikevichParameters(options: IzhikevichOptions): IzhikevichParameters {
  if (options.preset !== undefined && !(options.preset in IZHIKEVICH_PRESETS)) {
    throw new Error(`Unknown Izhikevich preset "${options.preset}"; use one of ${Object.keys(IZHIKEVICH_PRESETS).join(', ')}.`);
  }
  const base = options.preset ? IZHIKEVICH_PRESETS[options.preset] : undefined;
  const pick = (key: 'a' | 'b' | 'c' | 'd'): number | Tensor => {
    const value = options[key] ?? base?.[key];
    if (value === undefined) throw new Error(`Izhikevich parameter ${key} is missing: give it or a preset (${Object.keys(IZHIKEVICH_PRESETS).join(', ')}).`);
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`Izhikevich parameter ${key} must be finite, got ${value}.`);
    return value;
  };
  const a = pick('a');
  if (typeof a === 'number' && !(a > 0)) throw new Error(`a must be positive, got ${a}.`);
  const dt = options.dt ?? 0.5;
  if (!(dt > 0 && Number.isFinite(dt))) throw new Error(`dt must be a positive number of ms, got ${dt}.`);
  const substeps = options.substeps ?? 2;
  if (!Number.isInteger(substeps) || substeps < 1) throw new Error(`substeps must be a positive integer, got ${substeps}.`);
  if (dt / substeps > 0.5) throw new Error(`the v sub-step dt / substeps must be at most 0.5 ms (the paper's), got ${dt / substeps} ms; raise substeps.`);
  const vPeak = options.vPeak ?? 30;
  if (!Number.isFinite(vPeak)) throw new Error(`vPeak must be finite, got ${vPeak}.`);
  return { a, b: pick('b'), c: pick('c'), d: pick('d'), dt, substeps, vPeak, surrogate: options.surrogate ?? makeSurrogate() };
}

/** The paper's initial condition: v = -65 mV, u = b v. */
export function izhikevichInitialState(batch: number, neurons: number, p: IzhikevichParameters, v0 = -65): IzhikevichState {
  return tf.tidy(() => {
    const v = tf.fill([batch, neurons], v0);
    return { v, u: tf.mul(tf.onesLike(v), tf.mul(p.b, v0)) };
  });
}

/**
 * One step of dt ms: pure, state in and state out. Returns the spikes and `v`, the membrane before
 * the reset capped at v_peak (the trace to plot).
 */
export function izhikevichStep(input: Tensor, state: IzhikevichState, p: IzhikevichParameters): { spikes: Tensor; state: IzhikevichState; v: Tensor } {
  return tf.tidy(() => {
    const h = p.dt / p.substeps;
    let v = state.v;
    for (let k = 0; k < p.substeps; k++) {
      const dv = tf.add(tf.sub(tf.add(tf.mul(tf.add(tf.mul(v, 0.04), 5), v), 140), state.u), input);
      v = tf.add(v, tf.mul(dv, h));
    }
    // [v >= v_peak] exactly, as 1 - H(v_peak - v); the surrogates are even functions, so the
    // backward pass is the usual surrogate'(v - v_peak).
    const s = tf.sub(1, spike(tf.sub(p.vPeak, v), p.surrogate));
    const vc = tf.minimum(v, p.vPeak);
    const u = tf.add(tf.add(state.u, tf.mul(tf.mul(p.a, tf.sub(tf.mul(p.b, vc), state.u)), p.dt)), tf.mul(p.d, s));
    // From the capped v, so that a diverged sub-step (v = Infinity) cannot turn into NaN.
    const vNext = tf.add(vc, tf.mul(s, tf.sub(p.c, vc)));
    return { spikes: s, state: { v: vNext, u }, v: vc };
  });
}
