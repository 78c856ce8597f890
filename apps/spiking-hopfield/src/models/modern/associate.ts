import { tf, matmulLeading, type Tensor } from '@cristal/tensor';
import { assertBeta, assertSteps } from './check-settings';

/**
 * The association at the heart of every modern Hopfield form (Ramsauer et al. 2020):
 *   repeat `updateSteps` times:  q <- softmax(beta q K^T) K     (query updates, in key space)
 *   A = softmax(beta q K^T),     Z = A V                        (read out through the values)
 * Queries are [B, dk] or [B, S, dk]; keys [N, dk] (one memory shared by the batch) or [B, N, dk];
 * values [N, dv] or [B, N, dv], matching the keys. With K = V = X and no query updates, Z is one
 * step of the modern Hopfield update.
 */
// a type alias (not an interface) so that tf.tidy accepts it as a TensorContainer
export type Association = {
  /** Z = A V: [B, dv] or [B, S, dv]. */
  output: Tensor;
  /** A = softmax(beta q K^T) of the last query: [B, N] or [B, S, N], rows sum to 1. */
  attention: Tensor;
  /** The query after its updates (a copy of the input queries when updateSteps = 0). */
  query: Tensor;
};

export interface AssociationInputs {
  queries: Tensor;
  keys: Tensor;
  values: Tensor;
}

const fmt = (t: Tensor) => `[${t.shape.join(', ')}]`;

/** Checks the shapes of an association and says which dimension disagrees. */
export function checkAssociation({ queries, keys, values }: AssociationInputs, fn: string): void {
  if (queries.rank !== 2 && queries.rank !== 3) throw new Error(`${fn}: queries must be [B, dk] or [B, S, dk], got ${fmt(queries)}.`);
  if (keys.rank !== 2 && keys.rank !== 3) throw new Error(`${fn}: keys must be [N, dk] (shared) or [B, N, dk], got ${fmt(keys)}.`);
  if (values.rank !== keys.rank) throw new Error(`${fn}: values ${fmt(values)} must have the keys' rank (keys are ${fmt(keys)}): both shared [N, .] or both batched [B, N, .].`);
  const dk = queries.shape[queries.rank - 1];
  if (keys.shape[keys.rank - 1] !== dk) throw new Error(`${fn}: queries ${fmt(queries)} and keys ${fmt(keys)} must have the same last dimension (dk).`);
  if (keys.shape[keys.rank - 2] !== values.shape[values.rank - 2]) {
    throw new Error(`${fn}: keys ${fmt(keys)} and values ${fmt(values)} must hold the same number of memories N.`);
  }
  if (keys.shape[keys.rank - 2] === 0) throw new Error(`${fn}: the memory is empty (N = 0); store at least one pattern.`);
  if (keys.rank === 3) {
    if (queries.rank !== 3) throw new Error(`${fn}: batched keys ${fmt(keys)} need batched queries [B, S, dk], got ${fmt(queries)}.`);
    if (keys.shape[0] !== queries.shape[0] || values.shape[0] !== queries.shape[0]) {
      throw new Error(`${fn}: queries ${fmt(queries)}, keys ${fmt(keys)} and values ${fmt(values)} must have the same batch size.`);
    }
  }
}

/** beta q K^T for shared [N, dk] or batched [B, N, dk] keys. */
export function associationScores(query: Tensor, keys: Tensor, beta: number): Tensor {
  return tf.tidy(() => {
    const dot = keys.rank === 2 ? (query.rank === 2 ? tf.matMul(query, keys, false, true) : matmulLeading(query, tf.transpose(keys))) : tf.matMul(query, keys, false, true);
    return tf.mul(dot, beta);
  });
}

/** A M for attention A [.., N] and memories M [N, .] or [B, N, .]. */
function readOut(attention: Tensor, memories: Tensor): Tensor {
  return memories.rank === 2 ? matmulLeading(attention, memories) : tf.matMul(attention, memories);
}

export function associate(inputs: AssociationInputs, beta: number, updateSteps = 0): Association {
  checkAssociation(inputs, 'associate');
  assertBeta(beta, 'associate');
  assertSteps(updateSteps, 'associate', 'updateSteps');
  const { keys, values } = inputs;
  return tf.tidy(() => {
    let query = inputs.queries;
    for (let t = 0; t < updateSteps; t++) query = readOut(tf.softmax(associationScores(query, keys, beta)), keys);
    const attention = tf.softmax(associationScores(query, keys, beta));
    // a clone keeps `query` separately disposable when no update ran (it would be the caller's tensor)
    return { output: readOut(attention, values), attention, query: updateSteps === 0 ? tf.clone(query) : query };
  });
}
