import { type RandomStream, type Tensor, type Variable } from '@cristal/tensor';
import type { Model } from '../models/sequential';
import { ensemblePredictive, type PredictiveSamples } from '../predictive/predictive-samples';

export interface DeepEnsembleOptions<M extends Model> {
  /** K, the number of members. */
  size: number;
  /** Builds member k, drawing its initial weights from `init` only. */
  create: (init: RandomStream, index: number) => M;
  /** The ensemble's stream; member k's streams are forks `member-k/<purpose>` of it. */
  rng: RandomStream;
}

/**
 * A deep ensemble (Lakshminarayanan et al. 2017): K networks, each initialised from its own forked
 * stream (`member-k/init`) and trained independently (own data order: `streamOf(k, 'data')`), whose
 * predictive distributions are averaged:
 *   p(y | x) = (1/K) sum_k softmax(f_k(x))
 * Non-variational: diversity comes only from initialisation and data order.
 */
export class DeepEnsemble<M extends Model> {
  readonly size: number;
  readonly members: M[];
  private readonly rng: RandomStream;

  constructor(options: DeepEnsembleOptions<M>) {
    const { size, create, rng } = options;
    if (!Number.isInteger(size) || size < 1) throw new Error(`DeepEnsemble: size must be a positive integer, got ${size}.`);
    this.size = size;
    this.rng = rng;
    this.members = Array.from({ length: size }, (_, k) => create(this.streamOf(k, 'init'), k));
  }

  /** Member k's stream for a purpose ('init', 'data', 'noise', ...), independent of every other member's. */
  streamOf(index: number, purpose: string): RandomStream {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new Error(`DeepEnsemble: no member ${index} (size ${this.size}).`);
    return this.rng.fork(`member-${index}`).fork(purpose);
  }

  /** Each member's probabilities [K, N, C] (their mean passes) and the ensemble's mean [N, C]. */
  predict(x: Tensor): PredictiveSamples {
    return ensemblePredictive(this.members, x, this.rng.fork('predict'));
  }

  variables(): Variable[] {
    return this.members.flatMap((m) => m.variables());
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}
