{
  "targets": [
    {
      "target_name": "cristal_tensor",
      "sources": ["adam.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-march=native", "-ffp-contract=off"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
