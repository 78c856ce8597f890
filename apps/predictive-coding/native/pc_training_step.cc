#include "pc_training_step.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "fast_tanh.h"
#include "gemm.h"
#include "thread_pool.h"

namespace cristal {
namespace {

using Matrix = std::vector<float>;

// work(r0, r1) over row ranges of [0, rows), split across the pool (the elementwise passes).
template <typename F>
void forRows(std::size_t rows, std::size_t threads, F work) {
  const std::size_t parts = std::max<std::size_t>(1, std::min(threads, rows / 16));
  const std::size_t chunk = (rows + parts - 1) / parts;
  runParallel(parts, [&](std::size_t p) {
    const std::size_t r0 = p * chunk, r1 = std::min(rows, r0 + chunk);
    if (r0 < r1) work(r0, r1);
  });
}

void activate(PcActivation kind, const float* x, float* fx, std::size_t n) {
  switch (kind) {
    case PcActivation::Linear:
      std::copy(x, x + n, fx);
      break;
    case PcActivation::Tanh:
      for (std::size_t i = 0; i < n; ++i) fx[i] = fastTanh(x[i]);
      break;
    case PcActivation::Sigmoid:
      // sigma(x) = (1 + tanh(x / 2)) / 2, exactly; keeps the loop free of library calls
      for (std::size_t i = 0; i < n; ++i) fx[i] = 0.5f + 0.5f * fastTanh(0.5f * x[i]);
      break;
    case PcActivation::Relu:
      for (std::size_t i = 0; i < n; ++i) fx[i] = x[i] > 0.0f ? x[i] : 0.0f;
      break;
  }
}

// f'(x) * g given fx = f(x), written into g.
void derivativeTimes(PcActivation kind, const float* x, const float* fx, float* g, std::size_t n) {
  switch (kind) {
    case PcActivation::Linear:
      break;
    case PcActivation::Tanh:
      for (std::size_t i = 0; i < n; ++i) g[i] = g[i] * (1.0f - fx[i] * fx[i]);
      break;
    case PcActivation::Sigmoid:
      for (std::size_t i = 0; i < n; ++i) g[i] = g[i] * fx[i] * (1.0f - fx[i]);
      break;
    case PcActivation::Relu:
      for (std::size_t i = 0; i < n; ++i) g[i] = x[i] > 0.0f ? g[i] : 0.0f;
      break;
  }
}

class Step {
 public:
  Step(const PcStepProblem& p, std::size_t threads) : p_(p), L_(p.layers), B_(p.batch), threads_(threads) {
    x_.resize(L_ + 1);
    fx_.resize(L_);
    eps_.resize(L_ + 1);
    feedback_.resize(L_);
    scaledTransposed_.resize(L_);
    velocity_.resize(L_);
    for (std::size_t l = 1; l <= L_; ++l) eps_[l].resize(B_ * n(l));
    for (std::size_t l = 1; l < L_; ++l) {
      x_[l].resize(B_ * n(l));
      fx_[l].resize(B_ * n(l));
      feedback_[l].resize(B_ * n(l));
      if (p.momentum > 0.0f) velocity_[l].assign(B_ * n(l), 0.0f);
      // eta pi_{l+1} W_l^T, built once: the feedback product then reads it in place
      Matrix& t = scaledTransposed_[l];
      t.resize(n(l + 1) * n(l));
      const float scale = p.stepSize * p.precisions[l];
      for (std::size_t i = 0; i < n(l); ++i)
        for (std::size_t j = 0; j < n(l + 1); ++j) t[j * n(l) + i] = p.weights[l][i * n(l + 1) + j] * scale;
    }
    firstPrediction_.resize(B_ * n(1));
  }

  void run(const PcStepOutput& out) {
    feedforward();
    for (std::size_t t = 0; t < p_.inferenceSteps; ++t) {
      errors();
      updateHidden();
    }
    errors();
    gradients(out);
    if (out.hiddenNodes)
      for (std::size_t l = 1; l < L_; ++l) std::copy(x_[l].begin(), x_[l].end(), out.hiddenNodes[l - 1]);
  }

 private:
  std::size_t n(std::size_t l) const { return p_.sizes[l]; }

  // op(A) B into C (M x N), row-major, through the shared packed SGEMM.
  void product(std::size_t M, std::size_t N, std::size_t K, const float* a, std::size_t lda, bool transA, const float* b, std::size_t ldb, float* c) {
    gemm(M, N, K, GemmOperand{a, lda, transA}, GemmOperand{b, ldb, false}, c, N, false, threads_);
  }

  // x̄_{l+1} = f(x̄_l) W_l + b_l initialises the hidden nodes; mu_1 = x_0 W_0 + b_0 stays fixed.
  void feedforward() {
    float* mu1 = firstPrediction_.data();
    product(B_, n(1), n(0), p_.input, n(0), false, p_.weights[0], n(1), mu1);
    addBias(mu1, p_.biases[0], n(1));
    if (L_ > 1) std::copy(firstPrediction_.begin(), firstPrediction_.end(), x_[1].begin());
    for (std::size_t l = 1; l + 1 < L_; ++l) {
      const float* in = x_[l].data();
      float* fx = fx_[l].data();
      const std::size_t width = n(l);
      forRows(B_, threads_, [&](std::size_t r0, std::size_t r1) { activate(p_.activation, in + r0 * width, fx + r0 * width, (r1 - r0) * width); });
      product(B_, n(l + 1), n(l), fx, n(l), false, p_.weights[l], n(l + 1), x_[l + 1].data());
      addBias(x_[l + 1].data(), p_.biases[l], n(l + 1));
    }
  }

