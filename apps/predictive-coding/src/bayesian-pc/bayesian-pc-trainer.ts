import { tf, RandomStream, type Tensor, type Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from '../pc/architecture';
import { assertTarget, outputProbabilities } from '../pc/feedforward';
import { disposeRelaxation, relax, type PcRelaxation } from '../pc/inference';
import { disposePcParams, type PcParams } from '../pc/params';
import { resolvePcOptions, type PcOptions, type PcOptionsInput } from '../pc/pc-options';
import { assertBayesianPcOptions, resolveBeliefOptions, type BeliefOptions, type BeliefOptionsInput } from './belief-options';
import { beliefStatistics } from './belief-statistics';
import { bayesianPredictive } from './bayesian-predictive';
import { beliefsFromState, readBeliefs, type BayesianPcState } from './bayesian-pc-state';
import { assertLangevinOptions, disposeLangevinRelaxation, langevinRelax, type LangevinRelaxation } from './langevin-inference';
import { beliefMeans, disposeWeightBeliefs, initWeightBeliefs, sampleWeightBeliefs, updateWeightBeliefs, type WeightBeliefs } from './weight-beliefs';

/**
 * Beliefs over latent states: deterministic inference (relax: the MAP value nodes) or Langevin
 * sampling (Monte-Carlo PC: the weight statistics are computed from the chain's sample mean of the
 * value nodes over the last `samples` of T = inferenceSteps steps; T >= burnIn + samples).
 */
export type BayesianPcInference = { readonly kind: 'deterministic' } | { readonly kind: 'langevin'; readonly temperature: number; readonly burnIn: number; readonly samples: number };

export interface BayesianPcTrainerOptions {
  readonly architecture: PcArchitecture;
  /** Seeds the initial means (initPcParams), the default weight-sample seed and the Langevin noise. */
  readonly seed: number;
  readonly pc?: PcOptionsInput;
  readonly beliefs?: BeliefOptionsInput;
  readonly inference?: BayesianPcInference;
}

export interface BayesianPcStepReport {
  readonly energies: number[] | null;
}

/** Name of the stream each step's Langevin noise seed is drawn from. */
export const LANGEVIN_SEED_STREAM = 'bpc-langevin-seeds';

/**
 * Bayesian predictive coding (thin stateful wrapper over weight-beliefs.ts): Gaussian beliefs over
 * the weights, updated in closed form from the converged activities of each batch. step(x, y) runs
 * inference with the posterior-mean weights, then the local belief updates; predictive(x, K)
 * averages softmax over K weight samples.
 */
export class BayesianPcTrainer {
  readonly architecture: PcArchitecture;
  readonly seed: number;
  readonly pcOptions: PcOptions;
  readonly beliefOptions: BeliefOptions;
  readonly inference: BayesianPcInference;
  private beliefs: WeightBeliefs;
  private means: PcParams;
  private updates = 0;
  private readonly langevinSeeds: RandomStream | null;

  constructor(options: BayesianPcTrainerOptions) {
    this.architecture = options.architecture;
    this.seed = options.seed;
    this.pcOptions = resolvePcOptions(options.architecture, options.pc);
    assertBayesianPcOptions(this.pcOptions);
    this.beliefOptions = resolveBeliefOptions(options.architecture, this.pcOptions, options.beliefs);
    this.inference = checkInference(options.inference ?? { kind: 'deterministic' });
    // fail at construction, not at the first step (the seed is drawn per step)
    if (this.inference.kind === 'langevin') assertLangevinOptions({ ...this.inference, seed: 0 }, this.pcOptions);
    this.langevinSeeds = this.inference.kind === 'langevin' ? new RandomStream(options.seed, LANGEVIN_SEED_STREAM) : null;
    this.beliefs = initWeightBeliefs(options.architecture, options.seed, this.beliefOptions);
    this.means = beliefMeans(this.beliefs);
  }

  /** Inference on a batch with the mean weights, then the closed-form local update of every belief. */
  step(input: Tensor2D, target: Tensor2D, recordEnergy = false): BayesianPcStepReport {
    assertTarget(this.architecture, input, target);
    let relaxation: PcRelaxation | LangevinRelaxation;
    let nodes: Tensor2D[];
    if (this.inference.kind === 'langevin') {
      const { temperature, burnIn, samples } = this.inference;
      const seed = (this.langevinSeeds as RandomStream).uint32();
      const r = langevinRelax(this.means, this.architecture, input, target, this.pcOptions, { temperature, burnIn, samples, seed }, { recordEnergy });
      relaxation = r;
      nodes = r.sampleMean;
    } else {
      relaxation = relax(this.means, this.architecture, input, target, this.pcOptions, { recordEnergy });
      nodes = relaxation.valueNodes;
    }
    let next: WeightBeliefs;
    try {
      const statistics = beliefStatistics(this.means, this.architecture, nodes, relaxation.feedforward, this.pcOptions);
      try {
        next = updateWeightBeliefs(this.beliefs, statistics, this.pcOptions, this.beliefOptions);
      } finally {
        // the statistics share the caller's input and target and (for a linear activation) the nodes themselves
        const shared = new Set<Tensor>([input, target, ...nodes]);
        tf.dispose([...statistics.presynaptic, ...statistics.errors].filter((t) => !shared.has(t)));
      }
    } finally {
      if ('sampleMean' in relaxation) disposeLangevinRelaxation(relaxation);
      else disposeRelaxation(relaxation);
    }
    this.replaceBeliefs(next);
    this.updates++;
    return { energies: relaxation.energies };
  }

  /** K networks drawn from the current beliefs (seed defaults to the trainer's); free them with disposePcParams. */
  sampleWeights(samples: number, seed = this.seed): PcParams[] {
    return sampleWeightBeliefs(this.beliefs, samples, seed);
  }

  /** p(y | x) = (1/K) sum_k softmax(x̄_L(x; W_k)) over K samples drawn with `seed` (default: the trainer's seed). */
  predictive(input: Tensor2D, samples: number, seed = this.seed): Tensor2D {
    const drawn = this.sampleWeights(samples, seed);
    try {
      return bayesianPredictive(drawn, this.architecture, input);
    } finally {
      drawn.forEach(disposePcParams);
    }
  }

  /** softmax(x̄_L) of the posterior-mean network. */
  predictMean(input: Tensor2D): Tensor2D {
    return outputProbabilities(this.means, this.architecture, input);
  }

  /** The posterior means as parameters (copies; the caller disposes them). */
  meanParams(): PcParams {
    return beliefMeans(this.beliefs);
  }

  /** The beliefs themselves (read-only view; valid until the next step or setState). */
  currentBeliefs(): WeightBeliefs {
    return this.beliefs;
  }

  get updateCount(): number {
    return this.updates;
  }

  getState(): BayesianPcState {
    return { updates: this.updates, ...readBeliefs(this.beliefs), langevinSeeds: this.langevinSeeds ? this.langevinSeeds.getState() : null };
  }

  setState(state: BayesianPcState): void {
    if (!Number.isInteger(state.updates) || state.updates < 0) throw new Error(`The Bayesian PC state's update count must be a non-negative integer, got ${String(state.updates)}.`);
    if ((state.langevinSeeds === null) !== (this.langevinSeeds === null)) {
      throw new Error(`The Bayesian PC state was saved with ${state.langevinSeeds ? 'Langevin' : 'deterministic'} inference; this trainer uses ${this.inference.kind}: restore it with the same inference option.`);
    }
    const beliefs = beliefsFromState(state, this.architecture, this.beliefs);
    if (state.langevinSeeds && this.langevinSeeds) this.langevinSeeds.setState(state.langevinSeeds);
    this.replaceBeliefs(beliefs);
    this.updates = state.updates;
  }

  dispose(): void {
    disposeWeightBeliefs(this.beliefs);
    disposePcParams(this.means);
  }

  private replaceBeliefs(next: WeightBeliefs): void {
    disposeWeightBeliefs(this.beliefs);
    disposePcParams(this.means);
    this.beliefs = next;
    this.means = beliefMeans(next);
  }
}

function checkInference(inference: BayesianPcInference): BayesianPcInference {
  if (inference.kind === 'deterministic') return { kind: 'deterministic' };
  if (inference.kind === 'langevin') {
    const { temperature, burnIn, samples } = inference;
    return { kind: 'langevin', temperature, burnIn, samples };
  }
  throw new Error(`inference.kind must be 'deterministic' or 'langevin' (with temperature, burnIn, samples), got "${String((inference as { kind: unknown }).kind)}".`);
}
