import { tf, type Scalar, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { weightLayerCount, type PcArchitecture } from './architecture';
import { fixedPredictionErrors, type PredictionErrors } from './energy';
import { categoricalError } from './categorical-output';
import { activate, add, matMul, mul, sub } from './native-ops';
import type { PcGradients, PcParams } from './params';
import { updateScale, type PcOptions } from './pc-options';
import type { PcRelaxation } from './inference';
import { tidy } from './tidy';

/**
 * The local learning rules, written out (no automatic differentiation): each weight's update uses
 * only its presynaptic activity and its postsynaptic prediction error,
 *   dF̄/dW_l = -(s / B) f(x_l)^T (pi_{l+1} eps_{l+1}),   dF̄/db_l = -(s / B) sum_batch pi_{l+1} eps_{l+1}
 * the gradients of the batch-mean energy F̄ = F / B (descend them: W_l -= lr dF̄/dW_l is
 * torch_pc.py's W += lr f(x)^T eps / B). s = 1, or 1/gamma for a rescaled nudged target.
 * `presynaptic[l]` is f_l(x_l) (the input itself for l = 0) and `errors[l]` is eps_{l+1}.
 */
export function localGradientsFromErrors(presynaptic: readonly Tensor2D[], errors: PredictionErrors, precisions: readonly number[], scale = 1): PcGradients {
  if (presynaptic.length !== errors.length || errors.length !== precisions.length) {
    throw new Error(`localGradientsFromErrors: ${presynaptic.length} presynaptic tensors, ${errors.length} error tensors and ${precisions.length} precisions must agree (one per weight layer).`);
  }
  return tidy(() => {
    const weights: Tensor2D[] = [];
    const biases: Tensor1D[] = [];
    errors.forEach((e, l) => {
      const batch = e.shape[0];
      const factor = tf.scalar((-scale * precisions[l]) / batch) as Scalar;
      weights.push(mul(matMul(presynaptic[l], e, true, false), factor));
      biases.push(mul(tf.sum(e, 0) as Tensor1D, factor));
    });
    return { weights, biases };
  });
}

/**
 * Local gradients at the end of inference (weights unchanged since the feedforward sweep, i.e. not
 * incremental PC). Standard PC evaluates the errors and f(x_l) at the relaxed value nodes, with
 * mu_1 = x̄_1 (the input is clamped, so the first prediction is the sweep's); under fixed
 * predictions the errors are x_{l+1} - x̄_{l+1} and the presynaptic activity is the feedforward
 * f(x̄_l), the quantities the predictions were fixed at.
 */
export function localGradients(params: PcParams, architecture: PcArchitecture, relaxation: Pick<PcRelaxation, 'valueNodes' | 'feedforward'>, options: PcOptions): PcGradients {
  return tidy(() => {
    const fixed = options.predictions === 'fixed';
    const nodes = fixed ? relaxation.feedforward : relaxation.valueNodes;
    const presynaptic = Array.from({ length: weightLayerCount(architecture) }, (_, l) => (l === 0 ? nodes[0] : activate(architecture.activation, nodes[l])));
    const errors = fixed ? fixedPredictionErrors(relaxation.valueNodes, relaxation.feedforward, options.output) : relaxedErrors(params, relaxation, presynaptic, options);
    return localGradientsFromErrors(presynaptic, errors, options.precisions, updateScale(options));
  });
}

/**
 * errors[l] = x_{l+1} - (f(x_l) W_l + b_l) at the relaxed nodes, errors[0] against the sweep's mu_1
 * (native ops); a categorical output's error is y - softmax(mu_L).
 */
function relaxedErrors(params: PcParams, relaxation: Pick<PcRelaxation, 'valueNodes' | 'feedforward'>, presynaptic: readonly Tensor2D[], options: PcOptions): PredictionErrors {
  const x = relaxation.valueNodes;
  const L = presynaptic.length;
  return presynaptic.map((a, l) => {
    if (l === L - 1 && options.output === 'categorical') return categoricalError(x[L], l === 0 ? relaxation.feedforward[1] : add(matMul(a, params.weights[l]), params.biases[l]));
    return l === 0 ? sub(x[1], relaxation.feedforward[1]) : sub(sub(x[l + 1], params.biases[l]), matMul(a, params.weights[l]));
  });
}
