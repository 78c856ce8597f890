// Small helpers for the N-API entry points: argument checking and splitting work across threads.
#pragma once
#include <node_api.h>

#include <algorithm>
#include <string>
#include <vector>

#include "thread_pool.h"

namespace cristal {

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

// work(k, m0, m1) for k < threads over even ranges of [0, M), on the persistent pool (thread_pool.h).
template <typename F>
void parallel(std::size_t M, std::size_t threads, F work) {
  if (threads <= 1 || M < 2 * threads) {
    work(0, 0, M);
    return;
  }
  const std::size_t chunk = (M + threads - 1) / threads;
  const std::size_t parts = (M + chunk - 1) / chunk;
  runParallel(parts, [&](std::size_t k) { work(k, k * chunk, std::min(M, (k + 1) * chunk)); });
}

}  // namespace cristal
