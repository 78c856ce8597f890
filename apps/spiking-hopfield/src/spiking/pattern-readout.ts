import { tf, type Tensor, type Tensor2D } from '@cristal/tensor';
import type { PatternMemory } from './pattern-memory';

/**
 * The output pattern from memory spike counts [B, N], event-driven: every memory spike adds its
 * stored pattern x_i to the d output neurons (d synaptic operations), and the sum is divided by the
 * query's spike total, giving X^T (c / sum c) [B, d] (zero for a silent query). Only the neurons
 * that spiked are touched (a gather of their rows and a segment sum), so the cost is
 * (active neurons) x d instead of the dense N x d: the counts are sparse because the softmax is
 * peaked and a window of T steps holds few spikes. Equal to matMul(c / sum c, X) (tested).
 */
export function readoutFromCounts(memory: PatternMemory, counts: Tensor): Tensor2D {
  if (counts.rank !== 2 || counts.shape[1] !== memory.size) {
    throw new Error(`counts must be [B, ${memory.size}] (one count per stored pattern), got [${counts.shape.join(', ')}].`);
  }
  const [batch, size] = counts.shape as [number, number];
  const c = counts.dataSync();
  const rows: number[] = [];
  const neurons: number[] = [];
  const weights: number[] = [];
  for (let b = 0; b < batch; b++) {
    let sum = 0;
    for (let i = b * size; i < (b + 1) * size; i++) sum += c[i];
    if (sum === 0) continue;
    for (let i = 0; i < size; i++) {
      const k = c[b * size + i];
      if (k === 0) continue;
      rows.push(b);
      neurons.push(i);
      weights.push(k / sum);
    }
  }
  if (rows.length === 0) return tf.zeros([batch, memory.dim]) as Tensor2D;
  return tf.tidy(() => {
    const contributions = tf.mul(tf.gather(memory.patterns, tf.tensor1d(neurons, 'int32')), tf.tensor2d(weights, [weights.length, 1]));
    return tf.unsortedSegmentSum(contributions, tf.tensor1d(rows, 'int32'), batch) as Tensor2D;
  });
}
