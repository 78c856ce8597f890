import { tf, type Tensor } from '@cristal/tensor';

/**
 * Pair-based spike-timing-dependent plasticity with synaptic traces (Song, Miller and Abbott 2000;
 * Morrison, Diesmann and Gerstner 2008), for weights W [Npre, Npost]. One step of length dt:
 *   x <- x exp(-dt / tau_plus),  y <- y exp(-dt / tau_minus)       traces decay
 *   dW -= A_minus s_pre^T y                                        pre spike: depression by the post trace
 *   x <- x + s_pre,  y <- y + s_post        (all-to-all)           traces jump
 *   x <- s_pre ? 1 : x,  y <- s_post ? 1 : y (nearest)
 *   dW += A_plus x^T s_post                                        post spike: potentiation by the pre trace
 * So a pair with post - pre = D steps changes W by A_plus exp(-D dt / tau_plus) if D >= 0 (pre before
 * post, or together) and by -A_minus exp(D dt / tau_minus) if D < 0. 'allToAll' sums that over every
 * pair; 'nearest' (traces reset to 1 rather than incremented) pairs each post spike with the latest
 * pre spike at or before it, and each pre spike with the latest post spike before it.
 * Bounds: 'hard' clips W to [min, max] after the update; 'soft' (multiplicative) scales potentiation
 * by (max - W) and depression by (W - min), so W approaches the bounds without crossing them.
 * Spikes are [B, N] per step; the changes are summed over the batch (divide A by B for a mean).
 */
export interface StdpParameters {
  aPlus: number;
  aMinus: number;
  /** exp(-dt / tau_plus), exp(-dt / tau_minus). */
  decayPlus: number;
  decayMinus: number;
  pairing: 'allToAll' | 'nearest';
  bounds: { kind: 'hard' | 'soft'; min: number; max: number } | null;
}

export interface StdpState {
  /** Presynaptic traces [B, Npre]. */
  xPre: Tensor;
  /** Postsynaptic traces [B, Npost]. */
  yPost: Tensor;
}

export interface StdpOptions {
  aPlus: number;
  aMinus: number;
  /** Trace time constants, in the unit of dt. */
  tauPlus: number;
  tauMinus: number;
  /** Default 1. */
  dt?: number;
  /** Default 'allToAll'. */
  pairing?: 'allToAll' | 'nearest';
  bounds?: { kind?: 'hard' | 'soft'; min: number; max: number };
}

export function stdpParameters(options: StdpOptions): StdpParameters {
  const { aPlus, aMinus, tauPlus, tauMinus, dt = 1, pairing = 'allToAll' } = options;
  for (const [name, value] of Object.entries({ aPlus, aMinus })) {
    if (!(value >= 0 && Number.isFinite(value))) throw new Error(`${name} must be a non-negative number, got ${value}.`);
  }
  for (const [name, value] of Object.entries({ tauPlus, tauMinus, dt })) {
    if (!(value > 0 && Number.isFinite(value))) throw new Error(`${name} must be a positive number, got ${value}.`);
  }
  if (pairing !== 'allToAll' && pairing !== 'nearest') throw new Error(`pairing must be "allToAll" or "nearest", got "${pairing as string}".`);
  let bounds: StdpParameters['bounds'] = null;
  if (options.bounds) {
    const { kind = 'hard', min, max } = options.bounds;
    if (kind !== 'hard' && kind !== 'soft') throw new Error(`bounds.kind must be "hard" or "soft", got "${kind as string}".`);
    if (!(min < max)) throw new Error(`bounds need min < max, got [${min}, ${max}].`);
    bounds = { kind, min, max };
  }
  return { aPlus, aMinus, decayPlus: Math.exp(-dt / tauPlus), decayMinus: Math.exp(-dt / tauMinus), pairing, bounds };
}

export function stdpInitialState(batch: number, pre: number, post: number): StdpState {
  return { xPre: tf.zeros([batch, pre]), yPost: tf.zeros([batch, post]) };
}

/** A trace's jump at a spike: +1 (all-to-all) or to 1 (nearest). */
function jump(trace: Tensor, spikes: Tensor, pairing: StdpParameters['pairing']): Tensor {
  return pairing === 'allToAll' ? tf.add(trace, spikes) : tf.add(tf.mul(trace, tf.sub(1, spikes)), spikes);
}

/**
 * One step: pure (no gradients; plasticity is local). Returns the new weights, the new traces and
 * dW, the change actually applied (after the bounds).
 */
export function stdpStep(preSpikes: Tensor, postSpikes: Tensor, state: StdpState, weights: Tensor, p: StdpParameters): { weights: Tensor; state: StdpState; dW: Tensor } {
  const [B, nPre] = preSpikes.shape;
  const nPost = postSpikes.shape[1];
  if (weights.rank !== 2 || weights.shape[0] !== nPre || weights.shape[1] !== nPost) {
    throw new Error(`weights must be [${nPre}, ${nPost}] (pre x post), got [${weights.shape.join(', ')}].`);
  }
  if (postSpikes.shape[0] !== B || state.xPre.shape[1] !== nPre || state.yPost.shape[1] !== nPost) {
    throw new Error(`spikes and traces disagree: pre [${preSpikes.shape}], post [${postSpikes.shape}], xPre [${state.xPre.shape}], yPost [${state.yPost.shape}].`);
  }
  return tf.tidy(() => {
    const yDecayed = tf.mul(state.yPost, p.decayMinus);
    const depression = tf.mul(tf.matMul(preSpikes, yDecayed, true, false), p.aMinus); // sum_b s_pre^T y
    const xPre = jump(tf.mul(state.xPre, p.decayPlus), preSpikes, p.pairing);
    const yPost = jump(yDecayed, postSpikes, p.pairing);
    const potentiation = tf.mul(tf.matMul(xPre, postSpikes, true, false), p.aPlus); // sum_b x^T s_post
    let next: Tensor;
    if (p.bounds?.kind === 'soft') {
      const { min, max } = p.bounds;
      next = tf.add(weights, tf.sub(tf.mul(potentiation, tf.sub(max, weights)), tf.mul(depression, tf.sub(weights, min))));
    } else {
      next = tf.add(weights, tf.sub(potentiation, depression));
      if (p.bounds) next = tf.clipByValue(next, p.bounds.min, p.bounds.max);
    }
    return { weights: next, state: { xPre, yPost }, dW: tf.sub(next, weights) };
  });
}
