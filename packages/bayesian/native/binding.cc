// N-API entry points of the fused kernels. JavaScript allocates every buffer and the kernels write
// into them in place. Work is cut into fixed blocks whose partial sums are added in block order, so
// the KL does not depend on the thread count.
#include <node_api.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mean_field.h"
#include "xoshiro.h"
#include "local_reparam.h"
#include "standard_normal.h"
#include "dense_local_reparam.h"
#include "thread_pool.h"

namespace {

constexpr std::size_t kBlock = 16384;

struct Args {
  napi_env env;
  std::vector<napi_value> v;
  bool failed = false;

  Args(napi_env e, napi_callback_info info, std::size_t n) : env(e), v(n) {
    std::size_t argc = n;
    napi_get_cb_info(env, info, &argc, v.data(), nullptr, nullptr);
    if (argc != n) fail("expected " + std::to_string(n) + " arguments, got " + std::to_string(argc));
  }
  void fail(const std::string& msg) {
    if (!failed) napi_throw_type_error(env, nullptr, ("cristal_bayesian: " + msg).c_str());
    failed = true;
  }
  double num(std::size_t i) {
    double d = 0;
    if (napi_get_value_double(env, v[i], &d) != napi_ok) fail("argument " + std::to_string(i) + " must be a number");
    return d;
  }
  bool isNull(std::size_t i) {
    napi_valuetype t;
    napi_typeof(env, v[i], &t);
    return t == napi_null || t == napi_undefined;
  }
  bool flag(std::size_t i) {
    bool b = false;
    if (napi_get_value_bool(env, v[i], &b) != napi_ok) fail("argument " + std::to_string(i) + " must be a boolean");
    return b;
  }
  // A Uint32Array of at least `length` values (exactly, unless atLeast).
  std::uint32_t* uints(std::size_t i, std::size_t length, bool atLeast = false) {
    napi_typedarray_type type;
    std::size_t n = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, v[i], &type, &n, &data, nullptr, nullptr) != napi_ok || type != napi_uint32_array) {
      fail("argument " + std::to_string(i) + " must be a Uint32Array");
      return nullptr;
    }
    if (atLeast ? n < length : n != length) fail("argument " + std::to_string(i) + " has " + std::to_string(n) + " values, expected " + std::to_string(length));
    return static_cast<std::uint32_t*>(data);
  }
  // A Float64Array of exactly `length` values.
  double* doubles(std::size_t i, std::size_t length) {
    napi_typedarray_type type;
    std::size_t n = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, v[i], &type, &n, &data, nullptr, nullptr) != napi_ok || type != napi_float64_array) {
      fail("argument " + std::to_string(i) + " must be a Float64Array");
      return nullptr;
    }
    if (n != length) fail("argument " + std::to_string(i) + " has " + std::to_string(n) + " values, expected " + std::to_string(length));
    return static_cast<double*>(data);
  }
  // A Float32Array of exactly `length` values (any length when length is 0; its length is returned).
  float* floats(std::size_t i, std::size_t length, std::size_t* actual = nullptr) {
    napi_typedarray_type type;
    std::size_t n = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, v[i], &type, &n, &data, nullptr, nullptr) != napi_ok || type != napi_float32_array) {
      fail("argument " + std::to_string(i) + " must be a Float32Array");
      return nullptr;
    }
    if (length != 0 && n != length) fail("argument " + std::to_string(i) + " has " + std::to_string(n) + " values, expected " + std::to_string(length));
    if (actual) *actual = n;
    return static_cast<float*>(data);
  }
};

// Runs work(b0, b1) over block ranges [b0, b1) of `blocks` blocks on up to `threads` threads.
template <typename F>
void parallelBlocks(std::size_t blocks, std::size_t threads, F work) {
  threads = std::max<std::size_t>(1, std::min(threads, blocks / 2));
  if (threads == 1) {
    work(0, blocks);
    return;
  }
  const std::size_t per = (blocks + threads - 1) / threads;
  cristal::runParallel(threads, [&](std::size_t k) {
    const std::size_t b0 = k * per, b1 = std::min(blocks, b0 + per);
    if (b0 < b1) work(b0, b1);
  });
}

