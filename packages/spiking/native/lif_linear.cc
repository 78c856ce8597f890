#include "lif_linear.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "lif_math.h"
#include "spike_list.h"
#include "thread_pool.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace cristal {

namespace {

// GCC vector extensions: AVX-512 with -march=native where the CPU has it, narrower code elsewhere.
// The forward pass pads the rows of W to whole vectors, so that one spike costs one vector addition
// per 16 targets whatever K is (K = 10 for a readout); the backward pass works on W^T and dL/dW^T
// [K, N] padded to whole vectors of neurons.
typedef float v16 __attribute__((vector_size(64)));
typedef float v16u __attribute__((vector_size(64), aligned(4)));
typedef int v16i __attribute__((vector_size(64)));

constexpr std::size_t FLOAT_LANES = 16;
// The backward pass replays the scan, and forms dL/ds and dL/dW, for GS_ROWS rows at a time.
constexpr std::size_t GS_ROWS = 4;
// The batch is cut into this many row ranges, handed to the threads one at a time (a thread slowed
// by another process takes fewer), each with its own partial sums, added in range order at the end:
// the same floats whatever the thread count and scheduling.
constexpr std::size_t ROW_CHUNKS = 8;

inline std::size_t roundUp(std::size_t n, std::size_t m) { return (n + m - 1) / m * m; }

/** A grow-only buffer per thread (the pool's threads live on): no allocation or page faults per call. */
template <typename T, int TAG>
T* scratch(std::size_t n) {
  thread_local std::vector<T> buffer;
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

/** Runs chunk(c, b0, b1) for the row ranges of the batch, spread over the threads. */
template <typename F>
void forRowChunks(std::size_t B, std::size_t threads, F chunk) {
  const std::size_t chunks = std::min(B, ROW_CHUNKS);
  std::atomic<std::size_t> next{0};
  runParallel(std::max<std::size_t>(1, std::min(threads, chunks)), [&](std::size_t) {
    for (std::size_t c; (c = next.fetch_add(1)) < chunks;) chunk(c, c * B / chunks, (c + 1) * B / chunks);
  });
}

/** beta and theta expanded to one value per neuron. */
void expandParams(const LinearShape& sh, const LifParams& p, float* beta, float* theta) {
  for (std::size_t n = 0; n < sh.N; ++n) {
    beta[n] = p.beta[sh.betaLen == 1 ? 0 : n];
    theta[n] = p.theta[sh.thetaLen == 1 ? 0 : n];
  }
}

/** One step of one row: u = beta v + I, then v = reset(u). The forward pass and the backward recomputation share it. */
template <int RESET>
inline void lifRow(std::size_t N, const float* __restrict beta, const float* __restrict theta, const float* __restrict cur, float* __restrict v,
                   float* __restrict u) {
  for (std::size_t n = 0; n < N; ++n) {
    const float um = beta[n] * v[n] + cur[n];
    const float s = um > theta[n] ? 1.0f : 0.0f;
    v[n] = resetT<RESET>(um, s, theta[n]);
    u[n] = um;
  }
}

template <int RESET, int SG>
struct Forward {
  static void run(const LinearShape& sh, const LifParams& p, const float* current, const float* v0, const float* W, const float* outBias, float* out,
                  float* vT, double* spikeCount, std::size_t threads) {
    const std::size_t N = sh.N, K = sh.K, T = sh.T, KP = roundUp(K, FLOAT_LANES), BN = sh.B * N, BK = sh.B * K;
    std::vector<float> beta(N), theta(N), Wp(N * KP, 0.0f), start(KP, 0.0f);
    expandParams(sh, p, beta.data(), theta.data());
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t k = 0; k < K; ++k) Wp[n * KP + k] = W[n * K + k];
    if (outBias)
      for (std::size_t k = 0; k < K; ++k) start[k] = outBias[k];
    std::vector<double> counts(ROW_CHUNKS * T, 0.0);
    forRowChunks(sh.B, threads, [&](std::size_t c, std::size_t b0, std::size_t b1) {
      float* vStore = scratch<float, 0>((b1 - b0) * N);
      float* __restrict uRow = scratch<float, 1>(N);
      float* __restrict acc = scratch<float, 2>(KP);
      std::uint32_t* __restrict idx = scratch<std::uint32_t, 3>(N + SPIKE_LIST_SLACK);
      for (std::size_t b = b0; b < b1; ++b)
        for (std::size_t n = 0; n < N; ++n) vStore[(b - b0) * N + n] = v0 ? v0[b * N + n] : 0.0f;
      const float* __restrict wp = Wp.data();
      for (std::size_t t = 0; t < T; ++t) {
        for (std::size_t b = b0; b < b1; ++b) {
          lifRow<RESET>(N, beta.data(), theta.data(), current + (sh.inputPerStep ? t * BN : 0) + b * N, vStore + (b - b0) * N, uRow);
          // Event-driven projection: one row of W per spike, added in ascending neuron order (the
          // JavaScript port adds in the same order, so the sums agree bit for bit).
          const std::size_t ns = listSpikes(N, uRow, theta.data(), idx);
          for (std::size_t c0 = 0; c0 < KP; c0 += FLOAT_LANES) {
            v16 a = *reinterpret_cast<const v16u*>(start.data() + c0);
            for (std::size_t j = 0; j < ns; ++j) a += *reinterpret_cast<const v16u*>(wp + static_cast<std::size_t>(idx[j]) * KP + c0);
            *reinterpret_cast<v16u*>(acc + c0) = a;
          }
          float* __restrict o = out + t * BK + b * K;
          for (std::size_t k = 0; k < K; ++k) o[k] = acc[k];
          counts[c * T + t] += static_cast<double>(ns);
        }
      }
      for (std::size_t b = b0; b < b1; ++b)
        for (std::size_t n = 0; n < N; ++n) vT[b * N + n] = vStore[(b - b0) * N + n];
    });
    for (std::size_t c = 0; c < ROW_CHUNKS; ++c)
      for (std::size_t t = 0; t < T; ++t) spikeCount[t] += counts[c * T + t];
  }
};

/**
 * lifGradRow without the parameter gradients, in one pass: no previous membrane (only dL/dbeta
 * needs it), and dL/du_t written (per-step input) or added (one input for every step) straight
 * into the input gradient. The same expressions as lifGradRow, so the same floats.
 */
template <int RESET, int SG, bool DETACH>
inline void lifInputGradRow(std::size_t N, float slope, const float* __restrict u, const float* __restrict gs, const float* __restrict beta,
                            const float* __restrict theta, float* __restrict a, float* __restrict gi, bool perStep) {
  auto row = [&](auto assign) {
    for (std::size_t n = 0; n < N; ++n) {
      const float um = u[n], th = theta[n];
      const float s = um > th ? 1.0f : 0.0f;
      const float d = surrogateT<SG>(slope, um - th);
      float dvdu, dvds, dvdth;
      resetGradT<RESET>(um, s, th, dvdu, dvds, dvdth);
      const float an = a[n];
      const float gSpike = DETACH ? gs[n] : gs[n] + an * dvds;
      const float g = an * dvdu + gSpike * d;
      if constexpr (decltype(assign)::value) gi[n] = g;
      else gi[n] += g;
      a[n] = beta[n] * g;
    }
  };
  if (perStep) row(std::true_type{});
  else row(std::false_type{});
}

/**
 * For R rows at one step, the two products with dL/dout_t, in one sweep over W^T and dL/dW^T
 * [K, NP] (NP a multiple of 16, zero-padded columns), 16 neurons at a time:
 *   dL/ds_r = dL/dout_r W^T                                   (gs, row stride NP)
 *   dL/dW^T[k] += sum_r dL/dout_r[k] s_r                      (spikes s_r = u_r > theta, as masks)
 * Every load of W^T serves R rows, and the weight gradient is a dense masked add instead of a
 * scattered update per spike (which waited on L2 for a random row each time). Sums in ascending k,
 * and in row order for dL/dW. Lanes past N read padding (u rows must have 16 floats of slack); their
 * results land in padded columns, never read.
 */
template <std::size_t R>
void dLdsAndWeightGradBlock(std::size_t K, std::size_t NP, std::size_t uStride, const float* __restrict wt, const float* __restrict go,
                            const float* __restrict u, const float* __restrict theta, float* __restrict gs, float* __restrict gWT) {
  for (std::size_t n0 = 0; n0 < NP; n0 += FLOAT_LANES) {
    const v16 th = *reinterpret_cast<const v16u*>(theta + n0);
    v16i spiked[R];
    v16 acc[R];
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) {
      spiked[r] = *reinterpret_cast<const v16u*>(u + r * uStride + n0) > th;
      acc[r] = v16{};
    }
#if defined(__AVX512F__)
    __mmask16 spikedMask[R];
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) spikedMask[r] = _mm512_movepi32_mask(reinterpret_cast<__m512i>(spiked[r]));
#endif
    for (std::size_t k = 0; k < K; ++k) {
      const v16 w = *reinterpret_cast<const v16u*>(wt + k * NP + n0);
      v16 gw = *reinterpret_cast<const v16u*>(gWT + k * NP + n0);
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r) {
        const float g = go[r * K + k];
        acc[r] += g * w;
#if defined(__AVX512F__)
        gw = reinterpret_cast<v16>(_mm512_mask_add_ps(reinterpret_cast<__m512>(gw), spikedMask[r], reinterpret_cast<__m512>(gw), _mm512_set1_ps(g)));
#else
        gw += spiked[r] ? v16{} + g : v16{};
#endif
      }
      *reinterpret_cast<v16u*>(gWT + k * NP + n0) = gw;
    }
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) *reinterpret_cast<v16u*>(gs + r * NP + n0) = acc[r];
  }
}

