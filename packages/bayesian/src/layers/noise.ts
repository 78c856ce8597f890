import { tf, type RandomStream, type Tensor } from '@cristal/tensor';
import { pooledTensor, takeBuffer } from '../kernels/buffer-pool';
import { fillStandardNormal } from '../kernels/standard-normal';

/** Standard normal noise of the given shape from a seeded stream (see fillStandardNormal: not the values of rng.normalTensor). */
export function normalNoise(rng: RandomStream, shape: number[]): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return pooledTensor(fillStandardNormal(rng, takeBuffer(n)), shape);
}

/** Independent random signs (+1 or -1 with probability 1/2 each), one 32-bit draw per 32 signs. */
export function rademacher(rng: RandomStream, shape: number[]): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 32) {
    const bits = rng.uint32();
    const m = Math.min(32, n - i);
    for (let b = 0; b < m; b++) out[i + b] = (bits >>> b) & 1 ? 1 : -1;
  }
  return tf.tensor(out, shape, 'float32');
}
