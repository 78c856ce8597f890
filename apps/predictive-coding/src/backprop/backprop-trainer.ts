import { tf, type Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from '../pc/architecture';
import { predict } from '../pc/feedforward';
import { assignParams, ParamOptimizer, REFERENCE_OPTIMIZER, trainableParams, type OptimizerSpec, type TrainableParams, type TrainerState } from '../pc/optimizer';
import { disposePcParams, initPcParams, paramTensors, readParams, type PcParamValues } from '../pc/params';
import { backpropGradients } from './backprop-gradients';
import { assertTwinLoss, type TwinLoss } from './mlp-loss';

export interface BackpropTrainerOptions {
  readonly architecture: PcArchitecture;
  /** Same seed as a PcTrainer: same initial weights (both call initPcParams). */
  readonly seed: number;
  /** Default 'squared-error', the loss PC approximates. */
  readonly loss?: TwinLoss;
  /** Default torch_pc.py's SGD with lr 1e-3, as PcTrainer. */
  readonly optimizer?: OptimizerSpec;
}

/**
 * The backprop twin of PcTrainer: same architecture, initialisation and optimiser; the gradients
 * come from tf.valueAndGrads of the loss instead of PC's local rules.
 */
export class BackpropTrainer {
  readonly architecture: PcArchitecture;
  readonly loss: TwinLoss;
  readonly params: TrainableParams;
  private readonly optimizer: ParamOptimizer;

  constructor(options: BackpropTrainerOptions) {
    const loss = options.loss ?? 'squared-error';
    assertTwinLoss(loss);
    this.architecture = options.architecture;
    this.loss = loss;
    const initial = initPcParams(options.architecture, options.seed);
    this.params = trainableParams(initial);
    disposePcParams(initial);
    this.optimizer = new ParamOptimizer(this.params, options.optimizer ?? REFERENCE_OPTIMIZER);
  }

  /** One optimiser step on a batch; returns the loss before the step. */
  step(input: Tensor2D, target: Tensor2D): number {
    const { gradients, loss } = backpropGradients(this.params, this.architecture, input, target, this.loss);
    try {
      this.optimizer.apply(gradients);
    } finally {
      tf.dispose(paramTensors(gradients));
    }
    return loss;
  }

  predict(input: Tensor2D): Tensor2D {
    return predict(this.params, this.architecture, input);
  }

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
