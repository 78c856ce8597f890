// Fused multi-step leaky integrate-and-fire scans: the whole time loop of a layer in one call,
// forward and backward (BPTT with a surrogate derivative). Plain C++ over float buffers so that the
// N-API binding and tests can share it. Per element m and step t:
//   u_t = beta * v_{t-1} + I_t            (pre-reset membrane)
//   s_t = H(u_t - theta)                  (spike; backward uses surrogate'(u_t - theta))
//   v_t = u_t - theta s_t   (subtract) | (1 - s_t) u_t (zero) | u_t (none)
#pragma once
#include <cstddef>

namespace cristal {

enum ResetMode { RESET_SUBTRACT = 0, RESET_ZERO = 1, RESET_NONE = 2 };
enum Surrogate { SG_ARCTAN = 0, SG_FAST_SIGMOID = 1, SG_SIGMOID = 2, SG_TRIANGULAR = 3, SG_STRAIGHT_THROUGH = 4 };

struct LifShape {
  std::size_t T;        // time steps
  std::size_t M;        // elements per step (batch x neurons)
  std::size_t N;        // neurons (parameters broadcast over M by index m % N)
  bool inputPerStep;    // current given per step [T, M], or one [M] for every step
  std::size_t betaLen;  // 1 (shared) or N (per neuron)
  std::size_t thetaLen; // 1 or N
};

struct LifParams {
  const float* beta;
  const float* theta;
  int reset;
  int surrogate;
  float slope;
  bool detachReset;
};

// Writes spikes [T, M], u (pre-reset membrane) [T, M], and v (post-reset membrane) [T, M] if non-null,
// and the final membrane vT [M]. Elements [m0, m1) only: callers split the work across threads.
void lifForward(const LifShape& shape, const LifParams& p, const float* current, const float* v0, float* spikes, float* u,
                float* v, float* vT, std::size_t m0, std::size_t m1);

// Given dL/ds_t (gS, may be null), dL/dv_t (gV, may be null) and dL/dv_T (gVT, may be null), writes
// dL/dI (per step [T, M] or summed over steps [M]) and dL/dv0 [M]; accumulates dL/dbeta and
// dL/dtheta into gBeta [betaLen] and gTheta [thetaLen] (caller zeroes them; per-thread buffers).
void lifBackward(const LifShape& shape, const LifParams& p, const float* v0, const float* spikes, const float* u,
                 const float* gS, const float* gV, const float* gVT, float* gI, float* gV0, double* gBeta, double* gTheta,
                 std::size_t m0, std::size_t m1);

// Surrogate derivative of the Heaviside step at x = u - theta.
float surrogateGrad(int kind, float slope, float x);

}  // namespace cristal