bool readArgs(Args& a, cristal_bayesian::MeanFieldArgs& m, std::size_t* n) {
  std::size_t count = 0;
  m.mu = a.floats(0, 0, &count);
  m.rho = a.floats(1, count);
  m.priorMean = a.floats(2, 0, &m.priorMeanLength);
  m.priorStd = static_cast<float>(a.num(3));
  m.variance = a.flag(4);
  if (!a.failed && m.priorMeanLength != 1 && m.priorMeanLength != count) a.fail("the prior mean must have 1 value or one per parameter");
  if (!a.failed && !(m.priorStd > 0.0f)) a.fail("the prior standard deviation must be positive");
  *n = count;
  return !a.failed;
}

// meanFieldForward(mu, rho, priorMean (1 or n), priorStd, variance, meanOut, scaleOut, threads) -> KL in nats
napi_value Forward(napi_env env, napi_callback_info info) {
  Args a(env, info, 8);
  if (a.failed) return nullptr;
  cristal_bayesian::MeanFieldArgs m{};
  std::size_t n = 0;
  if (!readArgs(a, m, &n)) return nullptr;
  float* meanOut = a.floats(5, n);
  float* scaleOut = a.floats(6, n);
  const auto threads = static_cast<std::size_t>(std::max(1.0, a.num(7)));
  if (a.failed) return nullptr;
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> partial(blocks, 0.0);
  parallelBlocks(blocks, threads, [&](std::size_t b0, std::size_t b1) {
    for (std::size_t b = b0; b < b1; ++b) partial[b] = cristal_bayesian::meanFieldForward(m, meanOut, scaleOut, b * kBlock, std::min(n, (b + 1) * kBlock));
  });
  double kl = 0.0;
  for (double p : partial) kl += p;
  napi_value result;
  napi_create_double(env, kl, &result);
  return result;
}

// meanFieldBackward(mu, rho, priorMean, priorStd, variance, gMean, gScale, gKl, gMu, gRho, threads)
napi_value Backward(napi_env env, napi_callback_info info) {
  Args a(env, info, 11);
  if (a.failed) return nullptr;
  cristal_bayesian::MeanFieldArgs m{};
  std::size_t n = 0;
  if (!readArgs(a, m, &n)) return nullptr;
  const float* gMean = a.floats(5, n);
  const float* gScale = a.floats(6, n);
  const auto gKl = static_cast<float>(a.num(7));
  float* gMu = a.floats(8, n);
  float* gRho = a.floats(9, n);
  const auto threads = static_cast<std::size_t>(std::max(1.0, a.num(10)));
  if (a.failed) return nullptr;
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  parallelBlocks(blocks, threads, [&](std::size_t b0, std::size_t b1) {
    cristal_bayesian::meanFieldBackward(m, gMean, gScale, gKl, gMu, gRho, b0 * kBlock, std::min(n, b1 * kBlock));
  });
  return nullptr;
}

// fillStandardNormal(state (Uint32Array of 4, advanced in place), out, scratch (Uint32Array >= 2 ceil(n / 2)), threads)
napi_value FillStandardNormal(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  if (a.failed) return nullptr;
  std::uint32_t* state = a.uints(0, 4);
  std::size_t n = 0;
  float* out = a.floats(1, 0, &n);
  const std::size_t pairs = (n + 1) / 2;
  std::uint32_t* scratch = a.uints(2, 2 * pairs, true);
  const auto threads = static_cast<std::size_t>(std::max(1.0, a.num(3)));
  if (a.failed) return nullptr;
  cristal_bayesian::xoshiroDraw(state, scratch, 2 * pairs);
  constexpr std::size_t kPairBlock = 8192;
  const std::size_t blocks = (pairs + kPairBlock - 1) / kPairBlock;
  parallelBlocks(blocks, threads, [&](std::size_t b0, std::size_t b1) {
    cristal_bayesian::standardNormalPairs(scratch, out, n, b0 * kPairBlock, std::min(pairs, b1 * kPairBlock));
  });
  return nullptr;
}

