import { tf, type Scalar, type Tensor, type Tensor2D } from '@cristal/tensor';
import { weightLayerCount, type PcArchitecture } from './architecture';
import { assertTarget, feedforwardSweep } from './feedforward';
import { activate, activationDerivative, activationDerivativeTimes, addN, add, matMul, mul, sub } from './native-ops';
import type { PcParams } from './params';
import type { PcOptions } from './pc-options';
import type { PredictionErrors } from './energy';
import { categoricalEnergy, categoricalError } from './categorical-output';
import { tidy } from './tidy';

/**
 * The value-node dynamics: T steps of gradient descent on the energy F with respect to the free
 * value nodes (hidden layers, and the output when the target only nudges it):
 *   x_l <- x_l + eta (-pi_l eps_l + f'(x_l) * (pi_{l+1} eps_{l+1} W_l^T))        1 <= l < L
 *   x_L <- x_L + eta (-pi_L eps_L + gamma (y - x_L))                               nudged output
 * with eps_l = x_l - mu_l. Momentum m turns each step into v <- m v + step, x <- x + v.
 * Under fixed predictions mu_l = x̄_l and f'(x̄_l) come from the feedforward sweep.
 *
 * Work that does not change during inference is done once per batch (the numbers are the same):
 * mu_1 = x_0 W_0 + b_0 (the input is clamped), the scaled feedback matrices eta pi_{l+1} W_l^T,
 * y - b_{L-1} for a clamped output, and the scalars. A step is then ~8 native ops per hidden layer.
 */

/** State after inference. valueNodes[0] is the input and, when clamped, valueNodes[L] the target itself (not copies). */
export interface PcRelaxation {
  readonly valueNodes: Tensor2D[];
  /** x̄_0..x̄_L, the feedforward sweep that initialised the value nodes (feedforward[0] is the input). */
  readonly feedforward: Tensor2D[];
  readonly input: Tensor2D;
  readonly target: Tensor2D;
  /** F before each inference step and after the last (T + 1 values), when asked for. */
  readonly energies: number[] | null;
}

export interface RelaxOptions {
  /** Read F back after every step (one device sync per step: diagnostics, not training speed). */
  recordEnergy?: boolean;
}

/** Tensors fixed for the duration of an inference run (rebuilt after every weight change in incremental PC). */
export interface InferenceContext {
  readonly architecture: PcArchitecture;
  readonly options: PcOptions;
  readonly params: PcParams;
  readonly feedforward: readonly Tensor2D[];
  readonly target: Tensor2D;
  /** mu_1 = x_0 W_0 + b_0: constant, the input being clamped. */
  readonly firstPrediction: Tensor2D;
  /** feedback[l] = eta pi_{l+1} W_l^T for hidden l (index 0 unused). */
  readonly feedback: (Tensor2D | null)[];
  /** -eta pi_l for l = 1..L (index 0 unused). */
  readonly negativeDrive: (Scalar | null)[];
  /** y - b_{L-1} when a squared-error output is clamped and predictions are recomputed. */
  readonly targetMinusBias: Tensor2D | null;
  /** y - softmax(x̄_L), the constant output error of a categorical output under fixed predictions. */
  readonly fixedOutputError: Tensor2D | null;
  /** f'(x̄_l) under fixed predictions (index 0 unused). */
  readonly fixedDerivative: (Tensor2D | null)[];
  /** eta gamma, for a nudged output. */
  readonly nudgeDrive: Scalar | null;
  readonly momentum: Scalar | null;
}

export function outputIsFree(options: PcOptions): boolean {
  return options.target.kind === 'nudged';
}

/** Initial value nodes: the feedforward sweep, with the output replaced by the target when clamped. */
export function initialValueNodes(feedforward: readonly Tensor2D[], target: Tensor2D, options: PcOptions): Tensor2D[] {
  const nodes = [...feedforward];
  if (!outputIsFree(options)) nodes[nodes.length - 1] = target;
  return nodes;
}

