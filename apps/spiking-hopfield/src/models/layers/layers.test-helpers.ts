import { tf, type Scalar, type Tensor, type Variable } from '@cristal/tensor';

/**
 * Gradients of `loss` with respect to every variable: one entry per variable, each with its L2
 * norm. A loss that does not reach a variable makes tf.variableGrads throw or give zeros; the caller
 * asserts every norm is > 0.
 */
export function gradientNorms(variables: Variable[], loss: () => Scalar): Record<string, number> {
  const { value, grads } = tf.variableGrads(loss, variables);
  const norms: Record<string, number> = {};
  for (const v of variables) {
    const g = grads[v.name];
    norms[v.name] = g ? tf.tidy(() => tf.norm(g).dataSync()[0]) : 0;
  }
  tf.dispose([value, ...Object.values(grads)]);
  return norms;
}

/** A loss that depends on every output element unevenly (a plain sum of softmax outputs is constant). */
export function weightedSum(t: Tensor, seed = 1): Scalar {
  return tf.tidy(() => {
    const weights = tf.tensor(Array.from({ length: t.size }, (_, i) => Math.sin(seed + 1.7 * i)), t.shape);
    return tf.sum(tf.mul(t, weights)) as Scalar;
  });
}
