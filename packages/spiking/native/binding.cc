// N-API entry points for the fused scans. JavaScript allocates every buffer (typed arrays) and the
// kernels write into them in place: no copies between the two sides.
#include <node_api.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gemm.h"
#include "lif_linear.h"
#include "lif_scan.h"
#include "alif_scan.h"
#include "napi_util.h"

namespace {

using cristal::Args;
using cristal::parallel;

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

cristal::LinearShape linearShape(Args& a) {
  cristal::LinearShape sh{};
  sh.T = static_cast<std::size_t>(a.num(0));
  sh.B = static_cast<std::size_t>(a.num(1));
  sh.N = static_cast<std::size_t>(a.num(2));
  sh.K = static_cast<std::size_t>(a.num(3));
  bool perStep = false;
  napi_get_value_bool(a.env, a.v[4], &perStep);
  sh.inputPerStep = perStep;
  return sh;
}

// linearForward(T, B, N, K, inputPerStep, current, v0|null, beta, theta, reset, W, outBias|null, out, vT,
//               spikeCount (Float64Array T), threads)
napi_value LinearForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 16);
  if (a.failed) return nullptr;
  cristal::LinearShape sh = linearShape(a);
  const std::size_t BN = sh.B * sh.N;
  const float* current = a.array<float>(5, napi_float32_array, sh.inputPerStep ? sh.T * BN : BN);
  const float* v0 = a.array<float>(6, napi_float32_array, BN, true);
  napi_typedarray_type type;
  void* data;
  napi_get_typedarray_info(env, a.v[7], &type, &sh.betaLen, &data, nullptr, nullptr);
  napi_get_typedarray_info(env, a.v[8], &type, &sh.thetaLen, &data, nullptr, nullptr);
  cristal::LifParams p{};
  p.beta = a.array<float>(7, napi_float32_array, 1);
  p.theta = a.array<float>(8, napi_float32_array, 1);
  p.reset = static_cast<int>(a.num(9));
  const float* W = a.array<float>(10, napi_float32_array, sh.N * sh.K);
  const float* outBias = a.array<float>(11, napi_float32_array, sh.K, true);
  float* out = a.array<float>(12, napi_float32_array, sh.T * sh.B * sh.K);
  float* vT = a.array<float>(13, napi_float32_array, BN);
  double* spikeCount = a.array<double>(14, napi_float64_array, sh.T);
  const auto threads = std::max<std::size_t>(1, static_cast<std::size_t>(a.num(15)));
  if ((sh.betaLen != 1 && sh.betaLen != sh.N) || (sh.thetaLen != 1 && sh.thetaLen != sh.N)) a.fail("beta and theta must have length 1 or N");
  if (a.failed) return nullptr;
  cristal::lifLinearForward(sh, p, current, v0, W, outBias, out, vT, spikeCount, threads);
  return nullptr;
}

