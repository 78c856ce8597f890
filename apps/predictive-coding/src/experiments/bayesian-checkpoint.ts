import type { RandomStreamState, RawTensor } from '@cristal/tensor';
import type { BayesianPcState } from '../bayesian-pc';

const f32 = (data: Float32Array): RawTensor => ({ dtype: 'F32', shape: [data.length], data: Float32Array.from(data) });
const f64 = (data: Float64Array): RawTensor => ({ dtype: 'F64', shape: [data.length], data: Float64Array.from(data) });

/** A BayesianPcTrainer state as checkpoint tensors (flat) plus the small JSON part. */
export function stateToCheckpoint(state: BayesianPcState): { tensors: Record<string, RawTensor>; extra: Record<string, unknown> } {
  const tensors: Record<string, RawTensor> = {};
  state.diagonal.forEach((layer, l) => {
    tensors[`bpc/${l}/mean`] = f32(layer.mean);
    tensors[`bpc/${l}/precision`] = f32(layer.precision);
    tensors[`bpc/${l}/biasMean`] = f32(layer.biasMean);
    tensors[`bpc/${l}/biasPrecision`] = f32(layer.biasPrecision);
  });
  const c = state.conjugate;
  if (c) {
    tensors['bpc/conjugate/precision'] = f64(c.precision);
    tensors['bpc/conjugate/natural'] = f64(c.natural);
    tensors['bpc/conjugate/mean'] = f64(c.mean);
    tensors['bpc/conjugate/cholesky'] = f64(c.cholesky);
  }
  return { tensors, extra: { updates: state.updates, layers: state.diagonal.length, conjugatePending: c ? c.pending : null, langevinSeeds: state.langevinSeeds } };
}

/** The inverse of stateToCheckpoint; a missing tensor means the checkpoint came from another configuration. */
export function stateFromCheckpoint(tensors: Record<string, RawTensor>, extra: Record<string, unknown>): BayesianPcState {
  const take = (key: string): RawTensor => {
    const t = tensors[key];
    if (!t) throw new Error(`The checkpoint has no tensor "${key}": it was written by another configuration of the bayesian experiment; start a new run.`);
    return t;
  };
  const layers = extra['layers'] as number;
  const diagonal = Array.from({ length: layers }, (_, l) => ({
    mean: Float32Array.from(take(`bpc/${l}/mean`).data),
    precision: Float32Array.from(take(`bpc/${l}/precision`).data),
    biasMean: Float32Array.from(take(`bpc/${l}/biasMean`).data),
    biasPrecision: Float32Array.from(take(`bpc/${l}/biasPrecision`).data),
  }));
  const pending = extra['conjugatePending'] as number | null;
  const conjugate =
    pending === null
      ? null
      : {
          precision: Float64Array.from(take('bpc/conjugate/precision').data),
          natural: Float64Array.from(take('bpc/conjugate/natural').data),
          mean: Float64Array.from(take('bpc/conjugate/mean').data),
          cholesky: Float64Array.from(take('bpc/conjugate/cholesky').data),
          pending,
        };
  return { updates: extra['updates'] as number, diagonal, conjugate, langevinSeeds: (extra['langevinSeeds'] as RandomStreamState | null) ?? null };
}
