import { tf, RandomStreams, type Tensor, type Tensor2D } from '@cristal/tensor';
import { weightLayerCount, type PcArchitecture } from '../pc/architecture';
import { assertTarget, feedforwardSweep } from '../pc/feedforward';
import {
  contextErrors,
  disposeReplaced,
  energyValue,
  inferenceContext,
  initialValueNodes,
  outputIsFree,
  presynapticActivity,
  valueNodeStep,
  type PcRelaxation,
  type RelaxOptions,
} from '../pc/inference';
import { add } from '../pc/native-ops';
import type { PcParams } from '../pc/params';
import type { PcOptions } from '../pc/pc-options';
import { tidy } from '../pc/tidy';

/**
 * Langevin inference on the value nodes (Monte-Carlo predictive coding; Oliviers, Bogacz and
 * Meulemans 2024). Each of the T = options.inferenceSteps steps is relax's gradient step plus
 * Gaussian noise on every free value node (hidden layers; the output too when nudged):
 *
 *   x_l <- x_l - eta dF/dx_l + sqrt(2 eta tau) xi_l,      xi_l ~ N(0, I)
 *
 * the Euler-Maruyama discretisation of dx = -dF/dx dt + sqrt(2 tau) dW, whose stationary density
 * is exp(-F(x) / tau): at tau = 1 the posterior p(x | input, target). F is weighted by the
 * precisions, F = sum_l (pi_l / 2) ||eps_l||^2 (+ the nudge term; with a categorical output the last
 * term is pi_L times the softmax cross-entropy, whose gradient is what valueNodeStep follows), so at
 * tau = 1 the posterior variance of a node scales as 1 / pi: a node whose only energy term is its own
 * (pi_l / 2) (x_l - mu_l)^2 has variance exactly 1 / pi_l, multiplying every precision by c divides
 * the posterior covariance by c (as temperature 1 / c would), and in general the covariance is the
 * inverse Hessian of F (exactly so for linear-Gaussian layers: x_0 -> x_1 -> y has
 * Var x_1 = 1 / (pi_1 + pi_2 w_2^2)). tau = 0 is relax, bit for bit.
 *
 * The step size matters beyond speed: the discretised chain's stationary law is exp(-F / tau) only
 * as eta -> 0. For a quadratic F with curvature P its variance is tau / (P (1 - eta P / 2)), e.g.
 * 33% above the posterior's at eta P = 0.5 (measured in the spec).
 *
 * Sampling window: the chain runs all T steps; sampleMean averages the states after the last
 * `samples` steps (steps T - samples + 1 .. T), so the first T - samples steps are burn-in and
 * `burnIn` is the least burn-in the caller accepts (burnIn + samples <= T, or an error).
 *
 * Noise: drawn in JavaScript from `new RandomStreams(seed).stream(LANGEVIN_NOISE_STREAM)`, one
 * [batch, n_l] normalTensor per free layer per step, layers in increasing order, so a seed gives
 * bit-identical noise on every backend and rows (chains) are independent.
 *
 * Not supported, each with an error that says so:
 * - momentum != 0: heavy-ball noise would need the underdamped Langevin friction/noise balance to
 *   keep exp(-F / tau) stationary; plain overdamped dynamics is what the MCPC anchor uses.
 * - fixed predictions: their drift is not the gradient of any energy (eps_{l+1} = x_{l+1} - x̄_{l+1}
 *   does not depend on x_l, yet the step feeds it back), so the chain would have no posterior.
 * `options.incremental` is ignored, as relax ignores it (no weight changes here).
 */

export interface LangevinOptions {
  /** tau >= 0: the stationary density is exp(-F / tau); 1 is the posterior, 0 is relax. */
  readonly temperature: number;
  /** Least number of steps discarded before the sampling window (integer >= 0). */
  readonly burnIn: number;
  /** Number of final steps averaged into sampleMean (integer >= 1). */
  readonly samples: number;
  /** Seed of the noise stream (non-negative safe integer). */
  readonly seed: number;
}

export interface LangevinRelaxation extends PcRelaxation {
  /**
   * Per layer, the mean of x_l over the last `samples` steps. Clamped layers (the input; the target
   * when clamped) are the same tensors as valueNodes[l], i.e. the caller's input and target.
   */
  readonly sampleMean: Tensor2D[];
}

/** Name of the RandomStreams stream the noise comes from. */
export const LANGEVIN_NOISE_STREAM = 'langevin';

/** sqrt(2 eta tau), the standard deviation of the noise added to a free node per step. */
export function langevinNoiseScale(stepSize: number, temperature: number): number {
  return Math.sqrt(2 * stepSize * temperature);
}