// linearBackward(T, B, N, K, inputPerStep, beta, theta, reset, surrogate, slope, detachReset, v0|null, W, current, gOut, gVT|null,
//                gI, gV0|null, gW (Float64Array N*K), gBeta|null, gTheta|null (Float64Array, both or neither),
//                gInputBias|null (Float64Array N), threads)
napi_value LinearBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 23);
  if (a.failed) return nullptr;
  cristal::LinearShape sh = linearShape(a);
  const std::size_t BN = sh.B * sh.N;
  napi_typedarray_type type;
  void* data;
  napi_get_typedarray_info(env, a.v[5], &type, &sh.betaLen, &data, nullptr, nullptr);
  napi_get_typedarray_info(env, a.v[6], &type, &sh.thetaLen, &data, nullptr, nullptr);
  cristal::LifParams p{};
  p.beta = a.array<float>(5, napi_float32_array, 1);
  p.theta = a.array<float>(6, napi_float32_array, 1);
  p.reset = static_cast<int>(a.num(7));
  p.surrogate = static_cast<int>(a.num(8));
  p.slope = static_cast<float>(a.num(9));
  bool detach = false;
  napi_get_value_bool(env, a.v[10], &detach);
  p.detachReset = detach;
  const float* v0 = a.array<float>(11, napi_float32_array, BN, true);
  const float* W = a.array<float>(12, napi_float32_array, sh.N * sh.K);
  const float* current = a.array<float>(13, napi_float32_array, sh.inputPerStep ? sh.T * BN : BN);
  const float* gOut = a.array<float>(14, napi_float32_array, sh.T * sh.B * sh.K);
  const float* gVT = a.array<float>(15, napi_float32_array, BN, true);
  float* gI = a.array<float>(16, napi_float32_array, sh.inputPerStep ? sh.T * BN : BN);
  float* gV0 = a.array<float>(17, napi_float32_array, BN, true);
  double* gW = a.array<double>(18, napi_float64_array, sh.N * sh.K);
  double* gBeta = a.array<double>(19, napi_float64_array, sh.betaLen, true);
  double* gTheta = a.array<double>(20, napi_float64_array, sh.thetaLen, true);
  double* gInputBias = a.array<double>(21, napi_float64_array, sh.N, true);
  const auto threads = std::max<std::size_t>(1, static_cast<std::size_t>(a.num(22)));
  if ((sh.betaLen != 1 && sh.betaLen != sh.N) || (sh.thetaLen != 1 && sh.thetaLen != sh.N)) a.fail("beta and theta must have length 1 or N");
  if ((gBeta == nullptr) != (gTheta == nullptr)) a.fail("gBeta and gTheta must both be arrays or both be null");
  if (a.failed) return nullptr;
  cristal::lifLinearBackward(sh, p, current, v0, W, gOut, gVT, gI, gV0, gW, gBeta, gTheta, gInputBias, threads);
  return nullptr;
}

// gemm(M, N, K, A, lda, transposeA, B, ldb, transposeB, C, ldc, accumulate, threads):
// C [M x N] (=|+=) op(A) [M x K] op(B) [K x N], all row-major float32 (gemm.h).
napi_value Gemm(napi_env env, napi_callback_info info) {
  Args a(env, info, 13);
  if (a.failed) return nullptr;
  const auto M = static_cast<std::size_t>(a.num(0)), N = static_cast<std::size_t>(a.num(1)), K = static_cast<std::size_t>(a.num(2));
  const auto lda = static_cast<std::size_t>(a.num(4)), ldb = static_cast<std::size_t>(a.num(7)), ldc = static_cast<std::size_t>(a.num(10));
  bool transA = false, transB = false, accumulate = false;
  napi_get_value_bool(env, a.v[5], &transA);
  napi_get_value_bool(env, a.v[8], &transB);
  napi_get_value_bool(env, a.v[11], &accumulate);
  // the stored matrices: op(A) is M x K, so A is K x M when transposed
  const std::size_t aRows = transA ? K : M, aCols = transA ? M : K, bRows = transB ? N : K, bCols = transB ? K : N;
  if (lda < aCols || ldb < bCols || ldc < N) a.fail("gemm: a leading dimension is smaller than its matrix's row");
  const float* A = a.array<float>(3, napi_float32_array, aRows == 0 ? 0 : (aRows - 1) * lda + aCols);
  const float* B = a.array<float>(6, napi_float32_array, bRows == 0 ? 0 : (bRows - 1) * ldb + bCols);
  float* C = a.array<float>(9, napi_float32_array, M == 0 ? 0 : (M - 1) * ldc + N);
  const auto threads = std::max<std::size_t>(1, static_cast<std::size_t>(a.num(12)));
  if (a.failed) return nullptr;
  cristal::gemm(M, N, K, {A, lda, transA}, {B, ldb, transB}, C, ldc, accumulate, threads);
  return nullptr;
}

// ---- ALIF (adaptive-threshold LIF) scans: alif_scan.h ----

