// Mean-field Gaussian posterior terms in one pass over (mu, rho), with the KL to a Gaussian prior:
//   sigma = softplus(rho) = max(rho, 0) + log1p(exp(-|rho|))
//   KL_i  = log(s_p / sigma_i) + (sigma_i^2 + (mu_i - m_p)^2) / (2 s_p^2) - 1/2
// and its gradient in a second pass. TF.js spends about twenty elementwise ops (each a full sweep of
// memory) on this per step; here it is one sweep each way. exp and log are the Cephes single-precision
// polynomials (about 1 ulp), written branch-free so the compiler vectorises the loops; the per-element
// terms are float, their sum double. rho is clamped below at -87 so sigma stays a normal float
// (e^-87 ~ 1.6e-38) and log(sigma) finite; a NaN rho gives a NaN sigma and KL.
#include "mean_field.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace cristal_bayesian {
namespace {

inline float bitsToFloat(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline std::uint32_t floatToBits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// exp(x) for x <= 0 (x below -87 is clamped): x = n ln2 + r, |r| <= ln2 / 2, e^r by a degree-6
// polynomial, 2^n assembled in the exponent bits.
inline float expNonPositive(float x) {
  x = std::max(x, -87.0f);
  const float n = std::floor(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const std::int32_t biased = static_cast<std::int32_t>(n) + 127;
  return p * bitsToFloat(static_cast<std::uint32_t>(biased) << 23);
}

// log(x) for a positive normal float: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log(m) by a
// degree-9 polynomial in m - 1.
inline float logPositive(float x) {
  const std::uint32_t u = floatToBits(x);
  std::int32_t e = static_cast<std::int32_t>(u >> 23) - 126;
  float m = bitsToFloat((u & 0x007fffffu) | 0x3f000000u);  // [0.5, 1)
  const bool low = m < 0.707106781186547524f;
  e = low ? e - 1 : e;
  m = low ? m + m - 1.0f : m - 1.0f;
  const float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  const float fe = static_cast<float>(e);
  y = y + fe * -2.12194440e-4f;
  y = y - 0.5f * z;
  return (m + y) + fe * 0.693359375f;
}

struct Softplus {
  float sigma;    // softplus(rho)
  float sigmoid;  // d sigma / d rho
};

inline Softplus softplus(float rho) {
  const float t = expNonPositive(-std::fabs(rho));  // (0, 1]
  const float u = 1.0f + t;
  // log1p(t) without losing t when 1 + t rounds to 1 (Goldberg's correction)
  const float log1pT = u == 1.0f ? t : logPositive(u) * (t / (u - 1.0f));
  float sigma = std::max(rho, 0.0f) + log1pT;
  sigma = rho == rho ? sigma : rho;
  const float sigmoid = (rho >= 0.0f ? 1.0f : t) / u;
  return {sigma, sigmoid};
}

constexpr std::size_t kTile = 512;

// KL terms of one tile into `terms`, and the scales.
template <bool kScalarPriorMean>
void forwardTile(const float* __restrict mu, const float* __restrict rho, const float* __restrict pm, float logPriorStd, float halfInvPriorVar,
                 float variance, float* __restrict scaleOut, float* __restrict terms, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    const Softplus s = softplus(rho[k]);
    const float d = mu[k] - (kScalarPriorMean ? pm[0] : pm[k]);
    terms[k] = (logPriorStd - logPositive(s.sigma)) + (s.sigma * s.sigma + d * d) * halfInvPriorVar - 0.5f;
    scaleOut[k] = s.sigma * (variance * s.sigma + (1.0f - variance));  // sigma^2 or sigma
  }
}

template <bool kScalarPriorMean>
double forwardRange(const MeanFieldArgs& a, float* meanOut, float* scaleOut, std::size_t i0, std::size_t i1) {
  const float logPriorStd = std::log(a.priorStd);
  const float halfInvPriorVar = 0.5f / (a.priorStd * a.priorStd);
  const float variance = a.variance ? 1.0f : 0.0f;
  float terms[kTile];
  double total = 0.0;
  for (std::size_t t0 = i0; t0 < i1; t0 += kTile) {
    const std::size_t n = std::min(kTile, i1 - t0);
    forwardTile<kScalarPriorMean>(a.mu + t0, a.rho + t0, kScalarPriorMean ? a.priorMean : a.priorMean + t0, logPriorStd, halfInvPriorVar, variance,
                                  scaleOut + t0, terms, n);
    if (meanOut) std::memcpy(meanOut + t0, a.mu + t0, n * sizeof(float));
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t k = 0;
    for (; k + 8 <= n; k += 8)
      for (std::size_t j = 0; j < 8; ++j) acc[j] += terms[k + j];
    for (; k < n; ++k) acc[0] += terms[k];
    total += ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  }
  return total;
}

template <bool kScalarPriorMean>
void backwardRange(const MeanFieldArgs& a, const float* __restrict gMean, const float* __restrict gScale, float gKl, float* __restrict gMu,
                   float* __restrict gRho, std::size_t i0, std::size_t i1) {
  const float* __restrict mu = a.mu;
  const float* __restrict rho = a.rho;
  const float* __restrict pm = a.priorMean;
  const float invPriorVar = 1.0f / (a.priorStd * a.priorStd);
  // d scale / d sigma = 2 sigma for the variance, 1 for sigma itself
  const float slopeSigma = a.variance ? 2.0f : 0.0f;
  const float slopeOne = a.variance ? 0.0f : 1.0f;
  for (std::size_t i = i0; i < i1; ++i) {
    const Softplus s = softplus(rho[i]);
    const float d = mu[i] - (kScalarPriorMean ? pm[0] : pm[i]);
    const float dSigma = gScale[i] * (slopeSigma * s.sigma + slopeOne) + gKl * (s.sigma * invPriorVar - 1.0f / s.sigma);
    gRho[i] = dSigma * s.sigmoid;
    gMu[i] = gMean[i] + gKl * d * invPriorVar;
  }
}

}  // namespace

double meanFieldForward(const MeanFieldArgs& a, float* meanOut, float* scaleOut, std::size_t i0, std::size_t i1) {
  return a.priorMeanLength == 1 ? forwardRange<true>(a, meanOut, scaleOut, i0, i1) : forwardRange<false>(a, meanOut, scaleOut, i0, i1);
}

void meanFieldBackward(const MeanFieldArgs& a, const float* gMean, const float* gScale, float gKl, float* gMu, float* gRho, std::size_t i0,
                       std::size_t i1) {
  if (a.priorMeanLength == 1)
    backwardRange<true>(a, gMean, gScale, gKl, gMu, gRho, i0, i1);
  else
    backwardRange<false>(a, gMean, gScale, gKl, gMu, gRho, i0, i1);
}

}  // namespace cristal_bayesian