constexpr std::size_t kRowBlock = 16;

// localReparamForward(B, N, m, v, bMean, bVar, eps, y, s, threads)
napi_value LocalReparamForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 10);
  if (a.failed) return nullptr;
  const auto B = static_cast<std::size_t>(a.num(0));
  const auto N = static_cast<std::size_t>(a.num(1));
  const float* m = a.floats(2, B * N);
  const float* v = a.floats(3, B * N);
  const float* bMean = a.floats(4, N);
  const float* bVar = a.floats(5, N);
  const float* eps = a.floats(6, B * N);
  float* y = a.floats(7, B * N);
  float* s = a.floats(8, B * N);
  const auto threads = static_cast<std::size_t>(std::max(1.0, a.num(9)));
  if (a.failed || B * N == 0) return nullptr;
  const std::size_t blocks = (B + kRowBlock - 1) / kRowBlock;
  const std::size_t useThreads = B * N < 32768 ? 1 : threads;
  parallelBlocks(blocks, useThreads, [&](std::size_t k0, std::size_t k1) {
    cristal_bayesian::localReparamForward(m, v, bMean, bVar, eps, y, s, N, k0 * kRowBlock, std::min(B, k1 * kRowBlock));
  });
  return nullptr;
}

// localReparamBackward(B, N, dy, eps, s, dv, dbMean (Float64Array N), dbVar (Float64Array N), threads)
// The bias sums are taken per block of rows and added in block order: independent of the threads.
napi_value LocalReparamBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 9);
  if (a.failed) return nullptr;
  const auto B = static_cast<std::size_t>(a.num(0));
  const auto N = static_cast<std::size_t>(a.num(1));
  const float* dy = a.floats(2, B * N);
  const float* eps = a.floats(3, B * N);
  const float* s = a.floats(4, B * N);
  float* dv = a.floats(5, B * N);
  double* dbMean = a.doubles(6, N);
  double* dbVar = a.doubles(7, N);
  const auto threads = static_cast<std::size_t>(std::max(1.0, a.num(8)));
  if (a.failed || B * N == 0) return nullptr;
  const std::size_t blocks = (B + kRowBlock - 1) / kRowBlock;
  std::vector<double> partMean(blocks * N, 0.0), partVar(blocks * N, 0.0);
  const std::size_t useThreads = B * N < 32768 ? 1 : threads;
  parallelBlocks(blocks, useThreads, [&](std::size_t k0, std::size_t k1) {
    for (std::size_t k = k0; k < k1; ++k)
      cristal_bayesian::localReparamBackward(dy, eps, s, dv, &partMean[k * N], &partVar[k * N], N, k * kRowBlock, std::min(B, (k + 1) * kRowBlock));
  });
  for (std::size_t k = 0; k < blocks; ++k)
    for (std::size_t n = 0; n < N; ++n) {
      dbMean[n] += partMean[k * N + n];
      dbVar[n] += partVar[k * N + n];
    }
  return nullptr;
}

bool readDense(Args& a, cristal_bayesian::DenseShape& d, cristal_bayesian::DensePosterior& p) {
  d.B = static_cast<std::size_t>(a.num(0));
  d.K = static_cast<std::size_t>(a.num(1));
  d.N = static_cast<std::size_t>(a.num(2));
  p.mu = a.floats(3, d.K * d.N);
  p.rho = a.floats(4, d.K * d.N);
  p.bMu = a.floats(5, d.N);
  p.bRho = a.floats(6, d.N);
  p.priorMean = static_cast<float>(a.num(7));
  p.priorStd = static_cast<float>(a.num(8));
  if (!a.failed && !(p.priorStd > 0.0f)) a.fail("the prior standard deviation must be positive");
  return !a.failed;
}