std::size_t typedLength(napi_env env, napi_value value) {
  napi_typedarray_type type;
  std::size_t length = 0;
  void* data = nullptr;
  napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr);
  return length;
}

bool alifLengthsOk(const cristal::AlifShape& sh) {
  for (std::size_t len : {sh.betaLen, sh.thetaLen, sh.rhoLen, sh.bLen})
    if (len != 1 && len != sh.N) return false;
  return true;
}

// alifForward(T, M, N, inputPerStep, current, v0|null, a0|null, beta, theta, rho, b, reset,
//             spikes, u, a, v|null, th|null, vT|null, aT|null, threads)
napi_value AlifForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 20);
  if (a.failed) return nullptr;
  cristal::AlifShape sh{};
  sh.T = static_cast<std::size_t>(a.num(0));
  sh.M = static_cast<std::size_t>(a.num(1));
  sh.N = static_cast<std::size_t>(a.num(2));
  bool perStep = false;
  napi_get_value_bool(env, a.v[3], &perStep);
  sh.inputPerStep = perStep;
  const std::size_t TM = sh.T * sh.M;
  const float* current = a.array<float>(4, napi_float32_array, perStep ? TM : sh.M);
  const float* v0 = a.array<float>(5, napi_float32_array, sh.M, true);
  const float* a0 = a.array<float>(6, napi_float32_array, sh.M, true);
  cristal::AlifParams p{};
  p.beta = a.array<float>(7, napi_float32_array, 1);
  p.theta = a.array<float>(8, napi_float32_array, 1);
  p.rho = a.array<float>(9, napi_float32_array, 1);
  p.b = a.array<float>(10, napi_float32_array, 1);
  if (a.failed) return nullptr;
  sh.betaLen = typedLength(env, a.v[7]);
  sh.thetaLen = typedLength(env, a.v[8]);
  sh.rhoLen = typedLength(env, a.v[9]);
  sh.bLen = typedLength(env, a.v[10]);
  p.reset = static_cast<int>(a.num(11));
  float* spikes = a.array<float>(12, napi_float32_array, TM);
  float* u = a.array<float>(13, napi_float32_array, TM);
  float* adapt = a.array<float>(14, napi_float32_array, TM);
  float* v = a.array<float>(15, napi_float32_array, TM, true);
  float* th = a.array<float>(16, napi_float32_array, TM, true);
  float* vT = a.array<float>(17, napi_float32_array, sh.M, true);
  float* aT = a.array<float>(18, napi_float32_array, sh.M, true);
  const auto threads = static_cast<std::size_t>(a.num(19));
  if (!alifLengthsOk(sh)) a.fail("beta, theta, rho and b must have length 1 or N");
  if (sh.N == 0 || sh.M % sh.N != 0) a.fail("M must be a multiple of N");
  if (a.failed) return nullptr;
  parallel(sh.M, threads, [&](std::size_t, std::size_t m0, std::size_t m1) {
    cristal::alifForward(sh, p, current, v0, a0, spikes, u, adapt, v, th, vT, aT, m0, m1);
  });
  return nullptr;
}

