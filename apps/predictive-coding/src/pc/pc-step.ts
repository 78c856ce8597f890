import { tf, type Tensor, type Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from './architecture';
import { assertTarget, feedforwardSweep } from './feedforward';
import {
  contextErrors,
  disposeReplaced,
  energyValue,
  finalEnergy,
  inferenceContext,
  initialValueNodes,
  presynapticActivity,
  relax,
  valueNodeStep,
  type RelaxOptions,
} from './inference';
import { localGradients, localGradientsFromErrors } from './local-updates';
import { fusedTrainingStep, usesFusedStep, type PcKernel } from './native-step';
import { add, matMul } from './native-ops';
import { paramTensors, type PcGradients, type PcParams } from './params';
import { updateScale, type PcOptions } from './pc-options';
import { tidy } from './tidy';

export interface PcStepResult {
  /** Local gradients dF̄/dW_l, dF̄/db_l (for an optimiser to descend); the caller disposes them. */
  readonly gradients: PcGradients;
  /** F before each inference step and after the last, when recordEnergy was asked for. */
  readonly energies: number[] | null;
}

export interface PcStepOptions extends RelaxOptions {
  /** The fused native step or TensorFlow ops (native-step.ts); default CRISTAL_PC_KERNEL, else 'auto'. */
  kernel?: PcKernel;
}

/**
 * One PC training step on a batch, without touching the weights: feedforward initialisation, clamp
 * the input (and the target), T inference steps, then the local weight gradients. Pure: same
 * inputs, same numbers (per kernel: the fused native step and the TensorFlow ops agree to float
 * rounding). Never uses automatic differentiation (see autodiff-guard.ts).
 */
export function pcTrainingStep(params: PcParams, architecture: PcArchitecture, input: Tensor2D, target: Tensor2D, options: PcOptions, stepOptions: PcStepOptions = {}): PcStepResult {
  if (options.incremental) throw new Error('Incremental PC updates the weights during inference: call pcIncrementalStep with an update rule instead of pcTrainingStep.');
  const { kernel, ...relaxOptions } = stepOptions;
  if (usesFusedStep(options, relaxOptions.recordEnergy === true, kernel)) {
    assertTarget(architecture, input, target);
    return { gradients: fusedTrainingStep(params, architecture, input, target, options).gradients, energies: null };
  }
  let energies: number[] | null = null;
  const gradients = tidy(() => {
    const relaxation = relax(params, architecture, input, target, options, relaxOptions);
    energies = relaxation.energies;
    return localGradients(params, architecture, relaxation, options);
  });
  return { gradients, energies };
}

/** Applies local gradients to parameters and returns the parameters to use next (e.g. an optimiser step). */
export type PcUpdateRule = (params: PcParams, gradients: PcGradients, inferenceStep: number) => PcParams;

export interface PcIncrementalResult {
  /** The parameters after the T updates (what the update rule returned last; the input params themselves when T = 0). */
  readonly params: PcParams;
  readonly energies: number[] | null;
}

/**
 * Incremental PC (Salvatori et al. 2024) on one batch: after the feedforward initialisation, each
 * of the T steps computes the errors at the current value nodes and weights, then moves both the
 * free value nodes (one inference step) and the weights (`update` with the local gradients of those
 * same errors). The update rule owns the parameters it returns: a functional rule returns new
 * tensors (kept alive only if the rule keeps them; the last ones are returned), a stateful one
 * (PcTrainer) assigns its variables and returns them.
 */
export function pcIncrementalStep(
  params: PcParams,
  architecture: PcArchitecture,
  input: Tensor2D,
  target: Tensor2D,
  options: PcOptions,
  update: PcUpdateRule,
  relaxOptions: RelaxOptions = {},
): PcIncrementalResult {
  assertTarget(architecture, input, target);
  if (!options.incremental) throw new Error('pcIncrementalStep runs incremental PC: set incremental: true in the options, or call pcTrainingStep.');
  const energies: number[] | null = relaxOptions.recordEnergy ? [] : null;
  const scale = updateScale(options);
  const finalParams = tidy(() => {
    const feedforward = feedforwardSweep(params, architecture, input);
    const keep = new Set<Tensor>([...feedforward, target]);
    const callerParams = new Set<Tensor>(paramTensors(params));
    let current = params;
    let nodes = initialValueNodes(feedforward, target, options);
    let velocities: (Tensor2D | null)[] = nodes.map(() => null);
    for (let t = 0; t < options.inferenceSteps; t++) {
      const step = tidy(() => {
        // the weights moved, so mu_1 = x_0 W_0 + b_0 and the feedback matrices are rebuilt each step
        const firstPrediction = t === 0 ? feedforward[1] : add(matMul(input, current.weights[0]), current.biases[0]);
        const context = inferenceContext(current, architecture, feedforward, target, options, firstPrediction);
        const presynaptic = presynapticActivity(context, nodes);
        const errors = contextErrors(context, nodes, presynaptic);
        if (energies) energies.push(energyValue(context, errors, nodes[nodes.length - 1], presynaptic));
        const gradients = localGradientsFromErrors(presynaptic, errors, options.precisions, scale);
        const moved = valueNodeStep(context, nodes, velocities, presynaptic, errors);
        return { ...moved, params: update(current, gradients, t) };
      });
      disposeReplaced(nodes, step.nodes, keep);
      disposeReplaced(velocities, step.velocities, keep);
      disposeReplaced(paramTensors(current), paramTensors(step.params), callerParams);
      nodes = step.nodes;
      velocities = step.velocities;
      current = step.params;
    }
    if (energies) {
      tidy(() => {
        const context = inferenceContext(current, architecture, feedforward, target, options, add(matMul(input, current.weights[0]), current.biases[0]));
        energies.push(finalEnergy(context, nodes));
      });
    }
    return current;
  });
  return { params: finalParams, energies };
}

/** Plain SGD as a pure update rule: theta - learningRate * gradient (new tensors). */
export function sgdRule(learningRate: number): PcUpdateRule {
  if (!(learningRate > 0)) throw new Error(`learningRate must be positive, got ${learningRate}.`);
  return (params, gradients) =>
    tidy(() => ({
      weights: params.weights.map((w, l) => tf.sub(w, tf.mul(gradients.weights[l], learningRate))),
      biases: params.biases.map((b, l) => tf.sub(b, tf.mul(gradients.biases[l], learningRate))),
    }));
}
