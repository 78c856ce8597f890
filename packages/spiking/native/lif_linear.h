// A LIF layer fused with its outgoing dense projection: out_t = s_t W (W is [N, K]). The spikes never
// leave the kernel; the projection is event-driven (each spike adds one row of W: a synaptic
// operation), and the backward pass forms dL/ds_t = dL/dout_t W^T inside the scan. Same LIF equations
// as lif_scan.h. Rows (batch elements) are independent, so callers split work by row ranges.
#pragma once
#include <cstddef>

#include "lif_scan.h"

namespace cristal {

struct LinearShape {
  std::size_t T, B, N, K;
  bool inputPerStep;  // current [T, B, N] or one [B, N] for every step
  std::size_t betaLen, thetaLen;
};

// Writes out [T, B, K] (overwritten), u [T, B, N] (pre-reset membrane, kept for the backward pass),
// vT [B, N], and adds the spikes of each step to spikeCount[t] (rows [b0, b1) only).
void lifLinearForward(const LinearShape& sh, const LifParams& p, const float* current, const float* v0, const float* W, float* out,
                      float* u, float* vT, double* spikeCount, std::size_t b0, std::size_t b1);

// From dL/dout [T, B, K] and dL/dvT [B, N] (may be null): dL/dI (per step or summed over steps),
// dL/dv0 [B, N], and accumulates dL/dW [N, K], dL/dbeta, dL/dtheta into the given buffers.
void lifLinearBackward(const LinearShape& sh, const LifParams& p, const float* v0, const float* W, const float* u, const float* gOut,
                       const float* gVT, float* gI, float* gV0, double* gW, double* gBeta, double* gTheta, std::size_t b0,
                       std::size_t b1);

}  // namespace cristal
