import { tf, assertFinite, type Tensor, type Tensor2D } from '@cristal/tensor';

/**
 * The stored patterns x_1..x_N of a modern Hopfield network as rows of X [N, d], plus X^T [d, N].
 * Keeping both orientations costs one copy of X but lets every product with the memory be a plain
 * matMul: TensorFlow's CPU matMul with transposeB was measured slower than a stored transpose for
 * queries [B, d] x X^T (see bench/hopfield-retrieval.bench.ts).
 */
export interface PatternMemory {
  /** X [N, d]: row i is the stored pattern x_i, i.e. the synaptic weights of memory neuron i. */
  readonly patterns: Tensor2D;
  /** X^T [d, N]. */
  readonly patternsT: Tensor2D;
  /** N, the number of stored patterns (= memory neurons). */
  readonly size: number;
  /** d, the pattern dimension (= input neurons of one sign). */
  readonly dim: number;
}

/** Copies `patterns` [N, d] into a memory; the caller keeps ownership of its tensor. */
export function patternMemory(patterns: Tensor): PatternMemory {
  if (patterns.rank !== 2) {
    throw new Error(`patterns must be a matrix [N, d] with one stored pattern per row, got shape [${patterns.shape.join(', ')}].`);
  }
  const [size, dim] = patterns.shape as [number, number];
  if (size < 1 || dim < 1) throw new Error(`patterns must hold at least one pattern of at least one value, got shape [${size}, ${dim}].`);
  assertFinite(patterns, 'patterns');
  const stored = tf.tidy(() => tf.cast(patterns, 'float32').clone() as Tensor2D);
  return { patterns: stored, patternsT: tf.transpose(stored) as Tensor2D, size, dim };
}

export function disposePatternMemory(memory: PatternMemory): void {
  tf.dispose([memory.patterns, memory.patternsT]);
}

/** Throws unless `queries` is [B, d] for this memory. */
export function assertQueries(memory: PatternMemory, queries: Tensor, name = 'queries'): void {
  if (queries.rank !== 2 || queries.shape[1] !== memory.dim) {
    throw new Error(`${name} must be [B, ${memory.dim}] (one query of the stored patterns' dimension per row), got [${queries.shape.join(', ')}].`);
  }
  if (queries.shape[0] < 1) throw new Error(`${name} must hold at least one query.`);
}

/** Membrane potentials of the memory neurons for presynaptic traces [B, d]: trace X^T, [B, N]. */
export function memoryPotentials(memory: PatternMemory, trace: Tensor): Tensor2D {
  return tf.matMul(trace as Tensor2D, memory.patternsT);
}
