// Fused multi-step adaptive-threshold LIF (ALIF, Bellec et al. 2018) scans: the whole time loop of a
// layer in one call, forward and backward (BPTT with a surrogate derivative), as lif_scan.h does for
// LIF. Per element m and step t, with a_t the adaptation carried into step t:
//   theta_t = theta0 + b a_t              (adaptive threshold)
//   u_t = beta * v_{t-1} + I_t            (pre-reset membrane)
//   s_t = H(u_t - theta_t)                (spike; backward uses surrogate'(u_t - theta_t))
//   v_t = u_t - theta_t s_t (subtract) | (1 - s_t) u_t (zero) | u_t (none)
//   a_{t+1} = rho a_t + s_t               (the reset is detachable; the adaptation path never is)
#pragma once
#include <cstddef>

#include "lif_scan.h"  // ResetMode and Surrogate ids: one numbering for every kernel and TypeScript

namespace cristal {

struct AlifShape {
  std::size_t T;        // time steps
  std::size_t M;        // elements per step (batch x neurons)
  std::size_t N;        // neurons (parameters broadcast over M by index m % N)
  bool inputPerStep;    // current given per step [T, M], or one [M] for every step
  std::size_t betaLen;  // each parameter: 1 (shared) or N (per neuron)
  std::size_t thetaLen;
  std::size_t rhoLen;
  std::size_t bLen;
};

struct AlifParams {
  const float* beta;   // membrane decay
  const float* theta;  // baseline threshold theta0
  const float* rho;    // adaptation decay exp(-dt / tau_a)
  const float* b;      // threshold increase per unit of adaptation
  int reset;
  int surrogate;
  float slope;
  bool detachReset;
};

// Writes spikes, u (pre-reset membrane) and a (adaptation used at each step) [T, M]; v (post-reset
// membrane) and th (threshold) [T, M] if non-null; the final state vT and aT (= a_{T+1}) [M] if
// non-null. v0 and a0 may be null (zeros). Elements [m0, m1) only: callers split the work.
void alifForward(const AlifShape& shape, const AlifParams& p, const float* current, const float* v0, const float* a0, float* spikes, float* u,
                 float* a, float* v, float* th, float* vT, float* aT, std::size_t m0, std::size_t m1);

// Given dL/ds_t (gS), dL/dv_t (gV), dL/dtheta_t (gTh), dL/dv_T (gVT) and dL/da_{T+1} (gAT), any of
// them null, writes dL/dI (per step [T, M] or summed over steps [M]), dL/dv0 and dL/da0 [M] (if
// non-null), and accumulates the parameter gradients into gBeta, gTheta, gRho, gB (caller zeroes them).
void alifBackward(const AlifShape& shape, const AlifParams& p, const float* v0, const float* spikes, const float* u, const float* a,
                  const float* gS, const float* gV, const float* gTh, const float* gVT, const float* gAT, float* gI, float* gV0, float* gA0,
                  double* gBeta, double* gTheta, double* gRho, double* gB, std::size_t m0, std::size_t m1);

}  // namespace cristal