  void addBias(float* m, const float* bias, std::size_t width) {
    for (std::size_t r = 0; r < B_; ++r)
      for (std::size_t j = 0; j < width; ++j) m[r * width + j] += bias[j];
  }

  const float* node(std::size_t l) const { return l == L_ ? p_.target : x_[l].data(); }

  // f(x_l) on the hidden layers and every eps_l = x_l - mu_l at the current nodes.
  void errors() {
    for (std::size_t l = 1; l < L_; ++l) {
      const float* in = x_[l].data();
      float* fx = fx_[l].data();
      const std::size_t width = n(l);
      forRows(B_, threads_, [&](std::size_t r0, std::size_t r1) { activate(p_.activation, in + r0 * width, fx + r0 * width, (r1 - r0) * width); });
    }
    for (std::size_t l = 0; l < L_; ++l) {
      const std::size_t width = n(l + 1);
      float* e = eps_[l + 1].data();
      const float* x = node(l + 1);
      const bool softmaxOutput = p_.categorical && l + 1 == L_;
      if (l == 0) {
        const float* mu = firstPrediction_.data();
        if (softmaxOutput) {
          std::copy(mu, mu + B_ * width, e);
          softmaxError(e, x, width);
        } else {
          for (std::size_t i = 0; i < B_ * width; ++i) e[i] = x[i] - mu[i];
        }
        continue;
      }
      product(B_, width, n(l), fx_[l].data(), n(l), false, p_.weights[l], width, e);  // e = f(x_l) W_l
      const float* bias = p_.biases[l];
      if (softmaxOutput) {
        addBias(e, bias, width);
        softmaxError(e, x, width);
      } else {
        forRows(B_, threads_, [&](std::size_t r0, std::size_t r1) {
          for (std::size_t r = r0; r < r1; ++r)
            for (std::size_t j = 0; j < width; ++j) e[r * width + j] = (x[r * width + j] - bias[j]) - e[r * width + j];
        });
      }
    }
  }

  // logits -> y - softmax(logits), in place, row by row (max-shifted).
  void softmaxError(float* logits, const float* y, std::size_t width) {
    for (std::size_t r = 0; r < B_; ++r) {
      float* z = logits + r * width;
      const float top = *std::max_element(z, z + width);
      float sum = 0.0f;
      for (std::size_t j = 0; j < width; ++j) sum += (z[j] = std::exp(z[j] - top));
      for (std::size_t j = 0; j < width; ++j) z[j] = y[r * width + j] - z[j] / sum;
    }
  }

  // x_l += eta (-pi_l eps_l + f'(x_l) * (pi_{l+1} eps_{l+1} W_l^T)), or through the velocity.
  void updateHidden() {
    // every feedback product reads the errors before any node moves
    for (std::size_t l = 1; l < L_; ++l)
      product(B_, n(l), n(l + 1), eps_[l + 1].data(), n(l + 1), false, scaledTransposed_[l].data(), n(l), feedback_[l].data());
    for (std::size_t l = 1; l < L_; ++l) {
      const std::size_t width = n(l);
      const float drive = -p_.stepSize * p_.precisions[l - 1];
      const float m = p_.momentum;
      float* x = x_[l].data();
      float* v = m > 0.0f ? velocity_[l].data() : nullptr;
      const float* fx = fx_[l].data();
      const float* e = eps_[l].data();
      float* g = feedback_[l].data();
      forRows(B_, threads_, [&](std::size_t r0, std::size_t r1) {
        const std::size_t i0 = r0 * width, count = (r1 - r0) * width;
        derivativeTimes(p_.activation, x + i0, fx + i0, g + i0, count);
        if (v) {
          for (std::size_t i = i0; i < i0 + count; ++i) {
            v[i] = v[i] * m + e[i] * drive + g[i];
            x[i] = x[i] + v[i];
          }
        } else {
          for (std::size_t i = i0; i < i0 + count; ++i) x[i] = x[i] + e[i] * drive + g[i];
        }
      });
    }
  }

  // dF̄/dW_l = -(pi_{l+1} / B) f(x_l)^T eps_{l+1};  dF̄/db_l = -(pi_{l+1} / B) sum_batch eps_{l+1}.
  void gradients(const PcStepOutput& out) {
    for (std::size_t l = 0; l < L_; ++l) {
      const std::size_t rows = n(l), cols = n(l + 1);
      const float factor = static_cast<float>(-static_cast<double>(p_.precisions[l]) / static_cast<double>(B_));
      const float* pre = l == 0 ? p_.input : fx_[l].data();
      float* gw = out.weightGradients[l];
      product(rows, cols, B_, pre, rows, true, eps_[l + 1].data(), cols, gw);
      for (std::size_t i = 0; i < rows * cols; ++i) gw[i] *= factor;
      float* gb = out.biasGradients[l];
      const float* e = eps_[l + 1].data();
      std::fill(gb, gb + cols, 0.0f);
      for (std::size_t r = 0; r < B_; ++r)
        for (std::size_t j = 0; j < cols; ++j) gb[j] += e[r * cols + j];
      for (std::size_t j = 0; j < cols; ++j) gb[j] *= factor;
    }
  }

  const PcStepProblem& p_;
  const std::size_t L_, B_, threads_;
  std::vector<Matrix> x_, fx_, eps_, feedback_, scaledTransposed_, velocity_;
  Matrix firstPrediction_;
};

}  // namespace

void pcTrainingStep(const PcStepProblem& problem, const PcStepOutput& output, std::size_t threads) {
  Step step(problem, std::max<std::size_t>(1, threads));
  step.run(output);
}

}  // namespace cristal
