{
  "targets": [
    {
      "target_name": "cristal_bayesian",
      "sources": ["binding.cc", "mean_field.cc", "xoshiro.cc", "local_reparam.cc", "standard_normal.cc", "gemm.cc", "dense_local_reparam.cc", "thread_pool.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off", "-march=native"],
      "cflags_cc!": ["-fno-exceptions"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
