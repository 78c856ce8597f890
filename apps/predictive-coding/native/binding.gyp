{
  "targets": [
    {
      "target_name": "cristal_pc",
      "sources": ["binding.cc", "pc_training_step.cc", "../../../packages/tensor/native/shared/gemm.cc", "../../../packages/tensor/native/shared/thread_pool.cc"],
      "include_dirs": ["../../../packages/tensor/native/shared"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-fno-trapping-math", "-march=native", "-ffp-contract=off"],
      "cflags_cc!": ["-fno-exceptions"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
