import { Adam, tf, type AdamState, type RawTensor, type Scalar, type Tensor, type Variable } from '@cristal/tensor';

/** What one optimiser step reports. */
export interface StepResult {
  /** The batch loss the step minimised. */
  loss: number;
  /** Global L2 norm of the gradient of that loss, when the optimiser measured it. */
  gradientNorm?: number;
}

/**
 * Checkpoint contents of an optimiser: arrays (stored in the checkpoint's safetensors file) and a
 * small JSON part. Adam's are its moments; other optimisers say what they need to continue exactly.
 */
export interface OptimizerCheckpoint {
  tensors: Record<string, RawTensor>;
  json: Record<string, unknown>;
}

/**
 * The update rule `fitClassifier` applies at each step. Adam (`adamStepper`) is the default; a
 * natural-gradient or any other optimiser plugs in by implementing this.
 */
export interface StepOptimizer {
  /** Set by the loop before each step (the schedule's value). */
  learningRate: number;
  /** One step on the batch loss (called inside no tape; the optimiser computes its own gradients). */
  step(loss: () => Scalar): StepResult;
  checkpoint(): OptimizerCheckpoint;
  restore(state: OptimizerCheckpoint): void;
  dispose(): void;
}

/** Builds the optimiser over the model's named variables with the run's base learning rate. */
export type OptimizerFactory = (variables: Readonly<Record<string, Variable>>, learningRate: number) => StepOptimizer;

export interface AdamStepperOptions {
  weightDecay?: number;
  /** Measure the gradient's global norm at each step (one extra reduction per variable). */
  gradientNorm?: boolean;
}

/** Sum of squares of every gradient, read back once: the global norm used by clipping and diagnostics. */
export function globalNorm(grads: Readonly<Record<string, Tensor>>): number {
  const squares = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
  const value = squares.dataSync()[0];
  squares.dispose();
  return Math.sqrt(value);
}

/** Adam as a `StepOptimizer`, its moments keyed by the record's names (so a resumed process finds them). */
export function adamStepper(variables: Readonly<Record<string, Variable>>, learningRate: number, options: AdamStepperOptions = {}): StepOptimizer {
  const adam = new Adam(variables, { learningRate, weightDecay: options.weightDecay ?? 0 });
  const list = Object.values(variables);
  return {
    get learningRate() {
      return adam.learningRate;
    },
    set learningRate(value: number) {
      adam.learningRate = value;
    },
    step(loss) {
      if (!options.gradientNorm) return { loss: adam.minimize(loss) };
      const { value, grads } = tf.variableGrads(loss, list);
      try {
        const gradientNorm = globalNorm(grads);
        adam.applyGradients(grads);
        return { loss: value.dataSync()[0], gradientNorm };
      } finally {
        tf.dispose([value, ...Object.values(grads)]);
      }
    },
    checkpoint() {
      const state = adam.getState();
      const tensors: Record<string, RawTensor> = {};
      for (const [name, { m, v }] of Object.entries(state.moments)) {
        tensors[`${name}/m`] = { dtype: 'F32', shape: [m.length], data: m };
        tensors[`${name}/v`] = { dtype: 'F32', shape: [v.length], data: v };
      }
      return { tensors, json: { kind: 'adam', step: state.step, variables: Object.keys(state.moments) } };
    },
    restore(state) {
      const names = state.json['variables'] as string[] | undefined;
      if (state.json['kind'] !== 'adam' || !Array.isArray(names)) throw new Error('adamStepper: the checkpoint holds no Adam state (was it written by another optimiser?).');
      const moments: AdamState['moments'] = {};
      for (const name of names) {
        const m = state.tensors[`${name}/m`];
        const v = state.tensors[`${name}/v`];
        if (!m || !v) throw new Error(`adamStepper: the checkpoint has no moments for "${name}".`);
        moments[name] = { m: Float32Array.from(m.data as ArrayLike<number>), v: Float32Array.from(v.data as ArrayLike<number>) };
      }
      adam.setState({ step: state.json['step'] as number, moments });
    },
    dispose() {
      adam.dispose();
    },
  };
}
