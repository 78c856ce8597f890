import { tf, type Scalar, type Tensor2D } from '@cristal/tensor';
import { weightLayerCount, type PcArchitecture } from './architecture';
import { hiddenActivation } from './feedforward';
import type { PcParams } from './params';
import { categoricalEnergy, categoricalError } from './categorical-output';
import type { PcOptions, PcOutput } from './pc-options';

/**
 * Prediction errors, indexed like the weights: errors[l] = x_{l+1} - mu_{l+1}, the error of the
 * prediction layer l makes through W_l (torch_pc.py's eps[l]); errors.length = L.
 */
export type PredictionErrors = Tensor2D[];

/**
 * Standard PC errors: errors[l] = x_{l+1} - (f_l(x_l) W_l + b_l), predictions from the current value
 * nodes; for a categorical output the last one is y - softmax(mu_L) (y = x_L, the clamped target).
 */
export function predictionErrors(params: PcParams, architecture: PcArchitecture, valueNodes: readonly Tensor2D[], output: PcOutput = 'squared-error'): PredictionErrors {
  const L = weightLayerCount(architecture);
  return tf.tidy(() =>
    Array.from({ length: L }, (_, l) => {
      const presynaptic = l === 0 ? valueNodes[0] : hiddenActivation(architecture.activation, valueNodes[l]);
      const prediction = tf.add(tf.matMul(presynaptic, params.weights[l]), params.biases[l]) as Tensor2D;
      return l === L - 1 && output === 'categorical' ? categoricalError(valueNodes[l + 1], prediction) : tf.sub(valueNodes[l + 1], prediction);
    }),
  );
}

/**
 * Errors under the fixed prediction assumption: errors[l] = x_{l+1} - x̄_{l+1}, predictions held at
 * the feedforward sweep; for a categorical output the last one is y - softmax(x̄_L).
 */
export function fixedPredictionErrors(valueNodes: readonly Tensor2D[], feedforward: readonly Tensor2D[], output: PcOutput = 'squared-error'): PredictionErrors {
  const L = valueNodes.length - 1;
  return tf.tidy(() => valueNodes.slice(1).map((x, l) => (l === L - 1 && output === 'categorical' ? categoricalError(x, feedforward[l + 1]) : tf.sub(x, feedforward[l + 1]))));
}

/**
 * F = sum_l (pi_{l+1} / 2) ||errors[l]||^2 (+ (gamma / 2) ||y - x_L||^2 for a nudged target),
 * summed over units and over the batch. The value-node dynamics descend it sample by sample; the
 * weight updates are the gradients of F / B (the batch mean), as in torch_pc.py. For a categorical
 * output the last term is pi_L times the cross-entropy of the output logits (pass them: the error
 * y - softmax(mu_L) does not determine it).
 */
export function energyFromErrors(
  errors: readonly Tensor2D[],
  options: PcOptions,
  nudge?: { target: Tensor2D; output: Tensor2D },
  categorical?: { target: Tensor2D; logits: Tensor2D },
): Scalar {
  return tf.tidy(() => {
    const L = errors.length;
    const terms = errors.map((e, l) => {
      if (l < L - 1 || options.output !== 'categorical') return tf.mul(tf.sum(tf.square(e)), options.precisions[l] / 2);
      if (!categorical) throw new Error('A categorical output energy is the cross-entropy of the output logits: pass { target, logits } (the error y - softmax(mu_L) does not determine it).');
      return tf.mul(categoricalEnergy(categorical.target, categorical.logits), options.precisions[l]);
    });
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
    const L = weightLayerCount(architecture);
    const fixed = options.predictions === 'fixed';
    if (fixed) {
      if (!state.feedforward) throw new Error('Fixed-prediction energy needs the feedforward sweep (state.feedforward) that fixed the predictions.');
      errors = fixedPredictionErrors(state.valueNodes, state.feedforward, options.output);
    } else errors = predictionErrors(params, architecture, state.valueNodes, options.output);
    let categorical: { target: Tensor2D; logits: Tensor2D } | undefined;
    if (options.output === 'categorical') {
      const presynaptic = L === 1 ? state.valueNodes[0] : hiddenActivation(architecture.activation, state.valueNodes[L - 1]);
      const logits = fixed ? (state.feedforward as readonly Tensor2D[])[L] : (tf.add(tf.matMul(presynaptic, params.weights[L - 1]), params.biases[L - 1]) as Tensor2D);
      categorical = { target: state.target, logits };
    }
    return energyFromErrors(errors, options, { target: state.target, output: state.valueNodes[L] }, categorical);
  });
}
