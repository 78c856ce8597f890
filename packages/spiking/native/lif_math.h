// Per-element LIF arithmetic shared by the fused kernels, so every kernel computes exactly the same
// floats (see lif_scan.h for the equations).
#pragma once
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "lif_scan.h"

namespace cristal {

template <int SG>
inline float surrogateT(float slope, float x) {
  if constexpr (SG == SG_ARCTAN) {
    const float z = 1.5707963267948966f * slope * x;
    return 0.5f * slope / (1.0f + z * z);
  } else if constexpr (SG == SG_FAST_SIGMOID) {
    const float d = 1.0f + slope * std::fabs(x);
    return 1.0f / (d * d);
  } else if constexpr (SG == SG_SIGMOID) {
    const float s = 1.0f / (1.0f + std::exp(-slope * x));
    return slope * s * (1.0f - s);
  } else if constexpr (SG == SG_TRIANGULAR) {
    const float g = 1.0f - slope * std::fabs(x);
    return g > 0.0f ? slope * g : 0.0f;
  } else {
    return 1.0f;
  }
}

/** Membrane after the reset, from the pre-reset membrane u and the spike s. */
template <int RESET>
inline float resetT(float u, float s, float theta) {
  if constexpr (RESET == RESET_SUBTRACT) return u - theta * s;
  else if constexpr (RESET == RESET_ZERO) return u * (1.0f - s);
  else return u;
}

/** Local derivatives of the reset: dv/du, dv/ds, dv/dtheta (direct). */
template <int RESET>
inline void resetGradT(float u, float s, float theta, float& dvdu, float& dvds, float& dvdth) {
  if constexpr (RESET == RESET_SUBTRACT) {
    dvdu = 1.0f;
    dvds = -theta;
    dvdth = -s;
  } else if constexpr (RESET == RESET_ZERO) {
    dvdu = 1.0f - s;
    dvds = -u;
    dvdth = 0.0f;
  } else {
    dvdu = 1.0f;
    dvds = 0.0f;
    dvdth = 0.0f;
  }
}

/**
 * The backward step of one row of N neurons at one time step: from dL/dv_t (a, updated in place to
 * dL/dv_{t-1}), dL/ds_t (gs), the pre-reset membrane u_t and the previous post-reset membrane vprev,
 * writes dL/du_t (gu, which is also dL/dI_t) and the per-neuron terms of dL/dbeta and dL/dtheta.
 * Branch-free with restrict-qualified arrays so that it vectorises.
 */
template <int RESET, int SG, bool DETACH>
inline void lifGradRow(std::size_t N, float slope, const float* __restrict u, const float* __restrict vprev, const float* __restrict gs,
                       const float* __restrict beta, const float* __restrict theta, float* __restrict a, float* __restrict gu,
                       float* __restrict gbTerm, float* __restrict gtTerm) {
  for (std::size_t n = 0; n < N; ++n) {
    const float um = u[n], th = theta[n];
    const float s = um > th ? 1.0f : 0.0f;
    const float d = surrogateT<SG>(slope, um - th);
    float dvdu, dvds, dvdth;
    resetGradT<RESET>(um, s, th, dvdu, dvds, dvdth);
    const float an = a[n];
    const float gSpike = DETACH ? gs[n] : gs[n] + an * dvds;
    const float g = an * dvdu + gSpike * d;
    gtTerm[n] = -gSpike * d + an * dvdth;
    gbTerm[n] = g * vprev[n];
    gu[n] = g;
    a[n] = beta[n] * g;
  }
}

/** Post-reset membrane of the previous step, recomputed from its pre-reset membrane (or v0 at t = 0). */
template <int RESET>
inline void previousMembraneRow(std::size_t N, const float* __restrict uPrev, const float* __restrict v0, const float* __restrict theta,
                                float* __restrict vprev) {
  if (uPrev) {
    for (std::size_t n = 0; n < N; ++n) {
      const float s = uPrev[n] > theta[n] ? 1.0f : 0.0f;
      vprev[n] = resetT<RESET>(uPrev[n], s, theta[n]);
    }
  } else {
    for (std::size_t n = 0; n < N; ++n) vprev[n] = v0 ? v0[n] : 0.0f;
  }
}

/** Dispatches a functor templated on <RESET, SG> from runtime ids. */
template <template <int, int> class F, typename... Args>
inline void dispatchResetSg(int reset, int sg, Args&&... args) {
  auto withSg = [&](auto resetTag) {
    constexpr int R = decltype(resetTag)::value;
    switch (sg) {
      case SG_ARCTAN: return F<R, SG_ARCTAN>::run(args...);
      case SG_FAST_SIGMOID: return F<R, SG_FAST_SIGMOID>::run(args...);
      case SG_SIGMOID: return F<R, SG_SIGMOID>::run(args...);
      case SG_TRIANGULAR: return F<R, SG_TRIANGULAR>::run(args...);
      default: return F<R, SG_STRAIGHT_THROUGH>::run(args...);
    }
  };
  if (reset == RESET_SUBTRACT) withSg(std::integral_constant<int, RESET_SUBTRACT>{});
  else if (reset == RESET_ZERO) withSg(std::integral_constant<int, RESET_ZERO>{});
  else withSg(std::integral_constant<int, RESET_NONE>{});
}

}  // namespace cristal
