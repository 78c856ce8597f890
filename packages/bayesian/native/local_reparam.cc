// y = m + b_mu + sqrt(v + b_var) * eps and its gradient, one sweep each way (the JavaScript version
// is src/kernels/local-reparam-output.ts). Float arithmetic, IEEE square root, no contraction: the
// same numbers as the JavaScript kernel.
#include "local_reparam.h"

#include <cmath>

namespace cristal_bayesian {

void localReparamForward(const float* __restrict m, const float* __restrict v, const float* __restrict bMean, const float* __restrict bVar,
                         const float* __restrict eps, float* __restrict y, float* __restrict s, std::size_t N, std::size_t b0, std::size_t b1) {
  for (std::size_t b = b0; b < b1; ++b) {
    const std::size_t o = b * N;
    for (std::size_t n = 0; n < N; ++n) {
      const float sd = std::sqrt(v[o + n] + bVar[n]);
      s[o + n] = sd;
      y[o + n] = (m[o + n] + bMean[n]) + sd * eps[o + n];
    }
  }
}

void localReparamBackward(const float* __restrict dy, const float* __restrict eps, const float* __restrict s, float* __restrict dv,
                          double* __restrict dbMean, double* __restrict dbVar, std::size_t N, std::size_t b0, std::size_t b1) {
  for (std::size_t b = b0; b < b1; ++b) {
    const std::size_t o = b * N;
    for (std::size_t n = 0; n < N; ++n) {
      // d sqrt(v) / dv = 1 / (2 sqrt(v)); where v = 0 the output does not move to first order: 0
      const float sd = s[o + n];
      const float d = sd > 0.0f ? (dy[o + n] * eps[o + n]) / (2.0f * sd) : 0.0f;
      dv[o + n] = d;
      dbMean[n] += dy[o + n];
      dbVar[n] += d;
    }
  }
}

}  // namespace cristal_bayesian