// alifBackward(T, M, N, inputPerStep, beta, theta, rho, b, reset, surrogate, slope, detachReset,
//              v0|null, spikes, u, a, gS|null, gV|null, gTh|null, gVT|null, gAT|null, gI, gV0|null, gA0|null,
//              gBeta, gTheta, gRho, gB (Float64Array), threads)
napi_value AlifBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 29);
  if (a.failed) return nullptr;
  cristal::AlifShape sh{};
  sh.T = static_cast<std::size_t>(a.num(0));
  sh.M = static_cast<std::size_t>(a.num(1));
  sh.N = static_cast<std::size_t>(a.num(2));
  bool perStep = false, detach = false;
  napi_get_value_bool(env, a.v[3], &perStep);
  napi_get_value_bool(env, a.v[11], &detach);
  sh.inputPerStep = perStep;
  cristal::AlifParams p{};
  p.beta = a.array<float>(4, napi_float32_array, 1);
  p.theta = a.array<float>(5, napi_float32_array, 1);
  p.rho = a.array<float>(6, napi_float32_array, 1);
  p.b = a.array<float>(7, napi_float32_array, 1);
  if (a.failed) return nullptr;
  sh.betaLen = typedLength(env, a.v[4]);
  sh.thetaLen = typedLength(env, a.v[5]);
  sh.rhoLen = typedLength(env, a.v[6]);
  sh.bLen = typedLength(env, a.v[7]);
  p.reset = static_cast<int>(a.num(8));
  p.surrogate = static_cast<int>(a.num(9));
  p.slope = static_cast<float>(a.num(10));
  p.detachReset = detach;
  const std::size_t TM = sh.T * sh.M;
  const float* v0 = a.array<float>(12, napi_float32_array, sh.M, true);
  const float* spikes = a.array<float>(13, napi_float32_array, TM);
  const float* u = a.array<float>(14, napi_float32_array, TM);
  const float* adapt = a.array<float>(15, napi_float32_array, TM);
  const float* gS = a.array<float>(16, napi_float32_array, TM, true);
  const float* gV = a.array<float>(17, napi_float32_array, TM, true);
  const float* gTh = a.array<float>(18, napi_float32_array, TM, true);
  const float* gVT = a.array<float>(19, napi_float32_array, sh.M, true);
  const float* gAT = a.array<float>(20, napi_float32_array, sh.M, true);
  float* gI = a.array<float>(21, napi_float32_array, perStep ? TM : sh.M);
  float* gV0 = a.array<float>(22, napi_float32_array, sh.M, true);
  float* gA0 = a.array<float>(23, napi_float32_array, sh.M, true);
  double* gBeta = a.array<double>(24, napi_float64_array, sh.betaLen);
  double* gTheta = a.array<double>(25, napi_float64_array, sh.thetaLen);
  double* gRho = a.array<double>(26, napi_float64_array, sh.rhoLen);
  double* gB = a.array<double>(27, napi_float64_array, sh.bLen);
  const auto threads = static_cast<std::size_t>(a.num(28));
  if (!alifLengthsOk(sh)) a.fail("beta, theta, rho and b must have length 1 or N");
  if (sh.N == 0 || sh.M % sh.N != 0) a.fail("M must be a multiple of N");
  if (a.failed) return nullptr;
  const std::size_t k = threads < 1 ? 1 : threads;
  // Per-thread parameter gradients, summed afterwards: no shared writes inside the workers.
  std::vector<std::vector<double>> gb(k, std::vector<double>(sh.betaLen, 0.0)), gt(k, std::vector<double>(sh.thetaLen, 0.0)),
      gr(k, std::vector<double>(sh.rhoLen, 0.0)), gbb(k, std::vector<double>(sh.bLen, 0.0));
  parallel(sh.M, k, [&](std::size_t w, std::size_t m0, std::size_t m1) {
    cristal::alifBackward(sh, p, v0, spikes, u, adapt, gS, gV, gTh, gVT, gAT, gI, gV0, gA0, gb[w].data(), gt[w].data(), gr[w].data(), gbb[w].data(), m0,
                          m1);
  });
  for (std::size_t w = 0; w < k; ++w) {
    for (std::size_t j = 0; j < sh.betaLen; ++j) gBeta[j] += gb[w][j];
    for (std::size_t j = 0; j < sh.thetaLen; ++j) gTheta[j] += gt[w][j];
    for (std::size_t j = 0; j < sh.rhoLen; ++j) gRho[j] += gr[w][j];
    for (std::size_t j = 0; j < sh.bLen; ++j) gB[j] += gbb[w][j];
  }
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"lifForward", nullptr, Forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lifBackward", nullptr, Backward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"alifForward", nullptr, AlifForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"alifBackward", nullptr, AlifBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lifLinearForward", nullptr, LinearForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lifLinearBackward", nullptr, LinearBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
