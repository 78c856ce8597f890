#include "lif_linear.h"

#include <cstdint>
#include <vector>

#include "lif_math.h"

namespace cristal {

namespace {

template <int RESET, int SG>
struct Forward {
  static void run(const LinearShape& sh, const LifParams& p, const float* current, const float* v0, const float* W, float* out, float* u,
                  float* vT, double* spikeCount, std::size_t b0, std::size_t b1) {
    const std::size_t N = sh.N, K = sh.K, BN = sh.B * N, BK = sh.B * K;
    std::vector<float> beta(N), theta(N), vStore((b1 - b0) * N), sRow(N);
    std::vector<std::uint32_t> spiking(N + 1);
    for (std::size_t n = 0; n < N; ++n) {
      beta[n] = p.beta[sh.betaLen == 1 ? 0 : n];
      theta[n] = p.theta[sh.thetaLen == 1 ? 0 : n];
    }
    for (std::size_t b = b0; b < b1; ++b)
      for (std::size_t n = 0; n < N; ++n) vStore[(b - b0) * N + n] = v0 ? v0[b * N + n] : 0.0f;
    const float* __restrict bt = beta.data();
    const float* __restrict th = theta.data();
    float* __restrict sr = sRow.data();
    for (std::size_t t = 0; t < sh.T; ++t) {
      double count = 0;
      for (std::size_t b = b0; b < b1; ++b) {
        const float* __restrict cur = current + (sh.inputPerStep ? t * BN : 0) + b * N;
        float* __restrict vm = vStore.data() + (b - b0) * N;
        float* __restrict ut = u + t * BN + b * N;
        for (std::size_t n = 0; n < N; ++n) {
          const float um = bt[n] * vm[n] + cur[n];
          const float s = um > th[n] ? 1.0f : 0.0f;
          vm[n] = resetT<RESET>(um, s, th[n]);
          ut[n] = um;
          sr[n] = s;
        }
        // Event-driven projection: list the neurons that spiked (branch-free: a random 10-20%
        // spike pattern defeats branch prediction), then add one row of W per spike.
        std::size_t ns = 0;
        for (std::size_t n = 0; n < N; ++n) {
          spiking[ns] = static_cast<std::uint32_t>(n);
          ns += sr[n] != 0.0f;
        }
        float* __restrict o = out + t * BK + b * K;
        for (std::size_t k = 0; k < K; ++k) o[k] = 0.0f;
        for (std::size_t j = 0; j < ns; ++j) {
          const float* __restrict w = W + static_cast<std::size_t>(spiking[j]) * K;
          for (std::size_t k = 0; k < K; ++k) o[k] += w[k];
        }
        count += static_cast<double>(ns);
      }
      spikeCount[t] += count;
    }
    for (std::size_t b = b0; b < b1; ++b)
      for (std::size_t n = 0; n < N; ++n) vT[b * N + n] = vStore[(b - b0) * N + n];
  }
};

template <int RESET, int SG>
struct Backward {
  static void run(const LinearShape& sh, const LifParams& p, const float* v0, const float* W, const float* u, const float* gOut,
                  const float* gVT, float* gI, float* gV0, double* gW, double* gBeta, double* gTheta, std::size_t b0, std::size_t b1) {
    const std::size_t N = sh.N, K = sh.K, BN = sh.B * N, BK = sh.B * K;
    const bool detach = p.detachReset;
    const float slope = p.slope;
    std::vector<float> beta(N), theta(N), WT(K * N), gsRow(N), aStore((b1 - b0) * N), gISum(sh.inputPerStep ? 0 : (b1 - b0) * N, 0.0f);
    std::vector<double> gb(N, 0.0), gt(N, 0.0);
    std::vector<float> vprev(N), guRow(N), gbRow(N), gtRow(N);
    std::vector<std::uint32_t> spiking(N + 1);
    for (std::size_t n = 0; n < N; ++n) {
      beta[n] = p.beta[sh.betaLen == 1 ? 0 : n];
      theta[n] = p.theta[sh.thetaLen == 1 ? 0 : n];
      for (std::size_t k = 0; k < K; ++k) WT[k * N + n] = W[n * K + k];
    }
    for (std::size_t b = b0; b < b1; ++b)
      for (std::size_t n = 0; n < N; ++n) aStore[(b - b0) * N + n] = gVT ? gVT[b * N + n] : 0.0f;
    const float* __restrict bt = beta.data();
    const float* __restrict th = theta.data();
    float* __restrict gs = gsRow.data();
    for (std::size_t tt = sh.T; tt-- > 0;) {
      for (std::size_t b = b0; b < b1; ++b) {
        const float* __restrict go = gOut + tt * BK + b * K;
        // dL/ds_t = dL/dout_t W^T, vectorised over neurons
        for (std::size_t n = 0; n < N; ++n) gs[n] = 0.0f;
        for (std::size_t k = 0; k < K; ++k) {
          const float g = go[k];
          const float* __restrict wt = WT.data() + k * N;
          for (std::size_t n = 0; n < N; ++n) gs[n] += g * wt[n];
        }
        const float* __restrict uu = u + tt * BN + b * N;
        float* __restrict a = aStore.data() + (b - b0) * N;
        previousMembraneRow<RESET>(N, tt > 0 ? u + (tt - 1) * BN + b * N : nullptr, v0 ? v0 + b * N : nullptr, th, vprev.data());
        if (detach)
          lifGradRow<RESET, SG, true>(N, slope, uu, vprev.data(), gs, bt, th, a, guRow.data(), gbRow.data(), gtRow.data());
        else
          lifGradRow<RESET, SG, false>(N, slope, uu, vprev.data(), gs, bt, th, a, guRow.data(), gbRow.data(), gtRow.data());
        double* __restrict gbb = gb.data();
        double* __restrict gtt = gt.data();
        const float* __restrict gbr = gbRow.data();
        const float* __restrict gtr = gtRow.data();
        const float* __restrict gur = guRow.data();
        for (std::size_t n = 0; n < N; ++n) {
          gbb[n] += gbr[n];
          gtt[n] += gtr[n];
        }
        float* __restrict gi = sh.inputPerStep ? gI + tt * BN + b * N : gISum.data() + (b - b0) * N;
        if (sh.inputPerStep)
          for (std::size_t n = 0; n < N; ++n) gi[n] = gur[n];
        else
          for (std::size_t n = 0; n < N; ++n) gi[n] += gur[n];
        std::size_t ns = 0;  // event-driven weight gradient, spikes listed branch-free as in the forward pass
        for (std::size_t n = 0; n < N; ++n) {
          spiking[ns] = static_cast<std::uint32_t>(n);
          ns += uu[n] > th[n];
        }
        for (std::size_t j = 0; j < ns; ++j) {
          double* __restrict gw = gW + static_cast<std::size_t>(spiking[j]) * K;
          for (std::size_t k = 0; k < K; ++k) gw[k] += go[k];
        }
      }
    }
    for (std::size_t b = b0; b < b1; ++b) {
      for (std::size_t n = 0; n < N; ++n) {
        if (!sh.inputPerStep) gI[b * N + n] = gISum[(b - b0) * N + n];
        if (gV0) gV0[b * N + n] = aStore[(b - b0) * N + n];
      }
    }
    for (std::size_t n = 0; n < N; ++n) {
      gBeta[sh.betaLen == 1 ? 0 : n] += gb[n];
      gTheta[sh.thetaLen == 1 ? 0 : n] += gt[n];
    }
  }
};

}  // namespace

void lifLinearForward(const LinearShape& sh, const LifParams& p, const float* current, const float* v0, const float* W, float* out,
                      float* u, float* vT, double* spikeCount, std::size_t b0, std::size_t b1) {
  dispatchResetSg<Forward>(p.reset, SG_STRAIGHT_THROUGH, sh, p, current, v0, W, out, u, vT, spikeCount, b0, b1);
}

void lifLinearBackward(const LinearShape& sh, const LifParams& p, const float* v0, const float* W, const float* u, const float* gOut,
                       const float* gVT, float* gI, float* gV0, double* gW, double* gBeta, double* gTheta, std::size_t b0,
                       std::size_t b1) {
  dispatchResetSg<Backward>(p.reset, p.surrogate, sh, p, v0, W, u, gOut, gVT, gI, gV0, gW, gBeta, gTheta, b0, b1);
}

}  // namespace cristal
