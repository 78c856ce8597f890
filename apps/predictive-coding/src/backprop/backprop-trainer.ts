import type { Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from '../pc/architecture';
import { NetworkTrainer } from '../pc/network-trainer';
import type { OptimizerSpec } from '../pc/optimizer';
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
export class BackpropTrainer extends NetworkTrainer {
  readonly loss: TwinLoss;

  constructor(options: BackpropTrainerOptions) {
    const loss = options.loss ?? 'squared-error';
    assertTwinLoss(loss);
    super(options.architecture, options.seed, options.optimizer);
    this.loss = loss;
  }

  /** One optimiser step on a batch; returns the loss before the step. */
  step(input: Tensor2D, target: Tensor2D): number {
    const { gradients, loss } = backpropGradients(this.params, this.architecture, input, target, this.loss);
    this.applyGradients(gradients);
    return loss;
  }
}
