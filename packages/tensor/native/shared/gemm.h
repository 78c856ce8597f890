// Single-precision matrix product for the fused dense layers of the model-family addons (see
// gemm.cc). Shared source: the bayesian and spiking addons each compile it in (binding.gyp), so the
// packed SGEMM has one implementation.
#pragma once
#include <cstddef>

namespace cristal {

struct GemmOperand {
  const float* data;
  std::size_t ld;       // row stride of the stored (row-major) matrix
  bool transposed;      // use the stored matrix transposed
  bool squared = false; // use the elementwise square of the values (local reparameterisation's variance path)
};

// C[M x N] (row-major, row stride ldc) = op(A)[M x K] op(B)[K x N], or += when accumulate.
// Deterministic: every C element is summed by one thread in a fixed order, whatever `threads`.
void gemm(std::size_t M, std::size_t N, std::size_t K, const GemmOperand& A, const GemmOperand& B, float* C, std::size_t ldc, bool accumulate,
          std::size_t threads);

}  // namespace cristal
