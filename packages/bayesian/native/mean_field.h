// The fused mean-field Gaussian kernel over plain float buffers (see mean_field.cc).
#pragma once
#include <cstddef>

namespace cristal_bayesian {

struct MeanFieldArgs {
  const float* mu;
  const float* rho;
  // Prior mean: one value (priorMeanLength 1) or one per parameter.
  const float* priorMean;
  std::size_t priorMeanLength;
  float priorStd;
  // The scale output is the variance sigma^2 when true, the standard deviation sigma when false.
  bool variance;
};

// Writes meanOut (a copy of mu; skipped when null) and scaleOut over [i0, i1) and returns the KL of that range in nats.
double meanFieldForward(const MeanFieldArgs& a, float* meanOut, float* scaleOut, std::size_t i0, std::size_t i1);

// gMu = gMean + gKl dKL/dmu;  gRho = (gScale dscale/dsigma + gKl dKL/dsigma) dsigma/drho, over [i0, i1).
void meanFieldBackward(const MeanFieldArgs& a, const float* gMean, const float* gScale, float gKl, float* gMu, float* gRho, std::size_t i0,
                       std::size_t i1);

}  // namespace cristal_bayesian