inline void dLdsAndWeightGrad(std::size_t rows, std::size_t K, std::size_t NP, std::size_t uStride, const float* wt, const float* go, const float* u,
                              const float* theta, float* gs, float* gWT) {
  switch (rows) {
    case 4: return dLdsAndWeightGradBlock<4>(K, NP, uStride, wt, go, u, theta, gs, gWT);
    case 3: return dLdsAndWeightGradBlock<3>(K, NP, uStride, wt, go, u, theta, gs, gWT);
    case 2: return dLdsAndWeightGradBlock<2>(K, NP, uStride, wt, go, u, theta, gs, gWT);
    default: return dLdsAndWeightGradBlock<1>(K, NP, uStride, wt, go, u, theta, gs, gWT);
  }
}

/**
 * The backward pass recomputes the pre-reset membrane instead of reading one saved by the forward
 * pass: for GS_ROWS rows at a time it replays the forward scan (the same floats: lifRow) into a
 * block of T x GS_ROWS x N floats that stays in L2 (400 KB for T = 25, N = 1000), then runs BPTT
 * over it. A saved membrane is T x B x N floats (13 MB at batch 128) written and read back through
 * DRAM, which cost more than the scan itself; the replay costs a few vector operations per element.
 */
template <int RESET, int SG>
struct Backward {
  static void run(const LinearShape& sh, const LifParams& p, const float* current, const float* v0, const float* W, const float* gOut,
                  const float* gVT, float* gI, float* gV0, double* gW, double* gBeta, double* gTheta, double* gInputBias, std::size_t threads) {
    const std::size_t N = sh.N, K = sh.K, T = sh.T, NP = roundUp(N, FLOAT_LANES), BN = sh.B * N, BK = sh.B * K;
    const bool detach = p.detachReset, paramGrads = gBeta && gTheta;
    const float slope = p.slope;
    // theta padded to NP lanes (never exceeded), W^T [K, NP] zero-padded
    std::vector<float> beta(N), theta(NP, std::numeric_limits<float>::infinity()), WT(K * NP, 0.0f);
    expandParams(sh, p, beta.data(), theta.data());
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t k = 0; k < K; ++k) WT[k * NP + n] = W[n * K + k];
    // dL/dW^T [K, NP] partial sums of every row range (each range zeroes its own), added in range order below
    const std::size_t chunks = std::min(sh.B, ROW_CHUNKS);
    float* gWChunk = scratch<float, 10>(chunks * K * NP);
    double* gbChunk = scratch<double, 11>(paramGrads ? chunks * N : 0);
    double* gtChunk = scratch<double, 12>(paramGrads ? chunks * N : 0);
    double* biasChunk = scratch<double, 17>(gInputBias ? chunks * N : 0);
    forRowChunks(sh.B, threads, [&](std::size_t c, std::size_t b0, std::size_t b1) {
      float* gwt = gWChunk + c * K * NP;
      std::fill(gwt, gwt + K * NP, 0.0f);
      if (paramGrads) {
        std::fill(gbChunk + c * N, gbChunk + (c + 1) * N, 0.0);
        std::fill(gtChunk + c * N, gtChunk + (c + 1) * N, 0.0);
      }
      if (gInputBias) std::fill(biasChunk + c * N, biasChunk + (c + 1) * N, 0.0);
      float* uBlock = scratch<float, 4>(T * GS_ROWS * N + FLOAT_LANES);  // slack: the last row's padding lanes
      float* gsRows = scratch<float, 5>(GS_ROWS * NP);
      float* aRows = scratch<float, 6>(GS_ROWS * N);
      float* vRows = scratch<float, 7>(GS_ROWS * N);
      float* vprev = scratch<float, 8>(N);
      float* guRow = scratch<float, 9>(N);
      float* gbRow = scratch<float, 13>(N);
      float* gtRow = scratch<float, 14>(N);
      const float* __restrict bt = beta.data();
      const float* __restrict th = theta.data();
      for (std::size_t s0 = b0; s0 < b1; s0 += GS_ROWS) {
        const std::size_t rows = std::min(GS_ROWS, b1 - s0);
        // replay the forward scan of these rows: uBlock[t][r] = u_t of row s0 + r
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t n = 0; n < N; ++n) vRows[r * N + n] = v0 ? v0[(s0 + r) * N + n] : 0.0f;
        for (std::size_t t = 0; t < T; ++t)
          for (std::size_t r = 0; r < rows; ++r)
            lifRow<RESET>(N, bt, th, current + (sh.inputPerStep ? t * BN : 0) + (s0 + r) * N, vRows + r * N, uBlock + (t * GS_ROWS + r) * N);
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t n = 0; n < N; ++n) aRows[r * N + n] = gVT ? gVT[(s0 + r) * N + n] : 0.0f;
        if (!sh.inputPerStep)
          for (std::size_t r = 0; r < rows; ++r) std::fill(gI + (s0 + r) * N, gI + (s0 + r + 1) * N, 0.0f);
        for (std::size_t tt = T; tt-- > 0;) {
          // dL/ds_t for these rows, and their spikes' share of dL/dW
          dLdsAndWeightGrad(rows, K, NP, N, WT.data(), gOut + tt * BK + s0 * K, uBlock + tt * GS_ROWS * N, th, gsRows, gwt);
          for (std::size_t r = 0; r < rows; ++r) {
            const std::size_t b = s0 + r;
            const float* __restrict gs = gsRows + r * NP;
            const float* __restrict uu = uBlock + (tt * GS_ROWS + r) * N;
            float* __restrict a = aRows + r * N;
            float* __restrict gi = sh.inputPerStep ? gI + tt * BN + b * N : gI + b * N;
            if (paramGrads) {
              previousMembraneRow<RESET>(N, tt > 0 ? uBlock + ((tt - 1) * GS_ROWS + r) * N : nullptr, v0 ? v0 + b * N : nullptr, th, vprev);
              if (detach)
                lifGradRow<RESET, SG, true>(N, slope, uu, vprev, gs, bt, th, a, guRow, gbRow, gtRow);
              else
                lifGradRow<RESET, SG, false>(N, slope, uu, vprev, gs, bt, th, a, guRow, gbRow, gtRow);
              double* __restrict gbb = gbChunk + c * N;
              double* __restrict gtt = gtChunk + c * N;
              for (std::size_t n = 0; n < N; ++n) {
                gbb[n] += gbRow[n];
                gtt[n] += gtRow[n];
              }
              if (sh.inputPerStep)
                for (std::size_t n = 0; n < N; ++n) gi[n] = guRow[n];
              else
                for (std::size_t n = 0; n < N; ++n) gi[n] += guRow[n];
            } else if (detach) {
              lifInputGradRow<RESET, SG, true>(N, slope, uu, gs, bt, th, a, gi, sh.inputPerStep);
            } else {
              lifInputGradRow<RESET, SG, false>(N, slope, uu, gs, bt, th, a, gi, sh.inputPerStep);
            }
          }
        }
        if (gV0)
          for (std::size_t r = 0; r < rows; ++r) std::copy(aRows + r * N, aRows + (r + 1) * N, gV0 + (s0 + r) * N);
        if (gInputBias) {  // dL/dI summed over rows (and steps): the gradient of a bias added to the current
          double* __restrict sum = biasChunk + c * N;
          for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t t = 0; t < (sh.inputPerStep ? T : 1); ++t) {
              const float* __restrict g = gI + (sh.inputPerStep ? t * BN : 0) + (s0 + r) * N;
              for (std::size_t n = 0; n < N; ++n) sum[n] += g[n];
            }
          }
        }
      }
    });
    // partial sums in range order, in double
    for (std::size_t c = 0; c < chunks; ++c) {
      const float* __restrict src = gWChunk + c * K * NP;
      for (std::size_t n = 0; n < N; ++n)
        for (std::size_t k = 0; k < K; ++k) gW[n * K + k] += src[k * NP + n];
    }
    if (gInputBias)
      for (std::size_t c = 0; c < chunks; ++c)
        for (std::size_t n = 0; n < N; ++n) gInputBias[n] += biasChunk[c * N + n];
    if (paramGrads) {
      for (std::size_t c = 0; c < chunks; ++c) {
        for (std::size_t n = 0; n < N; ++n) {
          gBeta[sh.betaLen == 1 ? 0 : n] += gbChunk[c * N + n];
          gTheta[sh.thetaLen == 1 ? 0 : n] += gtChunk[c * N + n];
        }
      }
    }
  }
};

}  // namespace

void lifLinearForward(const LinearShape& sh, const LifParams& p, const float* current, const float* v0, const float* W, const float* outBias,
                      float* out, float* vT, double* spikeCount, std::size_t threads) {
  dispatchResetSg<Forward>(p.reset, SG_STRAIGHT_THROUGH, sh, p, current, v0, W, outBias, out, vT, spikeCount, threads);
}

void lifLinearBackward(const LinearShape& sh, const LifParams& p, const float* current, const float* v0, const float* W, const float* gOut,
                       const float* gVT, float* gI, float* gV0, double* gW, double* gBeta, double* gTheta, double* gInputBias,
                       std::size_t threads) {
  dispatchResetSg<Backward>(p.reset, p.surrogate, sh, p, current, v0, W, gOut, gVT, gI, gV0, gW, gBeta, gTheta, gInputBias, threads);
}

}  // namespace cristal
