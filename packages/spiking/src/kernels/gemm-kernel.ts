import { nativeAddon } from './lif-kernel';
import { NATIVE_THREADS } from './native-threads';

/**
 * Single-precision matrix product on row-major typed arrays, for the fused kernels that run their own
 * dense layers: C [M, N] = op(A) [M, K] op(B) [K, N] (or += with `accumulate`), op = transpose or
 * not. The native one is the packed, multithreaded SGEMM of native/gemm.cc (deterministic: each
 * element is summed by one thread in a fixed order); the JavaScript one sums in double and rounds
 * once, so the two agree to float32 rounding, not bit for bit.
 */
export interface GemmKernel {
  name: 'native' | 'js';
  gemm(M: number, N: number, K: number, a: Float32Array, transposeA: boolean, b: Float32Array, transposeB: boolean, c: Float32Array, accumulate: boolean): void;
}

function checkSizes(M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array): void {
  if (a.length < M * K || b.length < K * N || c.length < M * N) {
    throw new Error(`gemm: arrays too short for [${M}, ${K}] x [${K}, ${N}] (got ${a.length}, ${b.length} and ${c.length} values).`);
  }
}

export const jsGemmKernel: GemmKernel = {
  name: 'js',
  gemm(M, N, K, a, transposeA, b, transposeB, c, accumulate) {
    checkSizes(M, N, K, a, b, c);
    const row = new Float64Array(N);
    for (let i = 0; i < M; i++) {
      row.fill(0);
      for (let k = 0; k < K; k++) {
        const aik = transposeA ? a[k * M + i] : a[i * K + k];
        if (transposeB) for (let j = 0; j < N; j++) row[j] += aik * b[j * K + k];
        else for (let j = 0, o = k * N; j < N; j++) row[j] += aik * b[o + j];
      }
      for (let j = 0; j < N; j++) c[i * N + j] = accumulate ? c[i * N + j] + row[j] : row[j];
    }
  },
};

interface GemmBinding {
  gemm(...args: unknown[]): void;
}

function nativeGemm(binding: GemmBinding): GemmKernel {
  return {
    name: 'native',
    gemm(M, N, K, a, transposeA, b, transposeB, c, accumulate) {
      checkSizes(M, N, K, a, b, c);
      binding.gemm(M, N, K, a, transposeA ? M : K, transposeA, b, transposeB ? K : N, transposeB, c, N, accumulate, NATIVE_THREADS);
    },
  };
}

let selected: GemmKernel | null = null;

/** Native unless CRISTAL_SPIKING_KERNEL=js or the addon is missing (as lifKernel). */
export function gemmKernel(): GemmKernel {
  if (!selected) {
    const addon = process.env.CRISTAL_SPIKING_KERNEL === 'js' ? null : nativeAddon();
    selected = addon ? nativeGemm(addon as unknown as GemmBinding) : jsGemmKernel;
  }
  return selected;
}

export function nativeGemmKernel(): GemmKernel | null {
  const addon = nativeAddon();
  return addon ? nativeGemm(addon as unknown as GemmBinding) : null;
}
