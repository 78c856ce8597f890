import { tf, type Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from './architecture';
import { outputProbabilities, predict } from './feedforward';
import { assignParams, ParamOptimizer, REFERENCE_OPTIMIZER, trainableParams, type OptimizerSpec, type TrainableParams, type TrainerState } from './optimizer';
import { disposePcParams, initPcParams, paramTensors, readParams, type PcGradients, type PcParamValues } from './params';

/**
 * What PcTrainer and its backprop twin share, so that they differ only in where the gradients come
 * from: the seeded initial weights (initPcParams) held in variables, the optimiser, the feedforward
 * readout, checkpoints and disposal.
 */
export abstract class NetworkTrainer {
  readonly architecture: PcArchitecture;
  readonly params: TrainableParams;
  protected readonly optimizer: ParamOptimizer;

  protected constructor(architecture: PcArchitecture, seed: number, optimizer: OptimizerSpec = REFERENCE_OPTIMIZER) {
    this.architecture = architecture;
    const initial = initPcParams(architecture, seed);
    this.params = trainableParams(initial);
    disposePcParams(initial);
    this.optimizer = new ParamOptimizer(this.params, optimizer);
  }

  /** One optimiser step along `gradients`, which it then frees. */
  protected applyGradients(gradients: PcGradients): void {
    try {
      this.optimizer.apply(gradients);
    } finally {
      tf.dispose(paramTensors(gradients));
    }
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
