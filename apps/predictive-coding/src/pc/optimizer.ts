import { tf, Adam, type AdamOptions, type AdamState, type NamedTensorMap, type Rank, type Tensor, type Variable } from '@cristal/tensor';
import type { PcArchitecture } from './architecture';
import type { PcGradients, PcParams, PcParamValues } from './params';

/**
 * The optimiser both trainers share, so that PC and its backprop twin differ only in where the
 * gradients come from. SGD: theta -= lr g. Adam: @cristal/tensor's fused Adam, fed the given
 * gradients (for PC, the local ones).
 */
export type OptimizerSpec = { readonly kind: 'sgd'; readonly learningRate: number } | ({ readonly kind: 'adam' } & AdamOptions);

/** torch_pc.py's rule: plain SGD, lr 1e-3. */
export const REFERENCE_OPTIMIZER: OptimizerSpec = { kind: 'sgd', learningRate: 1e-3 };

/** Parameters held in TF.js variables, keyed W0, b0, W1, ... for Adam's moments. */
export interface TrainableParams extends PcParams {
  readonly weights: readonly Variable<Rank.R2>[];
  readonly biases: readonly Variable<Rank.R1>[];
}

export function trainableParams(initial: PcParams): TrainableParams {
  return { weights: initial.weights.map((w) => tf.variable(w)), biases: initial.biases.map((b) => tf.variable(b)) };
}

/** What a trainer checkpoints: its weights and its optimiser's state (null for SGD). */
export interface TrainerState {
  readonly params: PcParamValues;
  readonly optimizer: AdamState | null;
}

/** Writes saved values into the variables, after checking every shape against the architecture. */
export function assignParams(params: TrainableParams, values: PcParamValues, architecture: PcArchitecture): void {
  const s = architecture.sizes;
  const L = s.length - 1;
  if (values.weights.length !== L || values.biases.length !== L) {
    throw new Error(`The saved parameters have ${values.weights.length} weight and ${values.biases.length} bias layers; the architecture [${s.join(', ')}] has ${L}.`);
  }
  for (let l = 0; l < L; l++) {
    if (values.weights[l].length !== s[l] * s[l + 1] || values.biases[l].length !== s[l + 1]) {
      throw new Error(`Saved layer ${l} has ${values.weights[l].length} weights and ${values.biases[l].length} biases; [${s.join(', ')}] needs ${s[l] * s[l + 1]} and ${s[l + 1]}.`);
    }
  }
  tf.tidy(() => {
    for (let l = 0; l < L; l++) {
      params.weights[l].assign(tf.tensor2d(values.weights[l], [s[l], s[l + 1]]));
      params.biases[l].assign(tf.tensor1d(values.biases[l]));
    }
  });
}

export class ParamOptimizer {
  private readonly adam: Adam | null;
  private sgdLearningRate: number;

  constructor(
    private readonly params: TrainableParams,
    readonly spec: OptimizerSpec,
  ) {
    this.sgdLearningRate = spec.kind === 'sgd' ? spec.learningRate : 0;
    if (spec.kind === 'sgd') {
      if (!(spec.learningRate > 0) || !Number.isFinite(spec.learningRate)) throw new Error(`SGD learningRate must be a positive number, got ${spec.learningRate}.`);
      this.adam = null;
    } else if (spec.kind === 'adam') {
      const { kind: _kind, ...adamOptions } = spec;
      const named: Record<string, Variable> = {};
      params.weights.forEach((w, l) => (named[`W${l}`] = w));
      params.biases.forEach((b, l) => (named[`b${l}`] = b));
      this.adam = new Adam(named, adamOptions);
    } else throw new Error(`optimizer.kind must be 'sgd' or 'adam', got "${String((spec as { kind: unknown }).kind)}".`);
  }

  /** One descent step along `gradients` (shaped like the parameters). */
  apply(gradients: PcGradients): void {
    const pairs: [Variable, Tensor][] = [
      ...this.params.weights.map((w, l): [Variable, Tensor] => [w, gradients.weights[l]]),
      ...this.params.biases.map((b, l): [Variable, Tensor] => [b, gradients.biases[l]]),
    ];
    for (const [v, g] of pairs) {
      if (g.size !== v.size) throw new Error(`Gradient of shape [${g.shape.join(', ')}] does not fit parameter of shape [${v.shape.join(', ')}].`);
    }
    if (this.adam) {
      // Adam reads gradients keyed by the variables' TF.js names
      const grads: NamedTensorMap = {};
      for (const [v, g] of pairs) grads[v.name] = g;
      this.adam.applyGradients(grads);
      return;
    }
    const lr = this.sgdLearningRate;
    tf.tidy(() => {
      for (const [v, g] of pairs) v.assign(tf.sub(v, tf.mul(g, lr)));
    });
  }

  /** The step size in use (the spec's until setLearningRate changes it, e.g. by a schedule). */
  get learningRate(): number {
    return this.adam ? this.adam.learningRate : this.sgdLearningRate;
  }

  set learningRate(value: number) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`learningRate must be a non-negative number, got ${value}.`);
    if (this.adam) this.adam.learningRate = value;
    else this.sgdLearningRate = value;
  }

  /** Adam's moments and step for a checkpoint; null for SGD, which has no state. */
  getState(): AdamState | null {
    return this.adam ? this.adam.getState() : null;
  }

  /** Restores what getState returned (moments keyed W0, b0, W1, ...). */
  setState(state: AdamState | null): void {
    if (!this.adam) {
      if (state !== null) throw new Error('This optimiser is SGD, which has no state; the checkpoint holds Adam moments: resume with the same optimizer config.');
      return;
    }
    if (state === null) throw new Error('This optimiser is Adam but the checkpoint has no optimiser state: resume with the same optimizer config.');
    this.adam.setState(state);
  }

  dispose(): void {
    this.adam?.dispose();
  }
}
