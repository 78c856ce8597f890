import { weightLayerCount, type PcArchitecture } from './architecture';

/**
 * How the output layer meets the target y during training.
 * - clamped: x_L = y, hard (standard supervised PC; the reference workload).
 * - nudged: x_L is a free node initialised at the feedforward prediction; the energy gains a
 *   target term (precision/2) ||y - x_L||^2, with a weak precision gamma. At equilibrium the
 *   errors are O(gamma), so the local updates are divided by gamma when `rescaleUpdates` (default
 *   true) and then approach the backprop gradients of the squared error as gamma -> 0.
 */
export type PcTarget = { readonly kind: 'clamped' } | { readonly kind: 'nudged'; readonly precision: number; readonly rescaleUpdates?: boolean };

/**
 * - recomputed: standard PC, mu_{l+1} = f(x_l) W_l + b_l follows the value nodes during inference.
 * - fixed: the fixed prediction assumption (Song et al. 2020; Millidge, Tschantz and Buckley 2020):
 *   mu_l and f'(x_l) are taken from the feedforward sweep and held during inference, and the
 *   weight updates use the feedforward presynaptic activity f(x̄_l).
 */
export type PcPredictions = 'recomputed' | 'fixed';

/**
 * What the output layer's prediction mu_L means and how it meets the clamped target y.
 * - squared-error: mu_L predicts y itself; output energy (pi_L / 2) ||y - mu_L||^2, error y - mu_L.
 * - categorical: mu_L are logits; output energy pi_L (-log softmax(mu_L)_y), the cross-entropy, whose
 *   negative gradient in mu_L is the error y - softmax(mu_L) that the layers below and W_{L-1} see.
 */
export type PcOutput = 'squared-error' | 'categorical';

export const PC_OUTPUTS: readonly PcOutput[] = ['squared-error', 'categorical'];

export interface PcOptions {
  /** T, inference steps per training step (torch_pc.py: 20). */
  readonly inferenceSteps: number;
  /** eta, step size of gradient descent on the value nodes (torch_pc.py calls it gamma: 0.1). */
  readonly stepSize: number;
  /** Heavy-ball momentum of the value nodes, in [0, 1); 0 is plain gradient descent. */
  readonly momentum: number;
  /** pi_1..pi_L, the precision of each predicted layer's errors (length L). */
  readonly precisions: readonly number[];
  readonly predictions: PcPredictions;
  readonly target: PcTarget;
  /**
   * Incremental PC (Salvatori et al. 2024): the weights take an optimiser step at every inference
   * step, from the same errors as the value nodes, instead of once after T steps.
   */
  readonly incremental: boolean;
  /** The output energy: squared error (default) or softmax cross-entropy on logits (classification). */
  readonly output: PcOutput;
}

/** What callers pass: every field optional; precisions may be one number for all layers. */
export type PcOptionsInput = Partial<Omit<PcOptions, 'precisions'>> & { readonly precisions?: number | readonly number[] };

export const DEFAULT_PC_OPTIONS = {
  inferenceSteps: 20,
  stepSize: 0.1,
  momentum: 0,
  precisions: 1,
  predictions: 'recomputed',
  target: { kind: 'clamped' },
  incremental: false,
  output: 'squared-error',
} as const satisfies PcOptionsInput;

/** Fills defaults and validates against the architecture; errors name the field and the fix. */
export function resolvePcOptions(architecture: PcArchitecture, input: PcOptionsInput = {}): PcOptions {
  const L = weightLayerCount(architecture);
  const merged = { ...DEFAULT_PC_OPTIONS, ...input };
  const { inferenceSteps, stepSize, momentum, predictions, target, incremental, output } = merged;
  if (!Number.isInteger(inferenceSteps) || inferenceSteps < 0) throw new Error(`inferenceSteps (T) must be a non-negative integer, got ${inferenceSteps}.`);
  if (!(stepSize > 0) || !Number.isFinite(stepSize)) throw new Error(`stepSize (eta) must be a positive number, got ${stepSize}; the reference uses 0.1.`);
  if (!(momentum >= 0 && momentum < 1)) throw new Error(`momentum must be in [0, 1), got ${momentum}; use 0 for plain gradient descent on the value nodes.`);
  if (predictions !== 'recomputed' && predictions !== 'fixed') throw new Error(`predictions must be 'recomputed' (standard PC) or 'fixed' (fixed prediction assumption), got "${String(predictions)}".`);
  const precisions = typeof merged.precisions === 'number' ? Array.from({ length: L }, () => merged.precisions as number) : [...merged.precisions];
  if (precisions.length !== L) {
    throw new Error(`precisions must give one value per predicted layer (pi_1..pi_L, ${L} values for sizes [${architecture.sizes.join(', ')}]), got ${precisions.length}.`);
  }
  precisions.forEach((p, i) => {
    if (!(p > 0) || !Number.isFinite(p)) throw new Error(`precision pi_${i + 1} must be a positive number, got ${p}.`);
  });
  let resolvedTarget: PcTarget;
  if (target.kind === 'clamped') resolvedTarget = { kind: 'clamped' };
  else if (target.kind === 'nudged') {
    if (!(target.precision > 0) || !Number.isFinite(target.precision)) throw new Error(`A nudged target needs a positive precision gamma (e.g. 0.01), got ${target.precision}.`);
    resolvedTarget = { kind: 'nudged', precision: target.precision, rescaleUpdates: target.rescaleUpdates ?? true };
  } else throw new Error(`target.kind must be 'clamped' or 'nudged', got "${String((target as { kind: unknown }).kind)}".`);
  if (typeof incremental !== 'boolean') throw new Error(`incremental must be true or false, got ${String(incremental)}.`);
  if (incremental && predictions === 'fixed') {
    throw new Error("Incremental PC changes the weights during inference, so predictions cannot stay fixed: use predictions: 'recomputed' with incremental: true.");
  }
  if (!PC_OUTPUTS.includes(output)) throw new Error(`output must be 'squared-error' or 'categorical' (softmax cross-entropy on logits, for classification), got "${String(output)}".`);
  if (output === 'categorical' && resolvedTarget.kind !== 'clamped') {
    throw new Error("A categorical output has no output value node to nudge (the target enters through the cross-entropy of softmax(mu_L)): use target: { kind: 'clamped' }, or a smaller output precision pi_L to weaken it.");
  }
  return Object.freeze({ inferenceSteps, stepSize, momentum, precisions: Object.freeze(precisions), predictions, target: Object.freeze(resolvedTarget), incremental, output });
}

/** The factor the local weight updates are multiplied by: 1/gamma for a rescaled nudged target, else 1. */
export function updateScale(options: PcOptions): number {
  return options.target.kind === 'nudged' && options.target.rescaleUpdates !== false ? 1 / options.target.precision : 1;
}
