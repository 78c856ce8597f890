// A whole mean-field dense layer with local reparameterisation, forward and backward (see .cc).
#pragma once
#include <cstddef>

namespace cristal_bayesian {

struct DenseShape {
  std::size_t B, K, N;  // batch, inputs, units
};

struct DensePosterior {
  const float* mu;   // [K x N]
  const float* rho;  // [K x N]
  const float* bMu;  // [N]
  const float* bRho; // [N]
  float priorMean;
  float priorStd;
};

// y = x mu + b_mu + sqrt(x^2 sigma^2 + sigma_b^2) * eps, then max(y, 0) when relu; writes y,
// s = the square root [B x N] and varW = sigma^2 [K x N], varB [N]; returns KL(q || N(priorMean,
// priorStd^2)) of weights and biases.
double denseLocalReparamForward(const DenseShape& d, const DensePosterior& p, const float* x, const float* eps, bool relu, float* y, float* s,
                                float* varW, float* varB, std::size_t threads);

// Gradients of mu, rho, b_mu, b_rho from dy [B x N] and the KL weight gKl. With `reluOutput` (the
// forward output after max(., 0)) dy is first masked where that output is 0. Writes dm = the masked
// dy and dv = dL/dv [B x N] (both kept for the input gradient); gW1, gW2 [K x N] are scratch.
void denseLocalReparamBackward(const DenseShape& d, const DensePosterior& p, const float* x, const float* eps, const float* s, const float* dy,
                               const float* reluOutput, float gKl, float* dm, float* dv, float* gW1, float* gW2, float* gMu, float* gRho,
                               float* gbMu, float* gbRho, std::size_t threads);

// dx = dm mu^T + 2 x * (dv varW^T) [B x K]; `t` [B x K] is scratch.
void denseLocalReparamInputGrad(const DenseShape& d, const float* mu, const float* varW, const float* x, const float* dm, const float* dv, float* dx,
                                float* t, std::size_t threads);

}  // namespace cristal_bayesian
