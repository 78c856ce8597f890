{
  "targets": [
    {
      "target_name": "cristal_bayesian",
      "sources": ["binding.cc", "mean_field.cc", "xoshiro.cc", "local_reparam.cc", "standard_normal.cc", "dense_local_reparam.cc", "../../tensor/native/shared/gemm.cc", "../../tensor/native/shared/thread_pool.cc"],
      "include_dirs": ["../../tensor/native/shared"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off", "-march=native"],
      "cflags_cc!": ["-fno-exceptions"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