/** Builds the per-run constants. `firstPrediction` defaults to feedforward[1], valid while W_0 and b_0 are the sweep's. */
export function inferenceContext(
  params: PcParams,
  architecture: PcArchitecture,
  feedforward: readonly Tensor2D[],
  target: Tensor2D,
  options: PcOptions,
  firstPrediction: Tensor2D = feedforward[1],
): InferenceContext {
  const L = weightLayerCount(architecture);
  const { stepSize: eta, precisions } = options;
  const fixed = options.predictions === 'fixed';
  const categorical = options.output === 'categorical';
  const feedback: (Tensor2D | null)[] = [null];
  const fixedDerivative: (Tensor2D | null)[] = [null];
  const negativeDrive: (Scalar | null)[] = [null];
  for (let l = 1; l <= L; l++) {
    negativeDrive.push(tf.scalar(-eta * precisions[l - 1]));
    if (l < L) {
      feedback.push(tidy(() => tf.mul(tf.transpose(params.weights[l]), eta * precisions[l])) as Tensor2D);
      fixedDerivative.push(fixed ? tidy(() => activationDerivative(architecture.activation, feedforward[l], activate(architecture.activation, feedforward[l]))) : null);
    }
  }
  return {
    architecture,
    options,
    params,
    feedforward,
    target,
    firstPrediction,
    feedback,
    negativeDrive,
    targetMinusBias: !outputIsFree(options) && !fixed && !categorical ? (tf.sub(target, params.biases[L - 1]) as Tensor2D) : null,
    fixedOutputError: fixed && categorical ? categoricalError(target, feedforward[L]) : null,
    fixedDerivative,
    nudgeDrive: options.target.kind === 'nudged' ? tf.scalar(eta * options.target.precision) : null,
    momentum: options.momentum > 0 ? tf.scalar(options.momentum) : null,
  };
}

/** f(x_l) for the hidden layers at the current state (index 0: the input itself; index L unused). */
export function presynapticActivity(context: InferenceContext, nodes: readonly Tensor2D[]): Tensor2D[] {
  const L = weightLayerCount(context.architecture);
  return nodes.slice(0, L).map((x, l) => (l === 0 ? x : activate(context.architecture.activation, x)));
}

/** errors[l] = x_{l+1} - mu_{l+1} at the current state, from the context's constants. */
export function contextErrors(context: InferenceContext, nodes: readonly Tensor2D[], presynaptic: readonly Tensor2D[]): PredictionErrors {
  const L = weightLayerCount(context.architecture);
  const { params, feedforward, options } = context;
  const errors: Tensor2D[] = [];
  for (let l = 0; l < L; l++) {
    if (l === L - 1 && options.output === 'categorical') errors.push(context.fixedOutputError ?? categoricalError(context.target, outputLogits(context, presynaptic)));
    else if (options.predictions === 'fixed') errors.push(sub(nodes[l + 1], feedforward[l + 1]));
    else if (l === 0) errors.push(sub(nodes[1], context.firstPrediction));
    else if (l === L - 1 && context.targetMinusBias) errors.push(sub(context.targetMinusBias, matMul(presynaptic[l], params.weights[l])));
    else errors.push(sub(sub(nodes[l + 1], params.biases[l]), matMul(presynaptic[l], params.weights[l])));
  }
  return errors;
}

/** mu_L, the output layer's prediction at the current state (the logits of a categorical output). */
export function outputLogits(context: InferenceContext, presynaptic: readonly Tensor2D[]): Tensor2D {
  const L = weightLayerCount(context.architecture);
  if (context.options.predictions === 'fixed') return context.feedforward[L];
  if (L === 1) return context.firstPrediction;
  return add(matMul(presynaptic[L - 1], context.params.weights[L - 1]), context.params.biases[L - 1]);
}

/**
 * One gradient step on the free value nodes from the errors at the current state. Returns the new
 * nodes and velocities (entries of clamped layers are passed through unchanged).
 */
export function valueNodeStep(
  context: InferenceContext,
  nodes: readonly Tensor2D[],
  velocities: readonly (Tensor2D | null)[],
  presynaptic: readonly Tensor2D[],
  errors: PredictionErrors,
): { nodes: Tensor2D[]; velocities: (Tensor2D | null)[] } {
  const L = weightLayerCount(context.architecture);
  const kind = context.architecture.activation;
  const nextNodes = [...nodes];
  const nextVelocities = [...velocities];
  const last = outputIsFree(context.options) ? L : L - 1;
  for (let l = 1; l <= last; l++) {
    const terms: Tensor2D[] = [mul(errors[l - 1], context.negativeDrive[l] as Scalar)];
    if (l < L) {
      const feedback = matMul(errors[l], context.feedback[l] as Tensor2D);
      const derivative = context.fixedDerivative[l];
      terms.push(derivative ? mul(derivative, feedback) : activationDerivativeTimes(kind, nodes[l], presynaptic[l], feedback));
    } else {
      terms.push(mul(sub(context.target, nodes[L]), context.nudgeDrive as Scalar));
    }
    if (context.momentum) {
      const v = velocities[l];
      nextVelocities[l] = addN(v ? [mul(v, context.momentum), ...terms] : terms);
      nextNodes[l] = add(nodes[l], nextVelocities[l] as Tensor2D);
    } else nextNodes[l] = addN([nodes[l], ...terms]);
  }
  return { nodes: nextNodes, velocities: nextVelocities };
}

