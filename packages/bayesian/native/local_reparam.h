// The output of a local-reparameterisation layer over plain float buffers (see local_reparam.cc).
#pragma once
#include <cstddef>

namespace cristal_bayesian {

// Rows [b0, b1) of y = m + bMean + s * eps with s = sqrt(v + bVar); m, v, eps, y, s are [B, N] row-major.
void localReparamForward(const float* m, const float* v, const float* bMean, const float* bVar, const float* eps, float* y, float* s, std::size_t N,
                         std::size_t b0, std::size_t b1);

// Rows [b0, b1): dv = dy eps / (2 s) (0 where s = 0), and the column sums of dy and dv over those rows
// added into dbMean and dbVar (double, length N).
void localReparamBackward(const float* dy, const float* eps, const float* s, float* dv, double* dbMean, double* dbVar, std::size_t N, std::size_t b0,
                          std::size_t b1);

}  // namespace cristal_bayesian
