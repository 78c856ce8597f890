import type { Tensor } from '@cristal/tensor';
import { surrogate as makeSurrogate, type Surrogate } from '../surrogate/surrogates';
import { RESET_IDS, type ResetMode } from './lif-kernel';

/** The options every fused LIF scan takes. */
export interface ScanOptions {
  /** Time steps; required when the input is [B, F] (the same input at every step). */
  steps?: number;
  reset?: ResetMode;
  surrogate?: Surrogate;
  detachReset?: boolean;
}

/** A fused scan's options with their defaults, and the layout of its input. */
export interface ScanInput {
  reset: ResetMode;
  detachReset: boolean;
  surrogate: Surrogate;
  /** The input is given per step, [T, B, F], rather than once, [B, F]. */
  perStep: boolean;
  steps: number;
  batch: number;
  features: number;
}

/**
 * Checks the options and the input (named `name`, its feature axis `axis`, e.g. current [T, B, N] or
 * x [T, B, D]) the fused scans share, so each kernel's wrapper states only what is its own.
 */
export function resolveScanInput(input: Tensor, options: ScanOptions, name: string, axis: string, what: string): ScanInput {
  const { reset = 'subtract', detachReset = false } = options;
  if (!(reset in RESET_IDS)) throw new Error(`reset must be "subtract", "zero" or "none", got "${reset as string}".`);
  const perStep = input.rank === 3;
  if (!perStep && input.rank !== 2) throw new Error(`${name} must be [T, B, ${axis}] or [B, ${axis}], got shape [${input.shape.join(', ')}].`);
  const steps = perStep ? (input.shape[0] as number) : options.steps;
  if (!Number.isInteger(steps) || (steps as number) < 1) throw new Error(`steps must be a positive integer (it is required for [B, ${axis}] ${what}), got ${steps}.`);
  if (input.dtype !== 'float32') throw new Error(`${name} must be float32, got ${input.dtype}.`);
  const [batch, features] = input.shape.slice(perStep ? 1 : 0) as [number, number];
  return { reset, detachReset, surrogate: options.surrogate ?? makeSurrogate(), perStep, steps: steps as number, batch, features };
}