/** Throws, saying what to change, unless the Langevin settings fit the PC options. */
export function assertLangevinOptions(langevin: LangevinOptions, options: PcOptions): void {
  if (langevin === null || typeof langevin !== 'object') {
    throw new Error('Langevin inference needs settings { temperature, burnIn, samples, seed }, e.g. { temperature: 1, burnIn: 50, samples: 50, seed: 0 }.');
  }
  const { temperature, burnIn, samples, seed } = langevin;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    throw new Error(`Langevin temperature must be a finite number >= 0 (1 samples the posterior, 0 is deterministic relax), got ${String(temperature)}.`);
  }
  if (!Number.isInteger(burnIn) || burnIn < 0) throw new Error(`Langevin burnIn must be a non-negative integer number of steps, got ${String(burnIn)}.`);
  if (!Number.isInteger(samples) || samples < 1) {
    throw new Error(`Langevin samples must be an integer >= 1 (the number of final steps averaged into sampleMean), got ${String(samples)}.`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`Langevin seed must be a non-negative integer, got ${String(seed)}.`);
  const T = options.inferenceSteps;
  if (burnIn + samples > T) {
    throw new Error(
      `Langevin inference runs T = inferenceSteps = ${T} steps, fewer than burnIn + samples = ${burnIn} + ${samples} = ${burnIn + samples}: ` +
        `raise inferenceSteps to at least ${burnIn + samples} or lower burnIn / samples.`,
    );
  }
  if (options.momentum !== 0) {
    throw new Error(
      `Langevin inference is overdamped: momentum must be 0, got ${options.momentum}. Heavy-ball momentum with this noise would not sample exp(-F / temperature); set momentum: 0.`,
    );
  }
  if (options.predictions !== 'recomputed') {
    throw new Error(
      "Langevin inference needs predictions: 'recomputed': under fixed predictions the value-node drift is not the gradient of an energy, so the chain has no posterior to sample.",
    );
  }
}

/**
 * relax with Langevin noise: feedforward initialisation, input clamped, target clamped or nudged,
 * then T noisy gradient steps (see the file comment). Returns relax's PcRelaxation (final state,
 * sweep, F before each step and after the last when recordEnergy) plus sampleMean. Free it with
 * disposeLangevinRelaxation.
 */
export function langevinRelax(
  params: PcParams,
  architecture: PcArchitecture,
  input: Tensor2D,
  target: Tensor2D,
  options: PcOptions,
  langevin: LangevinOptions,
  relaxOptions: RelaxOptions = {},
): LangevinRelaxation {
  assertTarget(architecture, input, target);
  assertLangevinOptions(langevin, options);
  const L = weightLayerCount(architecture);
  const T = options.inferenceSteps;
  const firstSampledStep = T - langevin.samples + 1;
  const lastFree = outputIsFree(options) ? L : L - 1;
  const isFree = (l: number) => l >= 1 && l <= lastFree;
  const noiseScale = langevinNoiseScale(options.stepSize, langevin.temperature);
  const noise = new RandomStreams(langevin.seed).stream(LANGEVIN_NOISE_STREAM);
  const energies: number[] | null = relaxOptions.recordEnergy ? [] : null;

  const state = tidy(() => {
    const feedforward = feedforwardSweep(params, architecture, input);
    const context = inferenceContext(params, architecture, feedforward, target, options);
    const keep = new Set<Tensor>([...feedforward, target]);
    const noVelocities = feedforward.map(() => null);
    let nodes = initialValueNodes(feedforward, target, options);
    let sums: (Tensor2D | null)[] = nodes.map(() => null);
    for (let t = 1; t <= T; t++) {
      const next = tidy(() => {
        const presynaptic = presynapticActivity(context, nodes);
        const errors = contextErrors(context, nodes, presynaptic);
        if (energies) energies.push(energyValue(context, errors, nodes[L], presynaptic));
        const drifted = valueNodeStep(context, nodes, noVelocities, presynaptic, errors).nodes;
        // tau = 0 adds nothing, so that the chain is relax bit for bit
        if (noiseScale === 0) return drifted;
        return drifted.map((x, l) => (isFree(l) ? add(x, noise.normalTensor(x.shape, 0, noiseScale)) : x));
      });
      disposeReplaced(nodes, next, keep);
      nodes = next;
      if (t >= firstSampledStep) {
        const nextSums = tidy(() => nodes.map((x, l) => (isFree(l) ? (sums[l] ? add(sums[l] as Tensor2D, x) : tf.clone(x)) : null)));
        tf.dispose(sums.filter((s): s is Tensor2D => s !== null));
        sums = nextSums;
      }
    }
    if (energies) {
      energies.push(
        tidy(() => {
          const presynaptic = presynapticActivity(context, nodes);
          return energyValue(context, contextErrors(context, nodes, presynaptic), nodes[L], presynaptic);
        }),
      );
    }
    const sampleMean = nodes.map((x, l) => (isFree(l) ? (tf.div(sums[l] as Tensor2D, langevin.samples) as Tensor2D) : x));
    return { valueNodes: nodes, feedforward, sampleMean };
  });
  return { ...state, input, target, energies };
}

/** Frees a Langevin relaxation's tensors except the caller's input and target. */
export function disposeLangevinRelaxation(relaxation: LangevinRelaxation): void {
  const owned = new Set<Tensor>([...relaxation.valueNodes, ...relaxation.feedforward, ...relaxation.sampleMean]);
  owned.delete(relaxation.input);
  owned.delete(relaxation.target);
  tf.dispose([...owned]);
}
