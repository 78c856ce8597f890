import type { Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from './architecture';
import { assertTarget } from './feedforward';
import { NetworkTrainer } from './network-trainer';
import type { OptimizerSpec } from './optimizer';
import { resolvePcOptions, type PcOptions, type PcOptionsInput } from './pc-options';
import { pcIncrementalStep, pcTrainingStep } from './pc-step';

export interface PcTrainerOptions {
  readonly architecture: PcArchitecture;
  /** Seeds the weight initialisation (initPcParams): the backprop twin with the same seed starts from the same weights. */
  readonly seed: number;
  readonly pc?: PcOptionsInput;
  /** Applied to the local gradients; default torch_pc.py's SGD with lr 1e-3. */
  readonly optimizer?: OptimizerSpec;
}

export interface PcTrainStepReport {
  /** F before each inference step and after the last, if recordEnergy was asked for. */
  readonly energies: number[] | null;
}

/**
 * Thin stateful wrapper over the functional core: owns the parameters (TF.js variables) and the
 * optimiser that descends the local gradients. One `step` per batch.
 */
export class PcTrainer extends NetworkTrainer {
  readonly options: PcOptions;

  constructor(options: PcTrainerOptions) {
    // validated before super() allocates the variables, so bad options leave nothing behind
    const resolved = resolvePcOptions(options.architecture, options.pc);
    super(options.architecture, options.seed, options.optimizer);
    this.options = resolved;
  }

  /** One training step on a batch: inference, then the optimiser on the local gradients (at every inference step when incremental). */
  step(input: Tensor2D, target: Tensor2D, recordEnergy = false): PcTrainStepReport {
    assertTarget(this.architecture, input, target);
    if (this.options.incremental) {
      const { energies } = pcIncrementalStep(this.params, this.architecture, input, target, this.options, (params, gradients) => {
        this.optimizer.apply(gradients);
        return params;
      }, { recordEnergy });
      return { energies };
    }
    const { gradients, energies } = pcTrainingStep(this.params, this.architecture, input, target, this.options, { recordEnergy });
    this.applyGradients(gradients);
    return { energies };
  }
}
