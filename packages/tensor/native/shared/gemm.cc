// A packed, register-blocked SGEMM in the style of BLIS (Van Zee and van de Geijn 2015): op(A) and
// op(B) are copied into contiguous panels of MR rows and NR columns (which also applies the
// transpose and, for the variance path of local reparameterisation, the square), and a 12 x 32 micro-kernel keeps its 24 accumulators of 16 floats in registers, one
// fused multiply-add per A value and B vector. Plain GCC vector extensions: AVX-512 where the CPU has
// it (-march=native), narrower vectors or scalar code elsewhere. Contraction into FMA is allowed in
// this file only (the scans keep -ffp-contract=off for bit-parity with their JavaScript twins; the
// JavaScript GEMM agrees with this one to rounding, not bit for bit).
#pragma GCC optimize("fp-contract=fast")
#include "gemm.h"

#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

namespace cristal {
namespace {

constexpr std::size_t MR = 12;
constexpr std::size_t NR = 32;
// k-block: a B micro-panel of KC x NR floats (24 KB) stays in L1 while every A panel streams past it
constexpr std::size_t KC = 192;

typedef float v16 __attribute__((vector_size(64)));
typedef float v16u __attribute__((vector_size(64), aligned(4)));

// A rows [i0, i0 + MR) x k [k0, k0 + kc) -> pa[k * MR + i], zero beyond M.
void packA(const GemmOperand& A, std::size_t M, std::size_t i0, std::size_t k0, std::size_t kc, float* pa) {
  const std::size_t rows = std::min(MR, M - i0);
  if (!A.transposed) {
    for (std::size_t i = 0; i < rows; ++i) {
      const float* src = A.data + (i0 + i) * A.ld + k0;
      for (std::size_t k = 0; k < kc; ++k) pa[k * MR + i] = A.squared ? src[k] * src[k] : src[k];
    }
  } else {
    for (std::size_t k = 0; k < kc; ++k) {
      const float* src = A.data + (k0 + k) * A.ld + i0;
      for (std::size_t i = 0; i < rows; ++i) pa[k * MR + i] = A.squared ? src[i] * src[i] : src[i];
    }
  }
  if (rows < MR)
    for (std::size_t k = 0; k < kc; ++k)
      for (std::size_t i = rows; i < MR; ++i) pa[k * MR + i] = 0.0f;
}

// B k [k0, k0 + kc) x columns [j0, j0 + NR) -> pb[k * NR + j], zero beyond N.
void packB(const GemmOperand& B, std::size_t N, std::size_t j0, std::size_t k0, std::size_t kc, float* pb) {
  const std::size_t cols = std::min(NR, N - j0);
  if (!B.transposed) {
    for (std::size_t k = 0; k < kc; ++k) {
      const float* src = B.data + (k0 + k) * B.ld + j0;
      float* dst = pb + k * NR;
      for (std::size_t j = 0; j < cols; ++j) dst[j] = B.squared ? src[j] * src[j] : src[j];
      for (std::size_t j = cols; j < NR; ++j) dst[j] = 0.0f;
    }
  } else {
    // stored B is [N x K]: each column of op(B) is a contiguous run of a stored row
    for (std::size_t j = 0; j < cols; ++j) {
      const float* src = B.data + (j0 + j) * B.ld + k0;
      for (std::size_t k = 0; k < kc; ++k) pb[k * NR + j] = B.squared ? src[k] * src[k] : src[k];
    }
    for (std::size_t k = 0; k < kc; ++k)
      for (std::size_t j = cols; j < NR; ++j) pb[k * NR + j] = 0.0f;
  }
}

// acc = pa (kc x MR) times b (kc x NR, rows ldb apart); then C tile (rows x cols valid) = or += acc.
void microKernel(std::size_t kc, const float* __restrict pa, const float* __restrict pb, std::size_t ldb, float* C, std::size_t ldc,
                 std::size_t rows, std::size_t cols, bool accumulate) {
  v16 acc[MR][2];
  for (std::size_t i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = v16{};
  for (std::size_t k = 0; k < kc; ++k) {
    const v16 b0 = *reinterpret_cast<const v16u*>(pb + k * ldb);
    const v16 b1 = *reinterpret_cast<const v16u*>(pb + k * ldb + 16);
    const float* a = pa + k * MR;
    for (std::size_t i = 0; i < MR; ++i) {
      acc[i][0] += a[i] * b0;
      acc[i][1] += a[i] * b1;
    }
  }
  if (rows == MR && cols == NR) {
    for (std::size_t i = 0; i < MR; ++i) {
      v16u* c0 = reinterpret_cast<v16u*>(C + i * ldc);
      v16u* c1 = reinterpret_cast<v16u*>(C + i * ldc + 16);
      if (accumulate) {
        *c0 = *c0 + acc[i][0];
        *c1 = *c1 + acc[i][1];
      } else {
        *c0 = acc[i][0];
        *c1 = acc[i][1];
      }
    }
    return;
  }
  alignas(64) float tile[MR][NR];
  for (std::size_t i = 0; i < MR; ++i) {
    std::memcpy(&tile[i][0], &acc[i][0], 64);
    std::memcpy(&tile[i][16], &acc[i][1], 64);
  }
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) C[i * ldc + j] = accumulate ? C[i * ldc + j] + tile[i][j] : tile[i][j];
}

// Packed panels, reused across calls; one set per calling (JavaScript) thread.
thread_local std::vector<float> packedA, packedB;

}  // namespace

void gemm(std::size_t M, std::size_t N, std::size_t K, const GemmOperand& A, const GemmOperand& B, float* C, std::size_t ldc, bool accumulate,
          std::size_t threads) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (!accumulate)
      for (std::size_t i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + N, 0.0f);
    return;
  }
  const std::size_t mPanels = (M + MR - 1) / MR;
  const std::size_t nPanels = (N + NR - 1) / NR;
  if (packedA.size() < mPanels * MR * K) packedA.resize(mPanels * MR * K);
  if (packedB.size() < nPanels * NR * K) packedB.resize(nPanels * NR * K);
  float* pa = packedA.data();
  float* pb = packedB.data();
  const double flops = 2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  threads = flops < 2e6 ? 1 : std::max<std::size_t>(1, threads);
  // Whole-K panels: pack every A panel and the B panels that need it once, then C in blocks of one
  // column panel by up to kGroup row panels. Both phases hand out work one item at a time, so a
  // thread slowed by another process simply takes fewer items; each C element is still summed by
  // one thread in one order.
  // A whole panel of an untransposed B is already NR contiguous floats per k: the micro-kernel reads
  // it in place (rows ldb apart), which spares copying B (3 MB for a 784 x 1000 layer) every call.
  // Only the last, partial panel is packed (zero-padded, so that no read runs past the array).
  const std::size_t directPanels = B.transposed || B.squared ? 0 : N / NR;
  constexpr std::size_t kGroup = 8;
  const std::size_t packs = mPanels + (nPanels - directPanels);
  const std::size_t groups = (mPanels + kGroup - 1) / kGroup;
  const std::size_t blocks = groups * nPanels;
  std::atomic<std::size_t> nextPack{0}, packed{0}, nextBlock{0};
  auto work = [&](std::size_t) {
    for (std::size_t i; (i = nextPack.fetch_add(1)) < packs;) {
      if (i < mPanels) {
        packA(A, M, i * MR, 0, K, pa + i * MR * K);
      } else {
        const std::size_t q = i - mPanels + directPanels;
        packB(B, N, q * NR, 0, K, pb + q * NR * K);
      }
      packed.fetch_add(1);
    }
    while (packed.load() < packs) std::this_thread::yield();
    for (std::size_t t; (t = nextBlock.fetch_add(1)) < blocks;) {
      // consecutive blocks share a B panel
      const std::size_t q = t / groups, p0 = (t % groups) * kGroup, p1 = std::min(mPanels, p0 + kGroup);
      const std::size_t cols = std::min(NR, N - q * NR);
      const bool direct = q < directPanels;
      for (std::size_t k0 = 0; k0 < K; k0 += KC) {
        const std::size_t kc = std::min(KC, K - k0);
        const float* b = direct ? B.data + k0 * B.ld + q * NR : pb + q * NR * K + k0 * NR;
        const std::size_t ldb = direct ? B.ld : NR;
        for (std::size_t p = p0; p < p1; ++p) {
          microKernel(kc, pa + p * MR * K + k0 * MR, b, ldb, C + p * MR * ldc + q * NR, ldc, std::min(MR, M - p * MR), cols, accumulate || k0 > 0);
        }
      }
    }
  };
  runParallel(threads, work);
}

}  // namespace cristal
