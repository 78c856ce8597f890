// The Bayes-by-backprop dense layer with local reparameterisation (Kingma, Salimans and Welling 2015)
// as one kernel each way, so that no weight-sized tensor crosses between TensorFlow and JavaScript:
//   sigma = softplus(rho),  m = x mu + b_mu,  v = x^2 sigma^2 + sigma_b^2,  y = m + sqrt(v) eps
// (then optionally max(y, 0), so that a ReLU MLP never leaves JavaScript memory between layers)
//   KL = sum log(s_p / sigma) + (sigma^2 + (mu - m_p)^2) / (2 s_p^2) - 1/2   (weights and biases)
// backward, with dm = dy and dv = dy eps / (2 sqrt(v)):
//   dL/dmu = x^T dm + gKl (mu - m_p) / s_p^2,  dL/dsigma^2 = (x^2)^T dv,  dL/dx = dm mu^T + 2 x (dv (sigma^2)^T)
// The matrix products go through gemm.cc, the elementwise parts through mean_field.cc and
// local_reparam.cc.
#include "dense_local_reparam.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gemm.h"
#include "local_reparam.h"
#include "mean_field.h"
#include "thread_pool.h"

namespace cristal_bayesian {

using cristal::gemm;
using cristal::runParallel;

namespace {

MeanFieldArgs weightArgs(const DensePosterior& p, const float* mu, const float* rho) {
  MeanFieldArgs a{};
  a.mu = mu;
  a.rho = rho;
  a.priorMean = &p.priorMean;
  a.priorMeanLength = 1;
  a.priorStd = p.priorStd;
  a.variance = true;
  return a;
}

}  // namespace

double denseLocalReparamForward(const DenseShape& d, const DensePosterior& p, const float* x, const float* eps, bool relu, float* y, float* s,
                                float* varW, float* varB, std::size_t threads) {
  const std::size_t KN = d.K * d.N;
  // the weight pass is memory-bound: split it in two halves when there are threads
  double klW = 0.0;
  const MeanFieldArgs w = weightArgs(p, p.mu, p.rho);
  if (threads > 1 && KN >= 65536) {
    double halves[2] = {0.0, 0.0};
    runParallel(2, [&](std::size_t h) { halves[h] = meanFieldForward(w, nullptr, varW, h * (KN / 2), h == 0 ? KN / 2 : KN); });
    klW = halves[0] + halves[1];
  } else {
    klW = meanFieldForward(w, nullptr, varW, 0, KN);
  }
  const double klB = meanFieldForward(weightArgs(p, p.bMu, p.bRho), nullptr, varB, 0, d.N);
  // m into y, x^2 sigma^2 into s
  gemm(d.B, d.N, d.K, {x, d.K, false}, {p.mu, d.N, false}, y, d.N, false, threads);
  gemm(d.B, d.N, d.K, {x, d.K, false, true}, {varW, d.N, false}, s, d.N, false, threads);
  for (std::size_t b = 0; b < d.B; ++b) {
    float* yr = y + b * d.N;
    float* sr = s + b * d.N;
    const float* er = eps + b * d.N;
    for (std::size_t n = 0; n < d.N; ++n) {
      const float sd = std::sqrt(sr[n] + varB[n]);
      sr[n] = sd;
      const float v = (yr[n] + p.bMu[n]) + sd * er[n];
      yr[n] = relu ? (v > 0.0f ? v : 0.0f) : v;
    }
  }
  return klW + klB;
}

void denseLocalReparamBackward(const DenseShape& d, const DensePosterior& p, const float* x, const float* eps, const float* s, const float* dy,
                               const float* reluOutput, float gKl, float* dm, float* dv, float* gW1, float* gW2, float* gMu, float* gRho,
                               float* gbMu, float* gbRho, std::size_t threads) {
  const std::size_t BN = d.B * d.N;
  // relu(y) > 0 exactly where y > 0; the derivative at 0 is taken as 0, as tf.relu does
  for (std::size_t i = 0; i < BN; ++i) dm[i] = reluOutput ? (reluOutput[i] > 0.0f ? dy[i] : 0.0f) : dy[i];
  std::vector<double> dbMu(d.N, 0.0), dbVar(d.N, 0.0);
  localReparamBackward(dm, eps, s, dv, dbMu.data(), dbVar.data(), d.N, 0, d.B);
  // x^T dm and (x^2)^T dv: the data terms of the gradients of mu and sigma^2
  gemm(d.K, d.N, d.B, {x, d.K, true}, {dm, d.N, false}, gW1, d.N, false, threads);
  gemm(d.K, d.N, d.B, {x, d.K, true, true}, {dv, d.N, false}, gW2, d.N, false, threads);
  const std::size_t KN = d.K * d.N;
  const MeanFieldArgs w = weightArgs(p, p.mu, p.rho);
  if (threads > 1 && KN >= 65536) {
    runParallel(2, [&](std::size_t h) { meanFieldBackward(w, gW1, gW2, gKl, gMu, gRho, h * (KN / 2), h == 0 ? KN / 2 : KN); });
  } else {
    meanFieldBackward(w, gW1, gW2, gKl, gMu, gRho, 0, KN);
  }
  std::vector<float> fMu(dbMu.begin(), dbMu.end()), fVar(dbVar.begin(), dbVar.end());
  meanFieldBackward(weightArgs(p, p.bMu, p.bRho), fMu.data(), fVar.data(), gKl, gbMu, gbRho, 0, d.N);
}

void denseLocalReparamInputGrad(const DenseShape& d, const float* mu, const float* varW, const float* x, const float* dm, const float* dv, float* dx,
                                float* t, std::size_t threads) {
  gemm(d.B, d.K, d.N, {dm, d.N, false}, {mu, d.N, true}, dx, d.K, false, threads);
  gemm(d.B, d.K, d.N, {dv, d.N, false}, {varW, d.N, true}, t, d.K, false, threads);
  const std::size_t BK = d.B * d.K;
  for (std::size_t i = 0; i < BK; ++i) dx[i] += 2.0f * x[i] * t[i];
}

}  // namespace cristal_bayesian
