// N-API entry point of the fused PC training step. JavaScript allocates every buffer (typed arrays)
// and checks shapes first (src/pc/native-step.ts); the checks here only keep a wrong call from
// reading or writing out of bounds.
#include <node_api.h>

#include <string>
#include <vector>

#include "pc_training_step.h"

namespace {

struct Call {
  napi_env env;
  std::vector<napi_value> args;
  bool failed = false;

  Call(napi_env e, napi_callback_info info, std::size_t n) : env(e), args(n) {
    std::size_t argc = n;
    napi_get_cb_info(env, info, &argc, args.data(), nullptr, nullptr);
    if (argc != n) fail("expected " + std::to_string(n) + " arguments, got " + std::to_string(argc));
  }
  void fail(const std::string& message) {
    if (!failed) napi_throw_type_error(env, nullptr, ("cristal_pc: " + message).c_str());
    failed = true;
  }
  double number(std::size_t i) {
    double d = 0;
    if (napi_get_value_double(env, args[i], &d) != napi_ok) fail("argument " + std::to_string(i) + " must be a number");
    return d;
  }
  bool isNull(napi_value v) {
    napi_valuetype t;
    napi_typeof(env, v, &t);
    return t == napi_null || t == napi_undefined;
  }
  float* floats(napi_value v, std::size_t length, const std::string& what) {
    napi_typedarray_type type;
    std::size_t got = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, v, &type, &got, &data, nullptr, nullptr) != napi_ok || type != napi_float32_array) {
      fail(what + " must be a Float32Array");
      return nullptr;
    }
    if (got != length) fail(what + " has " + std::to_string(got) + " elements, expected " + std::to_string(length));
    return static_cast<float*>(data);
  }
  // element i of a JavaScript array of Float32Arrays
  float* element(std::size_t arg, std::size_t i, std::size_t length, const std::string& what) {
    napi_value v;
    if (napi_get_element(env, args[arg], static_cast<uint32_t>(i), &v) != napi_ok) {
      fail(what + ": not an array");
      return nullptr;
    }
    return floats(v, length, what + "[" + std::to_string(i) + "]");
  }
};

// trainingStep(sizes: number[], batch, activation, categorical, T, eta, momentum, precisions,
//              input, target, weights[], biases[], weightGradients[], biasGradients[], hiddenNodes[] | null, threads)
napi_value TrainingStep(napi_env env, napi_callback_info info) {
  Call c(env, info, 16);
  if (c.failed) return nullptr;
  uint32_t count = 0;
  if (napi_get_array_length(env, c.args[0], &count) != napi_ok || count < 2) {
    c.fail("sizes must be an array of at least two layer sizes");
    return nullptr;
  }
  std::vector<std::size_t> sizes(count);
  for (uint32_t i = 0; i < count; ++i) {
    napi_value v;
    double d = 0;
    napi_get_element(env, c.args[0], i, &v);
    if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 1)) c.fail("sizes must be positive integers");
    sizes[i] = static_cast<std::size_t>(d);
  }
  const std::size_t L = count - 1;
  cristal::PcStepProblem p{};
  p.batch = static_cast<std::size_t>(c.number(1));
  p.layers = L;
  p.sizes = sizes.data();
  const double activation = c.number(2);
  if (activation < 0 || activation > 3) c.fail("activation must be 0 (linear), 1 (tanh), 2 (sigmoid) or 3 (relu)");
  p.activation = static_cast<cristal::PcActivation>(static_cast<int>(activation));
  bool categorical = false;
  napi_get_value_bool(env, c.args[3], &categorical);
  p.categorical = categorical;
  p.inferenceSteps = static_cast<std::size_t>(c.number(4));
  p.stepSize = static_cast<float>(c.number(5));
  p.momentum = static_cast<float>(c.number(6));
  if (c.failed) return nullptr;
  const std::size_t B = p.batch;
  p.precisions = c.floats(c.args[7], L, "precisions");
  p.input = c.floats(c.args[8], B * sizes[0], "input");
  p.target = c.floats(c.args[9], B * sizes[L], "target");
  std::vector<const float*> weights(L), biases(L);
  std::vector<float*> weightGradients(L), biasGradients(L), hidden(L > 1 ? L - 1 : 0);
  for (std::size_t l = 0; l < L && !c.failed; ++l) {
    weights[l] = c.element(10, l, sizes[l] * sizes[l + 1], "weights");
    biases[l] = c.element(11, l, sizes[l + 1], "biases");
    weightGradients[l] = c.element(12, l, sizes[l] * sizes[l + 1], "weightGradients");
    biasGradients[l] = c.element(13, l, sizes[l + 1], "biasGradients");
  }
  const bool wantHidden = !c.isNull(c.args[14]);
  for (std::size_t l = 1; wantHidden && l < L && !c.failed; ++l) hidden[l - 1] = c.element(14, l - 1, B * sizes[l], "hiddenNodes");
  const auto threads = static_cast<std::size_t>(c.number(15));
  if (c.failed) return nullptr;
  p.weights = weights.data();
  p.biases = biases.data();
  cristal::PcStepOutput out{weightGradients.data(), biasGradients.data(), wantHidden ? hidden.data() : nullptr};
  cristal::pcTrainingStep(p, out, threads);
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "trainingStep", NAPI_AUTO_LENGTH, TrainingStep, nullptr, &fn);
  napi_set_named_property(env, exports, "trainingStep", fn);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
