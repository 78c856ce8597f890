#include "lif_scan.h"

#include <cmath>
#include <vector>

#include "lif_math.h"

namespace cristal {

namespace {

// Parameters expanded to one value per element of [m0, m1), so that the inner loops run over
// contiguous memory with no index arithmetic and vectorize.
void expand(const float* src, std::size_t len, std::size_t N, std::size_t m0, std::size_t m1, std::vector<float>& out) {
  out.resize(m1 - m0);
  for (std::size_t m = m0; m < m1; ++m) out[m - m0] = src[len == 1 ? 0 : m % N];
}

template <int RESET>
void forwardT(const LifShape& sh, const float* current, const float* v0, const float* __restrict beta, const float* __restrict theta, float* spikes, float* u,
              float* v, float* vT, std::size_t m0, std::size_t m1) {
  const std::size_t M = sh.M, len = m1 - m0;
  std::vector<float> vmStore(len);
  float* __restrict vm = vmStore.data();
  for (std::size_t k = 0; k < len; ++k) vm[k] = v0 ? v0[m0 + k] : 0.0f;
  for (std::size_t t = 0; t < sh.T; ++t) {
    const float* __restrict cur = current + (sh.inputPerStep ? t * M : 0) + m0;
    float* __restrict st = spikes + t * M + m0;
    float* __restrict ut = u + t * M + m0;
    float* __restrict vt = v ? v + t * M + m0 : nullptr;
    for (std::size_t k = 0; k < len; ++k) {
      const float um = beta[k] * vm[k] + cur[k];
      const float s = um > theta[k] ? 1.0f : 0.0f;
      const float vn = resetT<RESET>(um, s, theta[k]);
      st[k] = s;
      ut[k] = um;
      vm[k] = vn;
    }
    if (vt)
      for (std::size_t k = 0; k < len; ++k) vt[k] = vm[k];
  }
  if (vT)
    for (std::size_t k = 0; k < len; ++k) vT[m0 + k] = vm[k];
}

template <int RESET, int SG>
void backwardT(const LifShape& sh, const LifParams& p, const float* v0, const float* __restrict beta, const float* __restrict theta, const float* spikes,
               const float* u, const float* gS, const float* gV, const float* gVT, float* gI, float* gV0, double* __restrict gb, double* __restrict gt,
               std::size_t m0, std::size_t m1) {
  const std::size_t M = sh.M, len = m1 - m0;
  const bool detach = p.detachReset;
  const float slope = p.slope;
  std::vector<float> aStore(len), gIsumStore(sh.inputPerStep ? 0 : len, 0.0f);
  float* __restrict a = aStore.data();
  for (std::size_t k = 0; k < len; ++k) a[k] = gVT ? gVT[m0 + k] : 0.0f;
  for (std::size_t tt = sh.T; tt-- > 0;) {
    const std::size_t off = tt * M + m0;
    const float* __restrict uu = u + off;
    const float* __restrict ss = spikes + off;
    const float* __restrict gs = gS ? gS + off : nullptr;
    const float* __restrict gv = gV ? gV + off : nullptr;
    const float* __restrict up = tt > 0 ? u + off - M : nullptr;
    const float* __restrict sp = tt > 0 ? spikes + off - M : nullptr;
    float* __restrict gi = sh.inputPerStep ? gI + off : gIsumStore.data();
    for (std::size_t k = 0; k < len; ++k) {
      const float ak = a[k] + (gv ? gv[k] : 0.0f);
      const float um = uu[k], s = ss[k], th = theta[k];
      const float d = surrogateT<SG>(slope, um - th);
      float dvdu, dvds, dvdth;
      resetGradT<RESET>(um, s, th, dvdu, dvds, dvdth);
      const float gSpike = (gs ? gs[k] : 0.0f) + (detach ? 0.0f : ak * dvds);
      const float gu = ak * dvdu + gSpike * d;
      gt[k] += static_cast<double>(-gSpike * d + ak * dvdth);
      float vprev;
      if (up) {
        vprev = resetT<RESET>(up[k], sp[k], th);
      } else {
        vprev = v0 ? v0[m0 + k] : 0.0f;
      }
      gb[k] += static_cast<double>(gu * vprev);
      if (sh.inputPerStep) gi[k] = gu;
      else gi[k] += gu;
      a[k] = beta[k] * gu;
    }
  }
  for (std::size_t k = 0; k < len; ++k) {
    if (!sh.inputPerStep) gI[m0 + k] = gIsumStore[k];
    if (gV0) gV0[m0 + k] = a[k];
  }
}

template <int RESET>
void backwardSg(const LifShape& sh, const LifParams& p, const float* v0, const float* beta, const float* theta, const float* spikes,
                const float* u, const float* gS, const float* gV, const float* gVT, float* gI, float* gV0, double* gb, double* gt,
                std::size_t m0, std::size_t m1) {
  switch (p.surrogate) {
    case SG_ARCTAN: return backwardT<RESET, SG_ARCTAN>(sh, p, v0, beta, theta, spikes, u, gS, gV, gVT, gI, gV0, gb, gt, m0, m1);
    case SG_FAST_SIGMOID: return backwardT<RESET, SG_FAST_SIGMOID>(sh, p, v0, beta, theta, spikes, u, gS, gV, gVT, gI, gV0, gb, gt, m0, m1);
    case SG_SIGMOID: return backwardT<RESET, SG_SIGMOID>(sh, p, v0, beta, theta, spikes, u, gS, gV, gVT, gI, gV0, gb, gt, m0, m1);
    case SG_TRIANGULAR: return backwardT<RESET, SG_TRIANGULAR>(sh, p, v0, beta, theta, spikes, u, gS, gV, gVT, gI, gV0, gb, gt, m0, m1);
    default: return backwardT<RESET, SG_STRAIGHT_THROUGH>(sh, p, v0, beta, theta, spikes, u, gS, gV, gVT, gI, gV0, gb, gt, m0, m1);
  }
}

}  // namespace

float surrogateGrad(int kind, float slope, float x) {
  switch (kind) {
    case SG_ARCTAN: return surrogateT<SG_ARCTAN>(slope, x);
    case SG_FAST_SIGMOID: return surrogateT<SG_FAST_SIGMOID>(slope, x);
    case SG_SIGMOID: return surrogateT<SG_SIGMOID>(slope, x);
    case SG_TRIANGULAR: return surrogateT<SG_TRIANGULAR>(slope, x);
    default: return 1.0f;
  }
}

void lifForward(const LifShape& sh, const LifParams& p, const float* current, const float* v0, float* spikes, float* u, float* v,
                float* vT, std::size_t m0, std::size_t m1) {
  std::vector<float> beta, theta;
  expand(p.beta, sh.betaLen, sh.N, m0, m1, beta);
  expand(p.theta, sh.thetaLen, sh.N, m0, m1, theta);
  if (p.reset == RESET_SUBTRACT) forwardT<RESET_SUBTRACT>(sh, current, v0, beta.data(), theta.data(), spikes, u, v, vT, m0, m1);
  else if (p.reset == RESET_ZERO) forwardT<RESET_ZERO>(sh, current, v0, beta.data(), theta.data(), spikes, u, v, vT, m0, m1);
  else forwardT<RESET_NONE>(sh, current, v0, beta.data(), theta.data(), spikes, u, v, vT, m0, m1);
}

void lifBackward(const LifShape& sh, const LifParams& p, const float* v0, const float* spikes, const float* u, const float* gS,
                 const float* gV, const float* gVT, float* gI, float* gV0, double* gBeta, double* gTheta, std::size_t m0,
                 std::size_t m1) {
  std::vector<float> beta, theta;
  expand(p.beta, sh.betaLen, sh.N, m0, m1, beta);
  expand(p.theta, sh.thetaLen, sh.N, m0, m1, theta);
  std::vector<double> gb(m1 - m0, 0.0), gt(m1 - m0, 0.0);
  if (p.reset == RESET_SUBTRACT)
    backwardSg<RESET_SUBTRACT>(sh, p, v0, beta.data(), theta.data(), spikes, u, gS, gV, gVT, gI, gV0, gb.data(), gt.data(), m0, m1);
  else if (p.reset == RESET_ZERO)
    backwardSg<RESET_ZERO>(sh, p, v0, beta.data(), theta.data(), spikes, u, gS, gV, gVT, gI, gV0, gb.data(), gt.data(), m0, m1);
  else
    backwardSg<RESET_NONE>(sh, p, v0, beta.data(), theta.data(), spikes, u, gS, gV, gVT, gI, gV0, gb.data(), gt.data(), m0, m1);
  for (std::size_t m = m0; m < m1; ++m) {
    gBeta[sh.betaLen == 1 ? 0 : m % sh.N] += gb[m - m0];
    gTheta[sh.thetaLen == 1 ? 0 : m % sh.N] += gt[m - m0];
  }
}

}  // namespace cristal
