import { tf, type Tensor, type Tensor2D } from '@cristal/tensor';
import { assertQueries, type PatternMemory } from './pattern-memory';

export interface DenseRetrieval {
  /** softmax(beta xi X^T) [B, N]: the attention weights of one update. */
  probabilities: Tensor2D;
  /** xi_new = softmax(beta xi X^T) X [B, d] (Ramsauer et al. 2020, one step). */
  retrieved: Tensor2D;
}

export function checkBeta(beta: number): void {
  if (!(beta > 0 && Number.isFinite(beta))) throw new Error(`beta (inverse temperature) must be a positive finite number, got ${beta}.`);
}

/**
 * One dense modern Hopfield update for a batch of queries [B, d]: the reference every spiking
 * readout is compared with. beta scales the queries (B d multiplies) rather than the scores (B N).
 */
export function denseRetrieval(memory: PatternMemory, queries: Tensor, beta: number): DenseRetrieval {
  assertQueries(memory, queries);
  checkBeta(beta);
  return tf.tidy(() => {
    const probabilities = tf.softmax(tf.matMul(tf.mul(queries, beta) as Tensor2D, memory.patternsT)) as Tensor2D;
    return { probabilities, retrieved: tf.matMul(probabilities, memory.patterns) as Tensor2D };
  });
}

/** Multiply-accumulates of one dense update per query: N d for X xi and N d for the readout. */
export function denseMacsPerQuery(size: number, dim: number): number {
  return 2 * size * dim;
}
