{
  "targets": [
    {
      "target_name": "cristal_spiking",
      "sources": ["binding.cc", "lif_scan.cc", "lif_linear.cc", "alif_scan.cc", "../../tensor/native/shared/gemm.cc", "../../tensor/native/shared/thread_pool.cc"],
      "include_dirs": ["../../tensor/native/shared"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-march=native", "-ffp-contract=off"],
      "cflags_cc!": ["-fno-exceptions"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
