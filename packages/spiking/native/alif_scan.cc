#include "alif_scan.h"

#include <vector>

#include "lif_math.h"  // surrogateT, resetT, resetGradT: the LIF kernels' exact per-element arithmetic

namespace cristal {

namespace {

// Parameters expanded to one value per element of [m0, m1): contiguous inner loops without index
// arithmetic, so that they vectorize.
void expand(const float* src, std::size_t len, std::size_t N, std::size_t m0, std::size_t m1, std::vector<float>& out) {
  out.resize(m1 - m0);
  for (std::size_t m = m0; m < m1; ++m) out[m - m0] = src[len == 1 ? 0 : m % N];
}

struct Expanded {
  std::vector<float> beta, theta, rho, b;
  Expanded(const AlifShape& sh, const AlifParams& p, std::size_t m0, std::size_t m1) {
    expand(p.beta, sh.betaLen, sh.N, m0, m1, beta);
    expand(p.theta, sh.thetaLen, sh.N, m0, m1, theta);
    expand(p.rho, sh.rhoLen, sh.N, m0, m1, rho);
    expand(p.b, sh.bLen, sh.N, m0, m1, b);
  }
};

template <int RESET>
void forwardT(const AlifShape& sh, const Expanded& e, const float* current, const float* v0, const float* a0, float* spikes, float* u, float* a,
              float* v, float* th, float* vT, float* aT, std::size_t m0, std::size_t m1) {
  const std::size_t M = sh.M, len = m1 - m0;
  const float* __restrict beta = e.beta.data();
  const float* __restrict theta = e.theta.data();
  const float* __restrict rho = e.rho.data();
  const float* __restrict bb = e.b.data();
  std::vector<float> vmStore(len), amStore(len);
  float* __restrict vm = vmStore.data();
  float* __restrict am = amStore.data();
  for (std::size_t k = 0; k < len; ++k) {
    vm[k] = v0 ? v0[m0 + k] : 0.0f;
    am[k] = a0 ? a0[m0 + k] : 0.0f;
  }
  for (std::size_t t = 0; t < sh.T; ++t) {
    const float* __restrict cur = current + (sh.inputPerStep ? t * M : 0) + m0;
    float* __restrict st = spikes + t * M + m0;
    float* __restrict ut = u + t * M + m0;
    float* __restrict at = a + t * M + m0;
    for (std::size_t k = 0; k < len; ++k) {
      const float thk = theta[k] + bb[k] * am[k];
      const float um = beta[k] * vm[k] + cur[k];
      const float s = um > thk ? 1.0f : 0.0f;
      const float vn = resetT<RESET>(um, s, thk);
      st[k] = s;
      ut[k] = um;
      at[k] = am[k];
      vm[k] = vn;
      am[k] = rho[k] * am[k] + s;
    }
    if (v) {
      float* __restrict vt = v + t * M + m0;
      for (std::size_t k = 0; k < len; ++k) vt[k] = vm[k];
    }
    // Recomputed from the stored a_t with the same float operations, so it equals thk bit for bit.
    if (th) {
      float* __restrict tht = th + t * M + m0;
      for (std::size_t k = 0; k < len; ++k) tht[k] = theta[k] + bb[k] * at[k];
    }
  }
  for (std::size_t k = 0; k < len; ++k) {
    if (vT) vT[m0 + k] = vm[k];
    if (aT) aT[m0 + k] = am[k];
  }
}

template <int RESET, int SG>
void backwardT(const AlifShape& sh, const AlifParams& p, const Expanded& e, const float* v0, const float* spikes, const float* u, const float* a,
               const float* gS, const float* gV, const float* gTh, const float* gVT, const float* gAT, float* gI, float* gV0, float* gA0,
               double* __restrict gbeta, double* __restrict gtheta, double* __restrict grho, double* __restrict gbb, std::size_t m0, std::size_t m1) {
  const std::size_t M = sh.M, len = m1 - m0;
  const bool detach = p.detachReset;
  const float slope = p.slope;
  const float* __restrict beta = e.beta.data();
  const float* __restrict theta = e.theta.data();
  const float* __restrict rho = e.rho.data();
  const float* __restrict bb = e.b.data();
  // av: dL/dv_t flowing back from step t+1; aa: dL/da_{t+1} from step t+1.
  std::vector<float> avStore(len), aaStore(len), gIsumStore(sh.inputPerStep ? 0 : len, 0.0f);
  float* __restrict av = avStore.data();
  float* __restrict aa = aaStore.data();
  for (std::size_t k = 0; k < len; ++k) {
    av[k] = gVT ? gVT[m0 + k] : 0.0f;
    aa[k] = gAT ? gAT[m0 + k] : 0.0f;
  }
  for (std::size_t tt = sh.T; tt-- > 0;) {
    const std::size_t off = tt * M + m0;
    const float* __restrict uu = u + off;
    const float* __restrict ss = spikes + off;
    const float* __restrict at = a + off;
    const float* __restrict gs = gS ? gS + off : nullptr;
    const float* __restrict gv = gV ? gV + off : nullptr;
    const float* __restrict gth = gTh ? gTh + off : nullptr;
    const float* __restrict up = tt > 0 ? u + off - M : nullptr;
    const float* __restrict sp = tt > 0 ? spikes + off - M : nullptr;
    const float* __restrict ap = tt > 0 ? a + off - M : nullptr;
    float* __restrict gi = sh.inputPerStep ? gI + off : gIsumStore.data();
    for (std::size_t k = 0; k < len; ++k) {
      const float gvk = av[k] + (gv ? gv[k] : 0.0f);
      const float um = uu[k], s = ss[k], ak = at[k];
      const float thk = theta[k] + bb[k] * ak;
      const float d = surrogateT<SG>(slope, um - thk);
      float dvdu, dvds, dvdth;
      resetGradT<RESET>(um, s, thk, dvdu, dvds, dvdth);
      const float gaNext = aa[k];
      const float gSpike = (gs ? gs[k] : 0.0f) + (detach ? 0.0f : gvk * dvds) + gaNext;
      const float gu = gvk * dvdu + gSpike * d;
      const float gthk = (gth ? gth[k] : 0.0f) + gvk * dvdth - gSpike * d;
      gtheta[k] += static_cast<double>(gthk);
      gbb[k] += static_cast<double>(gthk * ak);
      grho[k] += static_cast<double>(gaNext * ak);
      float vprev;
      if (up) {
        vprev = resetT<RESET>(up[k], sp[k], theta[k] + bb[k] * ap[k]);
      } else {
        vprev = v0 ? v0[m0 + k] : 0.0f;
      }
      gbeta[k] += static_cast<double>(gu * vprev);
      if (sh.inputPerStep) gi[k] = gu;
      else gi[k] += gu;
      av[k] = beta[k] * gu;
      aa[k] = rho[k] * gaNext + bb[k] * gthk;
    }
  }
  for (std::size_t k = 0; k < len; ++k) {
    if (!sh.inputPerStep) gI[m0 + k] = gIsumStore[k];
    if (gV0) gV0[m0 + k] = av[k];
    if (gA0) gA0[m0 + k] = aa[k];
  }
}

template <int RESET>
void backwardSg(const AlifShape& sh, const AlifParams& p, const Expanded& e, const float* v0, const float* spikes, const float* u, const float* a,
                const float* gS, const float* gV, const float* gTh, const float* gVT, const float* gAT, float* gI, float* gV0, float* gA0,
                double* gbeta, double* gtheta, double* grho, double* gbb, std::size_t m0, std::size_t m1) {
#define CRISTAL_ALIF_BACKWARD(SG) \
  backwardT<RESET, SG>(sh, p, e, v0, spikes, u, a, gS, gV, gTh, gVT, gAT, gI, gV0, gA0, gbeta, gtheta, grho, gbb, m0, m1)
  switch (p.surrogate) {
    case SG_ARCTAN: return CRISTAL_ALIF_BACKWARD(SG_ARCTAN);
    case SG_FAST_SIGMOID: return CRISTAL_ALIF_BACKWARD(SG_FAST_SIGMOID);
    case SG_SIGMOID: return CRISTAL_ALIF_BACKWARD(SG_SIGMOID);
    case SG_TRIANGULAR: return CRISTAL_ALIF_BACKWARD(SG_TRIANGULAR);
    default: return CRISTAL_ALIF_BACKWARD(SG_STRAIGHT_THROUGH);
  }
#undef CRISTAL_ALIF_BACKWARD
}

void accumulate(const std::vector<double>& perElement, std::size_t len, std::size_t N, std::size_t m0, double* out) {
  for (std::size_t k = 0; k < perElement.size(); ++k) out[len == 1 ? 0 : (m0 + k) % N] += perElement[k];
}

}  // namespace

void alifForward(const AlifShape& sh, const AlifParams& p, const float* current, const float* v0, const float* a0, float* spikes, float* u,
                 float* a, float* v, float* th, float* vT, float* aT, std::size_t m0, std::size_t m1) {
  const Expanded e(sh, p, m0, m1);
  if (p.reset == RESET_SUBTRACT) forwardT<RESET_SUBTRACT>(sh, e, current, v0, a0, spikes, u, a, v, th, vT, aT, m0, m1);
  else if (p.reset == RESET_ZERO) forwardT<RESET_ZERO>(sh, e, current, v0, a0, spikes, u, a, v, th, vT, aT, m0, m1);
  else forwardT<RESET_NONE>(sh, e, current, v0, a0, spikes, u, a, v, th, vT, aT, m0, m1);
}

void alifBackward(const AlifShape& sh, const AlifParams& p, const float* v0, const float* spikes, const float* u, const float* a,
                  const float* gS, const float* gV, const float* gTh, const float* gVT, const float* gAT, float* gI, float* gV0, float* gA0,
                  double* gBeta, double* gTheta, double* gRho, double* gB, std::size_t m0, std::size_t m1) {
  const Expanded e(sh, p, m0, m1);
  const std::size_t len = m1 - m0;
  std::vector<double> gbeta(len, 0.0), gtheta(len, 0.0), grho(len, 0.0), gbb(len, 0.0);
  if (p.reset == RESET_SUBTRACT)
    backwardSg<RESET_SUBTRACT>(sh, p, e, v0, spikes, u, a, gS, gV, gTh, gVT, gAT, gI, gV0, gA0, gbeta.data(), gtheta.data(), grho.data(), gbb.data(), m0, m1);
  else if (p.reset == RESET_ZERO)
    backwardSg<RESET_ZERO>(sh, p, e, v0, spikes, u, a, gS, gV, gTh, gVT, gAT, gI, gV0, gA0, gbeta.data(), gtheta.data(), grho.data(), gbb.data(), m0, m1);
  else
    backwardSg<RESET_NONE>(sh, p, e, v0, spikes, u, a, gS, gV, gTh, gVT, gAT, gI, gV0, gA0, gbeta.data(), gtheta.data(), grho.data(), gbb.data(), m0, m1);
  accumulate(gbeta, sh.betaLen, sh.N, m0, gBeta);
  accumulate(gtheta, sh.thetaLen, sh.N, m0, gTheta);
  accumulate(grho, sh.rhoLen, sh.N, m0, gRho);
  accumulate(gbb, sh.bLen, sh.N, m0, gB);
}

}  // namespace cristal
