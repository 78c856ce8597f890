import { weightLayerCount, type PcArchitecture } from '../pc/architecture';
import type { PcOptions } from '../pc/pc-options';

/**
 * How the beliefs over weights are kept.
 * - priorPrecision lambda0: the prior N(0, 1/lambda0) of every weight and bias of a layer; 'fan-in'
 *   (default) is lambda0_l = n_l, the precision of initPcParams' N(0, 1/n_l), so the initial
 *   means (that draw) are a sample from the prior.
 * - forgetting rho in (0, 1]: lambda <- rho lambda + (1 - rho) lambda0 + data; 1 accumulates every
 *   batch (the exact posterior of a stationary stream), below 1 old batches fade with weight
 *   rho^age, so the beliefs keep adjusting on a non-stationary stream and never fall below the prior.
 * - lastLayer: 'diagonal' (mean-field, every layer) or 'conjugate' (the last layer's exact
 *   Bayesian linear regression with a full row precision matrix; squared-error output only).
 * - solveEvery k: the conjugate posterior mean and Cholesky factor are recomputed every k updates.
 */
export interface BeliefOptions {
  readonly priorPrecision: readonly number[];
  readonly forgetting: number;
  readonly lastLayer: 'diagonal' | 'conjugate';
  readonly solveEvery: number;
}

export interface BeliefOptionsInput {
  readonly priorPrecision?: 'fan-in' | number | readonly number[];
  readonly forgetting?: number;
  readonly lastLayer?: 'diagonal' | 'conjugate';
  readonly solveEvery?: number;
}

/** Fills the defaults and validates against the architecture and the PC options. */
export function resolveBeliefOptions(architecture: PcArchitecture, pc: PcOptions, input: BeliefOptionsInput = {}): BeliefOptions {
  const L = weightLayerCount(architecture);
  const { priorPrecision = 'fan-in', forgetting = 1, lastLayer = 'diagonal', solveEvery = 1 } = input;
  let lambda0: number[];
  if (priorPrecision === 'fan-in') lambda0 = architecture.sizes.slice(0, L).map((n) => n);
  else if (typeof priorPrecision === 'number') lambda0 = Array.from({ length: L }, () => priorPrecision);
  else if (Array.isArray(priorPrecision)) lambda0 = [...(priorPrecision as readonly number[])];
  else throw new Error(`priorPrecision must be 'fan-in', a number or one number per weight layer, got ${String(priorPrecision)}.`);
  if (lambda0.length !== L) throw new Error(`priorPrecision must give one value per weight layer (${L} for sizes [${architecture.sizes.join(', ')}]), got ${lambda0.length}.`);
  lambda0.forEach((p, l) => {
    if (!(p > 0) || !Number.isFinite(p)) throw new Error(`priorPrecision of layer ${l} must be a positive number (the prior is N(0, 1/lambda0)), got ${p}.`);
  });
  if (!(forgetting > 0 && forgetting <= 1)) throw new Error(`forgetting (rho) must be in (0, 1]: 1 keeps every batch, e.g. 0.999 forgets slowly; got ${forgetting}.`);
  if (lastLayer !== 'diagonal' && lastLayer !== 'conjugate') throw new Error(`lastLayer must be 'diagonal' or 'conjugate', got "${String(lastLayer)}".`);
  if (!Number.isInteger(solveEvery) || solveEvery < 1) throw new Error(`solveEvery must be a positive integer (recompute the conjugate posterior mean every k updates), got ${solveEvery}.`);
  if (lastLayer === 'conjugate' && pc.output !== 'squared-error') {
    throw new Error(
      "The conjugate last layer is exact Bayesian linear regression, which needs the linear-Gaussian squared-error output: use lastLayer: 'diagonal' with output: 'categorical' (softmax is not conjugate to a Gaussian), or output: 'squared-error'.",
    );
  }
  return Object.freeze({ priorPrecision: Object.freeze(lambda0), forgetting, lastLayer, solveEvery });
}

/** Bayesian PC learns from clamped targets and updates beliefs once per batch; refuse the PC modes that do not fit. */
export function assertBayesianPcOptions(pc: PcOptions): void {
  if (pc.target.kind !== 'clamped') {
    throw new Error("Bayesian PC regresses each layer on the one below at the clamped state: use target: { kind: 'clamped' } (a nudged output has no clamped target to regress on).");
  }
  if (pc.incremental) throw new Error('Bayesian PC updates the beliefs once per batch from the converged activities: set incremental: false.');
}
