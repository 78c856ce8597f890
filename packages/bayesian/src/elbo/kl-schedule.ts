/**
 * A KL weight beta as a function of the 0-based optimisation step t, for `elboLoss({ klWeight })`.
 */
export interface KlSchedule {
  readonly kind: 'constant' | 'linear-warmup' | 'cyclical';
  weight(step: number): number;
}

function checkStep(step: number): void {
  if (!Number.isInteger(step) || step < 0) throw new Error(`KL schedule: step must be an integer >= 0, got ${step}.`);
}

/** beta(t) = beta for every t. */
export function constantKlWeight(beta = 1): KlSchedule {
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new Error(`constantKlWeight: beta must be finite and >= 0, got ${beta}.`);
  return {
    kind: 'constant',
    weight(step) {
      checkStep(step);
      return beta;
    },
  };
}

/**
 * Linear warm-up ("KL annealing", Bowman et al. 2016; Sonderby et al. 2016):
 *   beta(t) = start + (end - start) min(t / warmupSteps, 1)
 * so beta(0) = start, beta(warmupSteps / 2) = (start + end) / 2, beta(t) = end from t = warmupSteps on.
 */
export function linearKlWarmup(options: { warmupSteps: number; start?: number; end?: number }): KlSchedule {
  const { warmupSteps, start = 0, end = 1 } = options;
  if (!Number.isInteger(warmupSteps) || warmupSteps < 1) throw new Error(`linearKlWarmup: warmupSteps must be a positive integer, got ${warmupSteps}.`);
  if (!(start >= 0 && end >= 0)) throw new Error(`linearKlWarmup: start and end must be >= 0, got ${start} and ${end}.`);
  return {
    kind: 'linear-warmup',
    weight(step) {
      checkStep(step);
      return start + (end - start) * Math.min(step / warmupSteps, 1);
    },
  };
}

/**
 * The cyclical schedule of Fu et al. 2019 ("Cyclical annealing schedule", eq. 4), with 0-based steps:
 *   tau(t) = mod(t, ceil(T / M)) / (T / M),   beta(t) = max tau / R if tau <= R, else max
 * T total steps, M cycles, R the fraction of each cycle spent rising (default 0.5). Each cycle starts
 * at beta = 0, reaches `max` a fraction R into the cycle and stays there to the cycle's end.
 */
export function cyclicalKlWeight(options: { totalSteps: number; cycles?: number; rampFraction?: number; max?: number }): KlSchedule {
  const { totalSteps, cycles = 4, rampFraction = 0.5, max = 1 } = options;
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new Error(`cyclicalKlWeight: totalSteps must be a positive integer, got ${totalSteps}.`);
  if (!Number.isInteger(cycles) || cycles < 1 || cycles > totalSteps) throw new Error(`cyclicalKlWeight: cycles must be an integer in [1, totalSteps], got ${cycles}.`);
  if (!(rampFraction > 0 && rampFraction <= 1)) throw new Error(`cyclicalKlWeight: rampFraction must be in (0, 1], got ${rampFraction}.`);
  if (!(max >= 0) || !Number.isFinite(max)) throw new Error(`cyclicalKlWeight: max must be finite and >= 0, got ${max}.`);
  const period = totalSteps / cycles;
  const length = Math.ceil(period);
  return {
    kind: 'cyclical',
    weight(step) {
      checkStep(step);
      const tau = (step % length) / period;
      return tau <= rampFraction ? (max * tau) / rampFraction : max;
    },
  };
}
