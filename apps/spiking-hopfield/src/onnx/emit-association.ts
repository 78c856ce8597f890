import type { GraphBuilder, Value } from '@cristal/onnx';

export interface EmittedAssociation {
  /** Z = A V */
  output: Value;
  /** A = softmax(beta q K^T) of the last query */
  attention: Value;
}

/**
 * Emits `associate` of models/modern/associate.ts into `g`, op for op in the same order as the TF.js
 * code (scores = (q K^T) * beta, softmax on the last axis, then A K or A V), so the two agree to
 * float32 rounding. Keys and values are [N, .] or [B, N, .]; `query` may be [1, dk] against batched
 * keys (MatMul broadcasts it over the batch, as the TF.js side tiles it). Nodes are scoped
 * `update1`, `update2`, ... for the query updates and `readout` for the last attention, and named
 * `scores`, `scaled_scores`, `attention`, then `query` (an update) or `output` (the read-out).
 */
export function emitAssociation(g: GraphBuilder, query: Value, keys: Value, values: Value, settings: { beta: number; updateSteps: number }): EmittedAssociation {
  const rank = keys.shape.length;
  const perm = rank === 2 ? [1, 0] : [0, 2, 1];
  const keysT = g.transpose(keys, perm, 'keys_transposed');
  const beta = g.initializer('beta', new Float32Array([settings.beta]), []);
  const attend = (q: Value) => g.softmax(g.mul(g.matMul(q, keysT, 'scores'), beta, 'scaled_scores'), -1, 'attention');
  let q = query;
  for (let t = 1; t <= settings.updateSteps; t++) q = g.scope(`update${t}`, () => g.matMul(attend(q), keys, 'query'));
  return g.scope('readout', () => {
    const attention = attend(q);
    return { attention, output: g.matMul(attention, values, 'output') };
  });
}
