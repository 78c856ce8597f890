// One discriminative predictive-coding training step in a single native call: feedforward sweep,
// T inference steps on the hidden value nodes (input and target clamped), then the local weight
// gradients. The same equations as src/pc (inference.ts, local-updates.ts), for the configurations
// those files call "standard": recomputed predictions, clamped output (squared error or
// categorical), optional heavy-ball momentum, per-layer precisions. Keeping every value node,
// error and transposed weight resident for the T steps removes the per-op dispatch and tensor
// traffic that dominate the TensorFlow path on layers this small.
#pragma once
#include <cstddef>

namespace cristal {

enum class PcActivation { Linear = 0, Tanh = 1, Sigmoid = 2, Relu = 3 };

struct PcStepProblem {
  std::size_t batch;                 // B
  std::size_t layers;                // L, weight layers; sizes has L + 1 entries
  const std::size_t* sizes;          // n_0 .. n_L
  PcActivation activation;           // f on the hidden layers 1 .. L-1 (f_0 is the identity)
  bool categorical;                  // output energy: softmax cross-entropy instead of squared error
  std::size_t inferenceSteps;        // T
  float stepSize;                    // eta
  float momentum;                    // m in [0, 1)
  const float* precisions;           // pi_1 .. pi_L
  const float* input;                // x_0, B x n_0 (clamped)
  const float* target;               // y, B x n_L (clamped)
  const float* const* weights;       // W_l, n_l x n_{l+1}, row-major
  const float* const* biases;        // b_l, n_{l+1}
};

struct PcStepOutput {
  float* const* weightGradients;     // dF̄/dW_l, n_l x n_{l+1}
  float* const* biasGradients;       // dF̄/db_l, n_{l+1}
  float* const* hiddenNodes;         // relaxed x_1 .. x_{L-1} (B x n_l each), or nullptr
};

// Deterministic: the same inputs give the same bits whatever `threads` (every sum has one fixed order).
void pcTrainingStep(const PcStepProblem& problem, const PcStepOutput& output, std::size_t threads);

}  // namespace cristal
