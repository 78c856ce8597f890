import { tf, type RandomStream, type Tensor2D } from '@cristal/tensor';

/** How a stored pattern is damaged before it is used as a query. */
export type Corruption = { kind: 'flip'; fraction: number } | { kind: 'mask'; fraction: number };

export function corruptionLabel(c: Corruption): string {
  return `${c.kind}${Math.round(c.fraction * 100)}`;
}

/**
 * Queries from +-1 patterns [Q, d]. 'flip': exactly round(fraction d) entries chosen at random per
 * query change sign. 'mask': the last round(fraction d) entries are set to 0 (unknown), as in
 * Ramsauer et al.'s masked-retrieval experiments: the query carries no information there.
 */
export function corruptPatterns(patterns: Tensor2D, corruption: Corruption, stream: RandomStream): Tensor2D {
  const [rows, d] = patterns.shape;
  if (!(corruption.fraction >= 0 && corruption.fraction <= 1)) throw new Error(`corruption fraction must be in [0, 1], got ${corruption.fraction}.`);
  const k = Math.round(corruption.fraction * d);
  const out = Float32Array.from(patterns.dataSync());
  const index = Array.from({ length: d }, (_, i) => i);
  for (let r = 0; r < rows; r++) {
    if (corruption.kind === 'mask') {
      out.fill(0, r * d + d - k, (r + 1) * d);
      continue;
    }
    // partial Fisher-Yates: the first k entries of `index` become a uniform k-subset
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(stream.uniform() * (d - i));
      [index[i], index[j]] = [index[j], index[i]];
      out[r * d + index[i]] *= -1;
    }
  }
  return tf.tensor2d(out, [rows, d]);
}