/**
 * Sum of (pi / 2) ||e||^2 over layers (+ the nudge term), read back as a number; for a categorical
 * output the last term is pi_L times the cross-entropy of the output logits (from `presynaptic`).
 */
export function energyValue(context: InferenceContext, errors: PredictionErrors, output: Tensor2D, presynaptic?: readonly Tensor2D[]): number {
  return tidy(() => {
    const { options } = context;
    const L = errors.length;
    const terms: Tensor[] = errors.map((e, l) => {
      if (l < L - 1 || options.output !== 'categorical') return tf.mul(tf.sum(tf.square(e)), options.precisions[l] / 2);
      if (!presynaptic) throw new Error('energyValue: a categorical output energy is the cross-entropy of the output logits; pass the presynaptic activity (presynapticActivity(context, nodes)) to compute them.');
      return tf.mul(categoricalEnergy(context.target, outputLogits(context, presynaptic)), options.precisions[l]);
    });
    if (options.target.kind === 'nudged') terms.push(tf.mul(tf.sum(tf.square(tf.sub(context.target, output))), options.target.precision / 2));
    return tf.addN(terms).dataSync()[0];
  });
}

/** The energy at `nodes` (after the last inference step). */
export function finalEnergy(context: InferenceContext, nodes: readonly Tensor2D[]): number {
  return tidy(() => {
    const presynaptic = presynapticActivity(context, nodes);
    return energyValue(context, contextErrors(context, nodes, presynaptic), nodes[nodes.length - 1], presynaptic);
  });
}

/** Disposes the tensors of `next` that are not in `previous` or protected, i.e. frees what a step replaced. */
export function disposeReplaced(previous: readonly (Tensor | null)[], next: readonly (Tensor | null)[], keep: ReadonlySet<Tensor>): void {
  previous.forEach((t, i) => {
    if (t && t !== next[i] && !keep.has(t)) t.dispose();
  });
}

/**
 * Runs inference on a batch: feedforward initialisation, clamping, T value-node steps. The weights
 * do not change (incremental PC lives in pc-step.ts).
 */
export function relax(params: PcParams, architecture: PcArchitecture, input: Tensor2D, target: Tensor2D, options: PcOptions, relaxOptions: RelaxOptions = {}): PcRelaxation {
  assertTarget(architecture, input, target);
  const energies: number[] | null = relaxOptions.recordEnergy ? [] : null;
  const state = tidy(() => {
    const feedforward = feedforwardSweep(params, architecture, input);
    const context = inferenceContext(params, architecture, feedforward, target, options);
    const keep = new Set<Tensor>([...feedforward, target]);
    let nodes = initialValueNodes(feedforward, target, options);
    let velocities: (Tensor2D | null)[] = nodes.map(() => null);
    for (let t = 0; t < options.inferenceSteps; t++) {
      const next = tidy(() => {
        const presynaptic = presynapticActivity(context, nodes);
        const errors = contextErrors(context, nodes, presynaptic);
        if (energies) energies.push(energyValue(context, errors, nodes[nodes.length - 1], presynaptic));
        return valueNodeStep(context, nodes, velocities, presynaptic, errors);
      });
      disposeReplaced(nodes, next.nodes, keep);
      disposeReplaced(velocities, next.velocities, keep);
      nodes = next.nodes;
      velocities = next.velocities;
    }
    if (energies) energies.push(finalEnergy(context, nodes));
    return { valueNodes: nodes, feedforward };
  });
  return { ...state, input, target, energies };
}

/** Frees a relaxation's tensors except the caller's input and target. */
export function disposeRelaxation(relaxation: PcRelaxation): void {
  const owned = new Set<Tensor>([...relaxation.valueNodes, ...relaxation.feedforward]);
  owned.delete(relaxation.input);
  owned.delete(relaxation.target);
  tf.dispose([...owned]);
}
