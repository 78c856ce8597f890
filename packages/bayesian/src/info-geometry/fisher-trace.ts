import { tf, type Tensor } from '@cristal/tensor';

export interface FisherTraces {
  perLayer: Record<string, number>;
  total: number;
}

/**
 * Trace of the (diagonal) Fisher per layer and in total: tr F_l = sum_j F_jj over the layer's
 * parameters. The trace is the expected squared norm of the score, E||grad log p||^2, a scalar
 * measure of how much information the data carry about each layer's weights (Achille, Rovere and
 * Soatto 2019, "Critical learning periods in deep networks", use it to track information in the
 * weights). Accepts `fisherDiagonal`'s output (one entry per variable) or `denseFisherDiagonal`'s
 * (kernel and bias per layer, summed together); `groups` optionally gathers variables into layers.
 */
export function fisherTrace(diagonal: Record<string, Tensor | Record<string, Tensor | undefined>>, groups?: Record<string, string[]>): FisherTraces {
  const entryTrace = (value: Tensor | Record<string, Tensor | undefined>): number => {
    const tensors = value instanceof tf.Tensor ? [value] : Object.values(value).filter((t): t is Tensor => t !== undefined);
    return tensors.reduce((acc, t) => {
      const sum = tf.sum(t);
      const value = sum.dataSync()[0];
      sum.dispose();
      return acc + value;
    }, 0);
  };
  const traces: Record<string, number> = {};
  for (const [name, value] of Object.entries(diagonal)) traces[name] = entryTrace(value);
  let perLayer = traces;
  if (groups) {
    perLayer = {};
    const used = new Set<string>();
    for (const [layer, members] of Object.entries(groups)) {
      perLayer[layer] = members.reduce((acc, m) => {
        if (!(m in traces)) throw new Error(`fisherTrace: group "${layer}" names "${m}", which has no Fisher diagonal.`);
        if (used.has(m)) throw new Error(`fisherTrace: "${m}" is in two groups.`);
        used.add(m);
        return acc + traces[m];
      }, 0);
    }
  }
  const total = Object.values(traces).reduce((a, b) => a + b, 0);
  return { perLayer, total };
}
