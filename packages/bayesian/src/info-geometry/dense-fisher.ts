import { tf, type Tensor } from '@cristal/tensor';
import { disposeFisherTerms, fisherTerms } from './output-likelihood';
import type { FisherOptions } from './fisher-diagonal';

/** One dense layer: z = a W + b, then `activation(z)` (identity when omitted) feeds the next layer. */
export interface DenseLayer {
  name: string;
  /** [in, out] */
  kernel: Tensor;
  /** [out] */
  bias?: Tensor;
  activation?: (z: Tensor) => Tensor;
}

// A type alias, not an interface, so that results pass to tf.dispose as a TensorContainer.
export type DenseFisher = {
  kernel: Tensor;
  bias?: Tensor;
};

/** Outputs of a dense stack for a batch x [N, in]. */
export function denseForward(layers: DenseLayer[], x: Tensor): Tensor {
  return tf.tidy(() => forward(layers, x, null).outputs);
}

function forward(layers: DenseLayer[], x: Tensor, probes: Tensor[] | null): { outputs: Tensor; inputs: Tensor[] } {
  const inputs: Tensor[] = [];
  let a = x;
  layers.forEach((layer, l) => {
    inputs.push(a);
    let z = tf.matMul(a, layer.kernel);
    if (layer.bias) z = tf.add(z, layer.bias);
    // A zero probe added to z: d(sum_i phi_i) / d probe = d phi_i / d z_i row by row.
    if (probes) z = tf.add(z, probes[l]);
    a = layer.activation ? layer.activation(z) : z;
  });
  return { outputs: a, inputs };
}

/**
 * Diagonal Fisher of a stack of dense layers from one backward pass per label term (the fast path of
 * `fisherDiagonal`, same definition and options). For z_i = a_i W + b, the per-example gradient of
 * phi_i with respect to W is the outer product a_i delta_i^T, delta_i = d phi_i / d z_i, so
 *
 *   F_W = (1/N) sum_i w_i (a_i^2) (delta_i^2)^T = (A^2)^T diag(w) Delta^2 / N,   F_b = (1/N) sum_i w_i delta_i^2,
 *
 * a single matmul per layer (the trick of Goodfellow 2015, "Efficient per-example gradient
 * computations"; also used by BackPACK, Dangel, Kunstner and Hennig 2020). Because example i's loss
 * depends on z_i only, the gradient of the batch sum with respect to Z gives every delta_i at once.
 * Returns, per layer name, float32 tensors shaped like the kernel and bias.
 */
export function denseFisherDiagonal(layers: DenseLayer[], x: Tensor, targets: Tensor, options: FisherOptions): Record<string, DenseFisher> {
  if (layers.length === 0) throw new Error('denseFisherDiagonal: no layers.');
  const names = new Set(layers.map((l) => l.name));
  if (names.size !== layers.length) throw new Error('denseFisherDiagonal: layer names must be unique.');
  const n = x.shape[0];
  if (targets.shape[0] !== n) throw new Error(`denseFisherDiagonal: ${n} inputs and ${targets.shape[0]} targets.`);
  const outputs = denseForward(layers, x);
  const terms = fisherTerms(options.likelihood, outputs, targets, options);
  outputs.dispose();
  const widths = layers.map((l) => l.kernel.shape[1] as number);
  const probes = widths.map((width) => tf.zeros([n, width]));
  const squaredInputs = tf.tidy(() => forward(layers, x, null).inputs.map((a) => tf.square(a)));
  let kernels = layers.map((l) => tf.zeros(l.kernel.shape));
  let biases = widths.map((width) => tf.zeros([width]));
  try {
    for (const term of terms) {
      const [nextKernels, nextBiases] = tf.tidy(() => {
        const deltas = tf.grads((...e: Tensor[]) => tf.sum(term.phi(forward(layers, x, e).outputs, term.targets)))(probes);
        const squared = deltas.map((d) => {
          const d2 = tf.square(d);
          return term.weights ? tf.mul(d2, tf.reshape(term.weights, [n, 1])) : d2;
        });
        const c = term.scale / n;
        return [
          squared.map((d2, l) => tf.add(kernels[l], tf.mul(tf.matMul(squaredInputs[l], d2, true, false), c))),
          squared.map((d2, l) => tf.add(biases[l], tf.mul(tf.sum(d2, 0), c))),
        ];
      });
      tf.dispose([...kernels, ...biases]);
      kernels = nextKernels;
      biases = nextBiases;
    }
  } catch (error) {
    tf.dispose([...kernels, ...biases]);
    throw error;
  } finally {
    disposeFisherTerms(terms);
    tf.dispose([...probes, ...squaredInputs]);
  }
  const result: Record<string, DenseFisher> = {};
  layers.forEach((layer, l) => {
    if (layer.bias) result[layer.name] = { kernel: kernels[l], bias: biases[l] };
    else {
      result[layer.name] = { kernel: kernels[l] };
      biases[l].dispose();
    }
  });
  return result;
}
