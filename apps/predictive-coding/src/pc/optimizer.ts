import { tf, Adam, type AdamOptions, type NamedTensorMap, type Rank, type Tensor, type Variable } from '@cristal/tensor';
import type { PcGradients, PcParams } from './params';

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

export class ParamOptimizer {
  private readonly adam: Adam | null;

  constructor(
    private readonly params: TrainableParams,
    readonly spec: OptimizerSpec,
  ) {
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
    const lr = this.spec.kind === 'sgd' ? this.spec.learningRate : 0;
    tf.tidy(() => {
      for (const [v, g] of pairs) v.assign(tf.sub(v, tf.mul(g, lr)));
    });
  }

  dispose(): void {
    this.adam?.dispose();
  }
}
