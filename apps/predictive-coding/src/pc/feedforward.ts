import { tf, type Tensor2D } from '@cristal/tensor';
import { weightLayerCount, type PcArchitecture, type PcActivation } from './architecture';
import type { PcParams } from './params';

/**
 * The feedforward sweep x̄_0 = x, x̄_{l+1} = f_l(x̄_l) W_l + b_l (f_0 = identity): PC's value-node
 * initialisation, its test-time prediction (x̄_L), and the forward pass of the backprop twin.
 * Plain differentiable tf.* ops, so the twin can take tf.grads through it; PC never does.
 */
export function feedforwardSweep(params: PcParams, architecture: PcArchitecture, input: Tensor2D): Tensor2D[] {
  assertInput(architecture, input);
  return tf.tidy(() => {
    const nodes: Tensor2D[] = [input];
    for (let l = 0; l < weightLayerCount(architecture); l++) {
      const presynaptic = l === 0 ? input : hiddenActivation(architecture.activation, nodes[l]);
      nodes.push(tf.add(tf.matMul(presynaptic, params.weights[l]), params.biases[l]));
    }
    return nodes;
  });
}

/** The network's prediction x̄_L for a batch of inputs (test time: no inference, output free). */
export function predict(params: PcParams, architecture: PcArchitecture, input: Tensor2D): Tensor2D {
  return tf.tidy(() => {
    const nodes = feedforwardSweep(params, architecture, input);
    return nodes[nodes.length - 1];
  });
}

/**
 * Class probabilities softmax(x̄_L) of the feedforward sweep. For a categorical output x̄_L are the
 * logits it was trained on; for a squared-error output this merely maps its scores to the simplex
 * (a one-hot regression target does not make softmax(x̄_L) calibrated).
 */
export function outputProbabilities(params: PcParams, architecture: PcArchitecture, input: Tensor2D): Tensor2D {
  return tf.tidy(() => tf.softmax(predict(params, architecture, input)));
}

/** f(x) with tf.* ops (differentiable). */
export function hiddenActivation(kind: PcActivation, x: Tensor2D): Tensor2D {
  if (kind === 'tanh') return tf.tanh(x);
  if (kind === 'sigmoid') return tf.sigmoid(x);
  if (kind === 'relu') return tf.relu(x);
  return x;
}

export function assertInput(architecture: PcArchitecture, input: Tensor2D): void {
  const n0 = architecture.sizes[0];
  if (input.rank !== 2 || input.shape[1] !== n0) {
    throw new Error(`The input must have shape [batch, ${n0}], got [${input.shape.join(', ')}]: flatten samples to rows of ${n0} features.`);
  }
  if (input.dtype !== 'float32') throw new Error(`The input must be float32, got ${input.dtype}: cast it with tf.cast(x, 'float32').`);
}

/** Throws unless the input is valid and y is a float32 [batch, n_L] target matching its batch. */
export function assertTarget(architecture: PcArchitecture, input: Tensor2D, target: Tensor2D): void {
  assertInput(architecture, input);
  const nL = architecture.sizes[architecture.sizes.length - 1];
  if (target.rank !== 2 || target.shape[1] !== nL || target.shape[0] !== input.shape[0]) {
    throw new Error(
      `The target must have shape [${input.shape[0]}, ${nL}] (one row per input sample, one column per output unit), got [${target.shape.join(', ')}]: ` +
        'one-hot encode class labels with oneHot from @cristal/tensor.',
    );
  }
  if (target.dtype !== 'float32') throw new Error(`The target must be float32, got ${target.dtype}: cast it with tf.cast(y, 'float32').`);
}
