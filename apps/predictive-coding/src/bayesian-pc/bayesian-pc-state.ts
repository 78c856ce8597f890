import { tf, type RandomStreamState, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from '../pc/architecture';
import type { ConjugateBelief } from './conjugate-last-layer';
import type { WeightBeliefs } from './weight-beliefs';

/** A BayesianPcTrainer's state as typed arrays (for checkpoints); shapes follow from the architecture. */
export interface BayesianPcState {
  readonly updates: number;
  readonly diagonal: readonly { mean: Float32Array; precision: Float32Array; biasMean: Float32Array; biasPrecision: Float32Array }[];
  readonly conjugate: { precision: Float64Array; natural: Float64Array; mean: Float64Array; cholesky: Float64Array; pending: number } | null;
  /** Position of the stream the Langevin noise seeds are drawn from (null for deterministic inference). */
  readonly langevinSeeds: RandomStreamState | null;
}

export function readBeliefs(beliefs: WeightBeliefs): Pick<BayesianPcState, 'diagonal' | 'conjugate'> {
  const copy = (t: Tensor1D | Tensor2D) => Float32Array.from(t.dataSync() as Float32Array);
  const c = beliefs.conjugate;
  return {
    diagonal: beliefs.diagonal.map((b) => ({ mean: copy(b.mean), precision: copy(b.precision), biasMean: copy(b.biasMean), biasPrecision: copy(b.biasPrecision) })),
    conjugate: c ? { precision: Float64Array.from(c.precision), natural: Float64Array.from(c.natural), mean: Float64Array.from(c.mean), cholesky: Float64Array.from(c.cholesky), pending: c.pending } : null,
  };
}

/** Rebuilds beliefs from a state, checking every size against the architecture (new tensors). */
export function beliefsFromState(state: Pick<BayesianPcState, 'diagonal' | 'conjugate'>, architecture: PcArchitecture, template: WeightBeliefs): WeightBeliefs {
  const { sizes } = architecture;
  const problem = (what: string, got: number, expected: number) =>
    new Error(`The Bayesian PC state does not fit the architecture [${sizes.join(', ')}]: ${what} has ${got} entries, expected ${expected}; restore a state saved by a trainer with the same architecture and lastLayer.`);
  if ((state.conjugate === null) !== (template.conjugate === null)) {
    throw new Error(`The Bayesian PC state ${state.conjugate ? 'has' : 'lacks'} a conjugate last layer but this trainer ${template.conjugate ? 'has' : 'lacks'} one: use the same lastLayer option.`);
  }
  if (state.diagonal.length !== template.diagonal.length) throw problem('the list of diagonal layers', state.diagonal.length, template.diagonal.length);
  const diagonal = state.diagonal.map((layer, l) => {
    const [rows, columns] = [sizes[l], sizes[l + 1]];
    for (const key of ['mean', 'precision'] as const) if (layer[key].length !== rows * columns) throw problem(`layer ${l} ${key}`, layer[key].length, rows * columns);
    for (const key of ['biasMean', 'biasPrecision'] as const) if (layer[key].length !== columns) throw problem(`layer ${l} ${key}`, layer[key].length, columns);
    return {
      mean: tf.tensor2d(layer.mean, [rows, columns]),
      precision: tf.tensor2d(layer.precision, [rows, columns]),
      biasMean: tf.tensor1d(layer.biasMean),
      biasPrecision: tf.tensor1d(layer.biasPrecision),
    };
  });
  let conjugate: ConjugateBelief | null = null;
  if (state.conjugate && template.conjugate) {
    const t = template.conjugate;
    const c = state.conjugate;
    if (c.precision.length !== t.precision.length) throw problem('the conjugate precision', c.precision.length, t.precision.length);
    if (c.cholesky.length !== t.cholesky.length) throw problem('the conjugate Cholesky factor', c.cholesky.length, t.cholesky.length);
    if (c.natural.length !== t.natural.length) throw problem('the conjugate natural mean', c.natural.length, t.natural.length);
    if (c.mean.length !== t.mean.length) throw problem('the conjugate mean', c.mean.length, t.mean.length);
    conjugate = { ...t, precision: Float64Array.from(c.precision), natural: Float64Array.from(c.natural), mean: Float64Array.from(c.mean), cholesky: Float64Array.from(c.cholesky), pending: c.pending };
  }
  return { diagonal, conjugate };
}
