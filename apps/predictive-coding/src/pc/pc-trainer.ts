import type { Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from './architecture';
import { assertTarget } from './feedforward';
import { NetworkTrainer } from './network-trainer';
import type { OptimizerSpec } from './optimizer';
import { resolvePcOptions, type PcOptions, type PcOptionsInput } from './pc-options';
import { pcIncrementalStep, pcTrainingStep } from './pc-step';
import { pcKernelInfo, resolvePcKernel, type PcKernel } from './native-step';

export interface PcTrainerOptions {
  readonly architecture: PcArchitecture;
  /** Seeds the weight initialisation (initPcParams): the backprop twin with the same seed starts from the same weights. */
  readonly seed: number;
  readonly pc?: PcOptionsInput;
  /** Applied to the local gradients; default torch_pc.py's SGD with lr 1e-3. */
  readonly optimizer?: OptimizerSpec;
  /** The fused native training step or TensorFlow ops (see native-step.ts); default CRISTAL_PC_KERNEL, else 'auto'. */
  readonly kernel?: PcKernel;
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
  readonly kernel: PcKernel;

  constructor(options: PcTrainerOptions) {
    // validated before super() allocates the variables, so bad options leave nothing behind
    const resolved = resolvePcOptions(options.architecture, options.pc);
    const kernel = resolvePcKernel(options.kernel);
    super(options.architecture, options.seed, options.optimizer);
    this.options = resolved;
    this.kernel = kernel;
  }

  /** Which path `step` takes (the fused native step or TensorFlow ops) and why, for run records. */
  kernelInfo(): ReturnType<typeof pcKernelInfo> {
    return pcKernelInfo(this.options, this.kernel);
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
    const { gradients, energies } = pcTrainingStep(this.params, this.architecture, input, target, this.options, { recordEnergy, kernel: this.kernel });
    this.applyGradients(gradients);
    return { energies };
  }
}
