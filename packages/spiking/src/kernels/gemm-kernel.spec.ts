import { tf, RandomStream } from '@cristal/tensor';
import { nativeAddon } from './lif-kernel';
import { jsGemmKernel, nativeGemmKernel } from './gemm-kernel';

/** C = op(A) op(B) by tf.matMul, the independent reference. */
function tfProduct(M: number, N: number, K: number, a: Float32Array, ta: boolean, b: Float32Array, tb: boolean): Float32Array {
  return tf.tidy(() => tf.matMul(tf.tensor2d(a, ta ? [K, M] : [M, K]), tf.tensor2d(b, tb ? [N, K] : [K, N]), ta, tb).dataSync() as Float32Array);
}

function maxRel(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 1;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

describe('gemm kernels (native packed SGEMM and JavaScript) equal tf.matMul', () => {
  const native = nativeGemmKernel();
  // edge panels of the 12 x 32 micro-kernel, a k-block boundary (192), and the benchmark's shapes
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [13, 37, 29],
    [12, 32, 192],
    [25, 65, 193],
    [128, 1000, 784],
    [784, 1000, 128],
  ];
  const cases: [number, number, number, boolean, boolean][] = [];
  for (const [M, N, K] of shapes) for (const ta of [false, true]) for (const tb of [false, true]) cases.push([M, N, K, ta, tb]);

  it.each(cases)('M %i, N %i, K %i, transpose A %s, transpose B %s', (M, N, K, ta, tb) => {
    if (!native) throw new Error('the native addon is not built; run npm run build:native');
    const s = new RandomStream(M * 7 + N * 3 + K, 'gemm-spec');
    const a = s.fillUniform(new Float32Array(M * K), -1, 1);
    const b = s.fillUniform(new Float32Array(K * N), -1, 1);
    const reference = tfProduct(M, N, K, a, ta, b, tb);
    for (const kernel of [native, jsGemmKernel]) {
      const c = new Float32Array(M * N);
      kernel.gemm(M, N, K, a, ta, b, tb, c, false);
      expect({ kernel: kernel.name, close: maxRel(c, reference) < 1e-6 * Math.sqrt(K) }).toEqual({ kernel: kernel.name, close: true });
      // accumulate: C += op(A) op(B) on top of the first product
      kernel.gemm(M, N, K, a, ta, b, tb, c, true);
      expect({ kernel: kernel.name, doubled: maxRel(c, reference.map((v) => 2 * v)) < 2e-6 * Math.sqrt(K) }).toEqual({ kernel: kernel.name, doubled: true });
    }
  });

  it('gives the same floats whatever the thread count', () => {
    const addon = nativeAddon() as unknown as { gemm(...args: unknown[]): void } | null;
    if (!addon) throw new Error('the native addon is not built; run npm run build:native');
    const [M, N, K] = [128, 1000, 784];
    const s = new RandomStream(5, 'gemm-threads');
    const a = s.fillUniform(new Float32Array(M * K), 0, 1);
    const b = s.fillUniform(new Float32Array(K * N), -0.1, 0.1);
    const one = new Float32Array(M * N);
    const four = new Float32Array(M * N);
    addon.gemm(M, N, K, a, K, false, b, N, false, one, N, false, 1);
    addon.gemm(M, N, K, a, K, false, b, N, false, four, N, false, 4);
    expect(four).toEqual(one);
  });

  it('says when the arrays do not fit the shapes', () => {
    expect(() => jsGemmKernel.gemm(2, 2, 2, new Float32Array(3), false, new Float32Array(4), false, new Float32Array(4), false)).toThrow(/arrays too short for \[2, 2\] x \[2, 2\]/);
  });
});
