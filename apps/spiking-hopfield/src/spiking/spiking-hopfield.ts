import type { Tensor } from '@cristal/tensor';
import { denseRetrieval, type DenseRetrieval } from './dense-retrieval';
import { disposePatternMemory, patternMemory, type PatternMemory } from './pattern-memory';
import { spikingRetrieval, type SpikingRetrievalOptions, type SpikingRetrievalResult } from './spiking-retrieval';

/**
 * A spiking modern Hopfield memory: owns a copy of the stored patterns and default retrieval
 * options (with their random stream, which advances with every call). A thin shell over
 * `spikingRetrieval` and `denseRetrieval`; call `dispose()` to free the patterns.
 */
export class SpikingHopfield {
  readonly memory: PatternMemory;
  readonly options: SpikingRetrievalOptions;
  private disposed = false;

  /** `patterns` [N, d], one stored pattern per row (copied). */
  constructor(patterns: Tensor, options: SpikingRetrievalOptions) {
    this.memory = patternMemory(patterns);
    this.options = { ...options };
  }

  /** Spiking retrieval of queries [B, d]; `overrides` replace options for this call only. The result's tensors belong to the caller. */
  retrieve(queries: Tensor, overrides: Partial<SpikingRetrievalOptions> = {}): SpikingRetrievalResult {
    this.assertAlive();
    return spikingRetrieval(this.memory, queries, { ...this.options, ...overrides });
  }

  /** The dense update softmax(beta xi X^T) X with the same beta, for comparison. */
  dense(queries: Tensor, beta = this.options.beta): DenseRetrieval {
    this.assertAlive();
    return denseRetrieval(this.memory, queries, beta);
  }

  dispose(): void {
    if (this.disposed) return;
    disposePatternMemory(this.memory);
    this.disposed = true;
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('This SpikingHopfield was disposed; create a new one.');
  }
}
