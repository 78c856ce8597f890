// Fused Adam / AdamW update over float buffers: one pass per parameter tensor instead of a dozen
// TF.js ops, split across threads. Same arithmetic as tf.train.adam (and torch.optim.Adam):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)      [+ decoupled decay: w -= lr wd w]
#include <node_api.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace {

struct AdamArgs {
  // ob1 = 1 - b1 and ob2 = 1 - b2 rounded from double (as TF.js does); c1 = 1 - b1^t, c2 = 1 - b2^t
  float lr, b1, b2, ob1, ob2, eps, wd, c1, c2;
};

void adamRange(const AdamArgs& a, float* __restrict w, const float* __restrict g, float* __restrict m, float* __restrict v, std::size_t i0,
               std::size_t i1) {
  const float b1 = a.b1, b2 = a.b2, ob1 = a.ob1, ob2 = a.ob2, c1 = a.c1, c2 = a.c2, lr = a.lr, eps = a.eps, wd = a.wd;
  for (std::size_t i = i0; i < i1; ++i) {
    const float gi = g[i];
    const float mi = b1 * m[i] + ob1 * gi;
    const float vi = b2 * v[i] + ob2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    const float step = lr * (mi / c1) / (std::sqrt(vi / c2) + eps);
    w[i] = (w[i] - (lr * wd) * w[i]) - step;
  }
}

template <typename T>
T* typed(napi_env env, napi_value value, std::size_t* length) {
  napi_typedarray_type type;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, value, &type, length, &data, nullptr, nullptr) != napi_ok || type != napi_float32_array) return nullptr;
  return static_cast<T*>(data);
}

// adamUpdate(w, g, m, v, lr, beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps, weightDecay, c1, c2, threads)
napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  std::size_t argc = 14;
  napi_value argv[14];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 14) {
    napi_throw_type_error(env, nullptr, "cristal_tensor.adamUpdate: expected 14 arguments");
    return nullptr;
  }
  std::size_t n[4] = {0, 0, 0, 0};
  float* w = typed<float>(env, argv[0], &n[0]);
  float* g = typed<float>(env, argv[1], &n[1]);
  float* m = typed<float>(env, argv[2], &n[2]);
  float* v = typed<float>(env, argv[3], &n[3]);
  if (!w || !g || !m || !v || n[1] != n[0] || n[2] != n[0] || n[3] != n[0]) {
    napi_throw_type_error(env, nullptr, "cristal_tensor.adamUpdate: w, g, m, v must be Float32Arrays of equal length");
    return nullptr;
  }
  double d[10];
  for (int i = 0; i < 10; ++i) napi_get_value_double(env, argv[4 + i], &d[i]);
  const AdamArgs a{static_cast<float>(d[0]), static_cast<float>(d[1]), static_cast<float>(d[2]), static_cast<float>(d[3]), static_cast<float>(d[4]),
                   static_cast<float>(d[5]), static_cast<float>(d[6]), static_cast<float>(d[7]), static_cast<float>(d[8])};
  const std::size_t threads = d[9] < 1 ? 1 : static_cast<std::size_t>(d[9]);
  const std::size_t total = n[0];
  if (threads == 1 || total < 65536) {
    adamRange(a, w, g, m, v, 0, total);
    return nullptr;
  }
  const std::size_t chunk = (total + threads - 1) / threads;
  std::vector<std::thread> pool;
  for (std::size_t k = 1; k < threads; ++k) {
    const std::size_t i0 = k * chunk, i1 = std::min(total, i0 + chunk);
    if (i0 < i1) pool.emplace_back(adamRange, std::cref(a), w, g, m, v, i0, i1);
  }
  adamRange(a, w, g, m, v, 0, std::min(total, chunk));
  for (auto& t : pool) t.join();
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {{"adamUpdate", nullptr, AdamUpdate, nullptr, nullptr, nullptr, napi_default, nullptr}};
  napi_define_properties(env, exports, 1, props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
