import { tf, type NamedTensorMap, type Tensor, type Variable } from '@cristal/tensor';
import { disposeFisherTerms, fisherTerms, type FisherTermOptions, type OutputLikelihood } from './output-likelihood';

export interface FisherOptions extends FisherTermOptions {
  likelihood: OutputLikelihood;
}

/**
 * Diagonal Fisher information of any model, per variable (the generic, slow path: one backward pass
 * per example and label term):
 *
 *   F_jj = (1/N) sum_i E_y[ (d log p(y | x_i, theta) / d theta_j)^2 ]
 *
 * with the expectation over y replaced by the observed label (empirical Fisher), written out exactly
 * over the labels (true Fisher) or sampled from the model (Monte-Carlo true Fisher): see
 * `FisherLabels` and `fisherTerms`. Per-example gradients need per-example backward passes in TF.js;
 * for stacks of dense layers `denseFisherDiagonal` gets all of them from one pass per label term.
 *
 * `model(x)` maps a batch [N, ...] to outputs (see `OutputLikelihood`) and must treat examples
 * independently (no batch statistics). Returns float32 tensors shaped like the variables, keyed by
 * variable name; variables the outputs do not depend on get zeros. Squares accumulate in float64.
 */
export function fisherDiagonal(model: (x: Tensor) => Tensor, variables: Variable[], x: Tensor, targets: Tensor, options: FisherOptions): NamedTensorMap {
  const n = x.shape[0];
  if (!(n > 0)) throw new Error('fisherDiagonal: the batch is empty.');
  if (targets.shape[0] !== n) throw new Error(`fisherDiagonal: ${n} inputs and ${targets.shape[0]} targets.`);
  const sums = variables.map((v) => new Float64Array(v.size));
  const outputs = tf.tidy(() => model(x));
  const terms = fisherTerms(options.likelihood, outputs, targets, options);
  outputs.dispose();
  try {
    const weights = terms.map((t) => (t.weights ? t.weights.dataSync() : null));
    for (let i = 0; i < n; i++) {
      const xi = tf.slice(x, i, 1);
      try {
        terms.forEach((term, k) => {
          const w = term.scale * (weights[k] ? weights[k][i] : 1);
          if (w === 0) return;
          const ti = term.targets ? tf.slice(term.targets, i, 1) : null;
          const { value, grads } = tf.variableGrads(() => tf.sum(term.phi(model(xi), ti)), variables);
          variables.forEach((v, j) => {
            const g = grads[v.name];
            if (!g) return;
            const values = g.dataSync();
            const sum = sums[j];
            for (let e = 0; e < values.length; e++) sum[e] += w * values[e] * values[e];
          });
          tf.dispose([value, ...Object.values(grads), ...(ti ? [ti] : [])]);
        });
      } finally {
        xi.dispose();
      }
    }
  } finally {
    disposeFisherTerms(terms);
  }
  const result: NamedTensorMap = {};
  variables.forEach((v, j) => {
    result[v.name] = tf.tensor(Float32Array.from(sums[j], (s) => s / n), v.shape, 'float32');
  });
  return result;
}