// denseLocalReparamForward(B, K, N, mu, rho, bMu, bRho, priorMean, priorStd, x, eps, y, s, varW, varB, threads, relu) -> KL
napi_value DenseLocalReparamForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 17);
  if (a.failed) return nullptr;
  cristal_bayesian::DenseShape d{};
  cristal_bayesian::DensePosterior p{};
  if (!readDense(a, d, p)) return nullptr;
  const float* x = a.floats(9, d.B * d.K);
  const float* eps = a.floats(10, d.B * d.N);
  float* y = a.floats(11, d.B * d.N);
  float* s = a.floats(12, d.B * d.N);
  float* varW = a.floats(13, d.K * d.N);
  float* varB = a.floats(14, d.N);
  const auto threads = static_cast<std::size_t>(std::max(1.0, a.num(15)));
  const bool relu = a.flag(16);
  if (a.failed) return nullptr;
  const double kl = cristal_bayesian::denseLocalReparamForward(d, p, x, eps, relu, y, s, varW, varB, threads);
  napi_value result;
  napi_create_double(env, kl, &result);
  return result;
}

// denseLocalReparamBackward(B, K, N, mu, rho, bMu, bRho, priorMean, priorStd, x, eps, s, dy, gKl, dv, gW1, gW2, gMu, gRho, gbMu, gbRho,
//                           threads, reluOutput | null, dm)
napi_value DenseLocalReparamBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 24);
  if (a.failed) return nullptr;
  cristal_bayesian::DenseShape d{};
  cristal_bayesian::DensePosterior p{};
  if (!readDense(a, d, p)) return nullptr;
  const std::size_t BN = d.B * d.N, KN = d.K * d.N;
  const float* x = a.floats(9, d.B * d.K);
  const float* eps = a.floats(10, BN);
  const float* s = a.floats(11, BN);
  const float* dy = a.floats(12, BN);
  const auto gKl = static_cast<float>(a.num(13));
  float* dv = a.floats(14, BN);
  float* gW1 = a.floats(15, KN);
  float* gW2 = a.floats(16, KN);
  float* gMu = a.floats(17, KN);
  float* gRho = a.floats(18, KN);
  float* gbMu = a.floats(19, d.N);
  float* gbRho = a.floats(20, d.N);
  const auto threads = static_cast<std::size_t>(std::max(1.0, a.num(21)));
  const float* reluOutput = a.isNull(22) ? nullptr : a.floats(22, BN);
  float* dm = a.floats(23, BN);
  if (a.failed) return nullptr;
  cristal_bayesian::denseLocalReparamBackward(d, p, x, eps, s, dy, reluOutput, gKl, dm, dv, gW1, gW2, gMu, gRho, gbMu, gbRho, threads);
  return nullptr;
}

// denseLocalReparamInputGrad(B, K, N, mu, varW, x, dm, dv, dx, t, threads)
napi_value DenseLocalReparamInputGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 11);
  if (a.failed) return nullptr;
  cristal_bayesian::DenseShape d{};
  d.B = static_cast<std::size_t>(a.num(0));
  d.K = static_cast<std::size_t>(a.num(1));
  d.N = static_cast<std::size_t>(a.num(2));
  const float* mu = a.floats(3, d.K * d.N);
  const float* varW = a.floats(4, d.K * d.N);
  const float* x = a.floats(5, d.B * d.K);
  const float* dy = a.floats(6, d.B * d.N);
  const float* dv = a.floats(7, d.B * d.N);
  float* dx = a.floats(8, d.B * d.K);
  float* t = a.floats(9, d.B * d.K);
  const auto threads = static_cast<std::size_t>(std::max(1.0, a.num(10)));
  if (a.failed) return nullptr;
  cristal_bayesian::denseLocalReparamInputGrad(d, mu, varW, x, dy, dv, dx, t, threads);
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"meanFieldForward", nullptr, Forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"meanFieldBackward", nullptr, Backward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"localReparamForward", nullptr, LocalReparamForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"localReparamBackward", nullptr, LocalReparamBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fillStandardNormal", nullptr, FillStandardNormal, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"denseLocalReparamForward", nullptr, DenseLocalReparamForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"denseLocalReparamBackward", nullptr, DenseLocalReparamBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"denseLocalReparamInputGrad", nullptr, DenseLocalReparamInputGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 8, props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
