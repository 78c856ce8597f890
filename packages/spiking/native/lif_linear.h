// A LIF layer fused with its outgoing dense projection: out_t = s_t W (W is [N, K]). The spikes never
// leave the kernel; the projection is event-driven (each spike adds one row of W: a synaptic
// operation), and the backward pass forms dL/ds_t = dL/dout_t W^T inside the scan. Same LIF equations
// as lif_scan.h. Rows (batch elements) are independent: the kernels split them across `threads`
// threads of the pool themselves, with results that do not depend on the thread count.
#pragma once
#include <cstddef>

#include "lif_scan.h"

namespace cristal {

struct LinearShape {
  std::size_t T, B, N, K;
  bool inputPerStep;  // current [T, B, N] or one [B, N] for every step
  std::size_t betaLen, thetaLen;
};

// Writes out [T, B, K] = s_t W (+ outBias [K] when non-null; overwritten) and vT [B, N], and adds the
// spikes of each step to spikeCount[t]. Nothing is kept for the backward pass: it replays the scan.
void lifLinearForward(const LinearShape& sh, const LifParams& p, const float* current, const float* v0, const float* W,
                      const float* outBias, float* out, float* vT, double* spikeCount, std::size_t threads);

// From the forward pass's inputs (current, v0 may be null), dL/dout [T, B, K] and dL/dvT [B, N] (may
// be null): writes dL/dI (per step or summed over steps) and dL/dv0 [B, N] (skipped when gV0 is
// null), and accumulates dL/dW [N, K], dL/dbeta, dL/dtheta into the given buffers (gBeta and gTheta
// may both be null: parameters that take no gradient, and two passes fewer per row), and dL/dI summed
// over rows and steps into gInputBias [N] when non-null (the gradient of a bias in the current).
void lifLinearBackward(const LinearShape& sh, const LifParams& p, const float* current, const float* v0, const float* W, const float* gOut,
                       const float* gVT, float* gI, float* gV0, double* gW, double* gBeta, double* gTheta, double* gInputBias,
                       std::size_t threads);

}  // namespace cristal
