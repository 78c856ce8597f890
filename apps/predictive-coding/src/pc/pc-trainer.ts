import { tf, type Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from './architecture';
import { assertTarget, outputProbabilities, predict } from './feedforward';
import { assignParams, ParamOptimizer, REFERENCE_OPTIMIZER, trainableParams, type OptimizerSpec, type TrainableParams, type TrainerState } from './optimizer';
import { disposePcParams, initPcParams, paramTensors, readParams, type PcParamValues } from './params';
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
export class PcTrainer {
  readonly architecture: PcArchitecture;
  readonly options: PcOptions;
  readonly params: TrainableParams;
  private readonly optimizer: ParamOptimizer;

  constructor(options: PcTrainerOptions) {
    this.architecture = options.architecture;
    this.options = resolvePcOptions(options.architecture, options.pc);
    const initial = initPcParams(options.architecture, options.seed);
    this.params = trainableParams(initial);
    disposePcParams(initial);
    this.optimizer = new ParamOptimizer(this.params, options.optimizer ?? REFERENCE_OPTIMIZER);
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
    try {
      this.optimizer.apply(gradients);
    } finally {
      tf.dispose(paramTensors(gradients));
    }
    return { energies };
  }

  /** Test-time prediction: the feedforward sweep's output x̄_L (no inference; the output is free). */
  predict(input: Tensor2D): Tensor2D {
    return predict(this.params, this.architecture, input);
  }

  /** Class probabilities softmax(x̄_L) (the trained logits for a categorical output; see outputProbabilities). */
  predictProbabilities(input: Tensor2D): Tensor2D {
    return outputProbabilities(this.params, this.architecture, input);
  }

  /** A copy of the current weights and biases. */
  snapshot(): PcParamValues {
    return readParams(this.params);
  }

  /** The optimiser's current step size; assign to follow a schedule. */
  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  set learningRate(value: number) {
    this.optimizer.learningRate = value;
  }

  /** Weights and optimiser state (Adam's moments; null for SGD), for a checkpoint. */
  getState(): TrainerState {
    return { params: readParams(this.params), optimizer: this.optimizer.getState() };
  }

  /** Continues from getState()'s result: the same weights and optimiser state, bit for bit. */
  setState(state: TrainerState): void {
    assignParams(this.params, state.params, this.architecture);
    this.optimizer.setState(state.optimizer);
  }

  dispose(): void {
    tf.dispose(paramTensors(this.params));
    this.optimizer.dispose();
  }
}
