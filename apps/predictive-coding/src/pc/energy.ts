import { tf, type Scalar, type Tensor2D } from '@cristal/tensor';
import { weightLayerCount, type PcArchitecture } from './architecture';
import { hiddenActivation } from './feedforward';
import type { PcParams } from './params';
import type { PcOptions } from './pc-options';

/**
 * Prediction errors, indexed like the weights: errors[l] = x_{l+1} - mu_{l+1}, the error of the
 * prediction layer l makes through W_l (torch_pc.py's eps[l]); errors.length = L.
 */
export type PredictionErrors = Tensor2D[];

/** Standard PC errors: errors[l] = x_{l+1} - (f_l(x_l) W_l + b_l), predictions from the current value nodes. */
export function predictionErrors(params: PcParams, architecture: PcArchitecture, valueNodes: readonly Tensor2D[]): PredictionErrors {
  return tf.tidy(() =>
    Array.from({ length: weightLayerCount(architecture) }, (_, l) => {
      const presynaptic = l === 0 ? valueNodes[0] : hiddenActivation(architecture.activation, valueNodes[l]);
      return tf.sub(valueNodes[l + 1], tf.add(tf.matMul(presynaptic, params.weights[l]), params.biases[l]));
    }),
  );
}

/** Errors under the fixed prediction assumption: errors[l] = x_{l+1} - x̄_{l+1}, predictions held at the feedforward sweep. */
export function fixedPredictionErrors(valueNodes: readonly Tensor2D[], feedforward: readonly Tensor2D[]): PredictionErrors {
  return tf.tidy(() => valueNodes.slice(1).map((x, l) => tf.sub(x, feedforward[l + 1])));
}

/**
 * F = sum_l (pi_{l+1} / 2) ||errors[l]||^2 (+ (gamma / 2) ||y - x_L||^2 for a nudged target),
 * summed over units and over the batch. The value-node dynamics descend it sample by sample; the
 * weight updates are the gradients of F / B (the batch mean), as in torch_pc.py.
 */
export function energyFromErrors(errors: readonly Tensor2D[], options: PcOptions, nudge?: { target: Tensor2D; output: Tensor2D }): Scalar {
  return tf.tidy(() => {
    const terms = errors.map((e, l) => tf.mul(tf.sum(tf.square(e)), options.precisions[l] / 2));
    if (options.target.kind === 'nudged') {
      if (!nudge) throw new Error('A nudged target adds (gamma / 2) ||y - x_L||^2 to the energy: pass the target and the output value nodes.');
      terms.push(tf.mul(tf.sum(tf.square(tf.sub(nudge.target, nudge.output))), options.target.precision / 2));
    }
    return tf.addN(terms) as Scalar;
  });
}

/** The energy of a state of the network (see energyFromErrors); `feedforward` is needed for fixed predictions. */
export function pcEnergy(
  params: PcParams,
  architecture: PcArchitecture,
  state: { valueNodes: readonly Tensor2D[]; feedforward?: readonly Tensor2D[]; target: Tensor2D },
  options: PcOptions,
): Scalar {
  return tf.tidy(() => {
    let errors: PredictionErrors;
    if (options.predictions === 'fixed') {
      if (!state.feedforward) throw new Error('Fixed-prediction energy needs the feedforward sweep (state.feedforward) that fixed the predictions.');
      errors = fixedPredictionErrors(state.valueNodes, state.feedforward);
    } else errors = predictionErrors(params, architecture, state.valueNodes);
    return energyFromErrors(errors, options, { target: state.target, output: state.valueNodes[state.valueNodes.length - 1] });
  });
}
