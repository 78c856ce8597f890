import type { Tensor } from '@tensorflow/tfjs-node';
import { tf } from '../backend/backend';
import { hashString } from './hash';
import { nextUint32, seedState, type XoshiroState } from './xoshiro128';

const TWO_POW_32 = 4294967296;

/** Serializable position of a stream: enough to resume it exactly (checkpoints store this). */
export interface RandomStreamState {
  seed: number;
  path: string;
  words: [number, number, number, number];
}

export function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`A seed must be a non-negative integer, got ${seed}.`);
  }
}

function deriveState(seed: number, path: string): XoshiroState {
  // Both halves of a seed up to 2^53 take part; the path separates streams.
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  const key = `${hi}:${lo}/${path}`;
  return seedState([hashString(key, 1), hashString(key, 2), hashString(key, 3), hashString(key, 4)]);
}

/**
 * One named, seeded random stream. Its starting state depends only on (seed, path), so adding or
 * using another stream never shifts this one. Values are generated in JavaScript, so the same
 * seed gives bit-identical tensors on every backend.
 */
export class RandomStream {
  readonly seed: number;
  readonly path: string;
  private readonly s: XoshiroState;

  constructor(seed: number, path: string) {
    assertSeed(seed);
    if (!path) throw new Error('A random stream needs a non-empty name.');
    this.seed = seed;
    this.path = path;
    this.s = deriveState(seed, path);
  }

  static fromState(state: RandomStreamState): RandomStream {
    const stream = new RandomStream(state.seed, state.path);
    stream.setState(state);
    return stream;
  }

  /** A child stream `path/name`, independent of this stream's position. */
  fork(name: string): RandomStream {
    return new RandomStream(this.seed, `${this.path}/${name}`);
  }

  getState(): RandomStreamState {
    return { seed: this.seed, path: this.path, words: [this.s[0], this.s[1], this.s[2], this.s[3]] };
  }

  setState(state: RandomStreamState): void {
    if (state.seed !== this.seed || state.path !== this.path) {
      throw new Error(`State of stream "${state.path}" (seed ${state.seed}) cannot restore stream "${this.path}" (seed ${this.seed}).`);
    }
    if (state.words.length !== 4 || state.words.every((w) => w === 0)) {
      throw new Error(`Invalid state for stream "${this.path}": expected four 32-bit words, not all zero.`);
    }
    this.s.set(state.words);
  }

  uint32(): number {
    return nextUint32(this.s);
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return nextUint32(this.s) / TWO_POW_32;
  }

  /** Uniform integer in [0, n), without modulo bias (Lemire's rejection). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) throw new Error(`int(n) needs an integer 1 <= n <= 2^32, got ${n}.`);
    const threshold = (TWO_POW_32 - n) % n;
    for (;;) {
      const x = nextUint32(this.s);
      if (x >= threshold) return x % n;
    }
  }

  /** Standard normal by Box-Muller (one draw uses two uniforms; the second value is discarded). */
  normal(mean = 0, std = 1): number {
    const u1 = (nextUint32(this.s) + 1) / TWO_POW_32; // (0, 1]: log is finite
    const u2 = nextUint32(this.s) / TWO_POW_32;
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  fillUniform<A extends Float32Array | Float64Array>(out: A, low = 0, high = 1): A {
    const scale = (high - low) / TWO_POW_32;
    for (let i = 0; i < out.length; i++) out[i] = low + nextUint32(this.s) * scale;
    return out;
  }

  /** Fills with N(mean, std^2) using both Box-Muller outputs. */
  fillNormal<A extends Float32Array | Float64Array>(out: A, mean = 0, std = 1): A {
    for (let i = 0; i < out.length; i += 2) {
      const u1 = (nextUint32(this.s) + 1) / TWO_POW_32;
      const u2 = nextUint32(this.s) / TWO_POW_32;
      const r = std * Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      out[i] = mean + r * Math.cos(theta);
      if (i + 1 < out.length) out[i + 1] = mean + r * Math.sin(theta);
    }
    return out;
  }

  /** A random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  uniformTensor(shape: number[], low = 0, high = 1): Tensor {
    return tf.tensor(this.fillUniform(new Float32Array(sizeOf(shape)), low, high), shape, 'float32');
  }

  normalTensor(shape: number[], mean = 0, std = 1): Tensor {
    return tf.tensor(this.fillNormal(new Float32Array(sizeOf(shape)), mean, std), shape, 'float32');
  }

  /** 0/1 float tensor with P(1) = probs (a number or a tensor broadcast to `shape`). */
  bernoulliTensor(shape: number[], probs: number | Tensor): Tensor {
    return tf.tidy(() => tf.less(this.uniformTensor(shape), probs).cast('float32'));
  }
}

function sizeOf(shape: number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`Invalid shape [${shape.join(', ')}]: dimensions must be non-negative integers.`);
    n *= d;
  }
  return n;
}
