// N-API entry points for the fused scans. JavaScript allocates every buffer (typed arrays) and the
// kernels write into them in place: no copies between the two sides.
#include <node_api.h>

#include <string>
#include <thread>
#include <vector>

#include "lif_scan.h"

namespace {

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
    if (!failed) napi_throw_type_error(env, nullptr, ("cristal_spiking: " + msg).c_str());
    failed = true;
  }
  bool isNull(std::size_t i) {
    napi_valuetype t;
    napi_typeof(env, v[i], &t);
    return t == napi_null || t == napi_undefined;
  }
  double num(std::size_t i) {
    double d = 0;
    if (napi_get_value_double(env, v[i], &d) != napi_ok) fail("argument " + std::to_string(i) + " must be a number");
    return d;
  }
  template <typename T>
  T* array(std::size_t i, napi_typedarray_type want, std::size_t minLength, bool optional = false) {
    if (optional && isNull(i)) return nullptr;
    napi_typedarray_type type;
    std::size_t length = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, v[i], &type, &length, &data, nullptr, nullptr) != napi_ok || type != want) {
      fail("argument " + std::to_string(i) + " has the wrong typed-array type");
      return nullptr;
    }
    if (length < minLength) fail("argument " + std::to_string(i) + " is too short");
    return static_cast<T*>(data);
  }
};

template <typename F>
void parallel(std::size_t M, std::size_t threads, F work) {
  if (threads <= 1 || M < 2 * threads) {
    work(0, 0, M);
    return;
  }
  std::vector<std::thread> pool;
  const std::size_t chunk = (M + threads - 1) / threads;
  for (std::size_t k = 1; k < threads; ++k) {
    const std::size_t m0 = k * chunk, m1 = std::min(M, m0 + chunk);
    if (m0 < m1) pool.emplace_back(work, k, m0, m1);
  }
  work(0, 0, std::min(M, chunk));
  for (auto& t : pool) t.join();
}

// forward(T, M, N, inputPerStep, current, v0|null, beta, theta, reset, spikes, u, v|null, vT|null, threads)
napi_value Forward(napi_env env, napi_callback_info info) {
  Args a(env, info, 14);
  if (a.failed) return nullptr;
  cristal::LifShape sh{};
  sh.T = static_cast<std::size_t>(a.num(0));
  sh.M = static_cast<std::size_t>(a.num(1));
  sh.N = static_cast<std::size_t>(a.num(2));
  bool perStep = false;
  napi_get_value_bool(env, a.v[3], &perStep);
  sh.inputPerStep = perStep;
  const std::size_t TM = sh.T * sh.M;
  const float* current = a.array<float>(4, napi_float32_array, perStep ? TM : sh.M);
  const float* v0 = a.array<float>(5, napi_float32_array, sh.M, true);
  napi_typedarray_type type;
  void* data;
  napi_get_typedarray_info(env, a.v[6], &type, &sh.betaLen, &data, nullptr, nullptr);
  napi_get_typedarray_info(env, a.v[7], &type, &sh.thetaLen, &data, nullptr, nullptr);
  cristal::LifParams p{};
  p.beta = a.array<float>(6, napi_float32_array, 1);
  p.theta = a.array<float>(7, napi_float32_array, 1);
  p.reset = static_cast<int>(a.num(8));
  float* spikes = a.array<float>(9, napi_float32_array, TM);
  float* u = a.array<float>(10, napi_float32_array, TM);
  float* v = a.array<float>(11, napi_float32_array, TM, true);
  float* vT = a.array<float>(12, napi_float32_array, sh.M, true);
  const auto threads = static_cast<std::size_t>(a.num(13));
  if ((sh.betaLen != 1 && sh.betaLen != sh.N) || (sh.thetaLen != 1 && sh.thetaLen != sh.N)) a.fail("beta and theta must have length 1 or N");
  if (sh.N == 0 || sh.M % sh.N != 0) a.fail("M must be a multiple of N");
  if (a.failed) return nullptr;
  parallel(sh.M, threads, [&](std::size_t, std::size_t m0, std::size_t m1) { cristal::lifForward(sh, p, current, v0, spikes, u, v, vT, m0, m1); });
  return nullptr;
}

// backward(T, M, N, inputPerStep, beta, theta, reset, surrogate, slope, detachReset, v0|null, spikes, u,
//          gS|null, gV|null, gVT|null, gI, gV0|null, gBeta (Float64Array), gTheta (Float64Array), threads)
napi_value Backward(napi_env env, napi_callback_info info) {
  Args a(env, info, 21);
  if (a.failed) return nullptr;
  cristal::LifShape sh{};
  sh.T = static_cast<std::size_t>(a.num(0));
  sh.M = static_cast<std::size_t>(a.num(1));
  sh.N = static_cast<std::size_t>(a.num(2));
  bool perStep = false, detach = false;
  napi_get_value_bool(env, a.v[3], &perStep);
  napi_get_value_bool(env, a.v[9], &detach);
  sh.inputPerStep = perStep;
  napi_typedarray_type type;
  void* data;
  napi_get_typedarray_info(env, a.v[4], &type, &sh.betaLen, &data, nullptr, nullptr);
  napi_get_typedarray_info(env, a.v[5], &type, &sh.thetaLen, &data, nullptr, nullptr);
  cristal::LifParams p{};
  p.beta = a.array<float>(4, napi_float32_array, 1);
  p.theta = a.array<float>(5, napi_float32_array, 1);
  p.reset = static_cast<int>(a.num(6));
  p.surrogate = static_cast<int>(a.num(7));
  p.slope = static_cast<float>(a.num(8));
  p.detachReset = detach;
  const std::size_t TM = sh.T * sh.M;
  const float* v0 = a.array<float>(10, napi_float32_array, sh.M, true);
  const float* spikes = a.array<float>(11, napi_float32_array, TM);
  const float* u = a.array<float>(12, napi_float32_array, TM);
  const float* gS = a.array<float>(13, napi_float32_array, TM, true);
  const float* gV = a.array<float>(14, napi_float32_array, TM, true);
  const float* gVT = a.array<float>(15, napi_float32_array, sh.M, true);
  float* gI = a.array<float>(16, napi_float32_array, perStep ? TM : sh.M);
  float* gV0 = a.array<float>(17, napi_float32_array, sh.M, true);
  double* gBeta = a.array<double>(18, napi_float64_array, sh.betaLen);
  double* gTheta = a.array<double>(19, napi_float64_array, sh.thetaLen);
  const auto threads = static_cast<std::size_t>(a.num(20));
  if (a.failed) return nullptr;
  const std::size_t k = threads < 1 ? 1 : threads;
  std::vector<std::vector<double>> gb(k, std::vector<double>(sh.betaLen, 0.0)), gt(k, std::vector<double>(sh.thetaLen, 0.0));
  parallel(sh.M, k, [&](std::size_t w, std::size_t m0, std::size_t m1) {
    cristal::lifBackward(sh, p, v0, spikes, u, gS, gV, gVT, gI, gV0, gb[w].data(), gt[w].data(), m0, m1);
  });
  for (std::size_t w = 0; w < k; ++w) {
    for (std::size_t j = 0; j < sh.betaLen; ++j) gBeta[j] += gb[w][j];
    for (std::size_t j = 0; j < sh.thetaLen; ++j) gTheta[j] += gt[w][j];
  }
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"lifForward", nullptr, Forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lifBackward", nullptr, Backward, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
