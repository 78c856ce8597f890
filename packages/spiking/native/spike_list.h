// The neurons of one row that spiked (u_n > theta_n), as an ascending list of indices: what the
// event-driven projections iterate over. With AVX-512 a compare and a compress handle 16 neurons in a
// handful of instructions; elsewhere a branch-free scalar loop (a random 10-20% spike pattern
// defeats branch prediction).
#pragma once
#include <cstddef>
#include <cstdint>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace cristal {

// Extra room `idx` needs past N: the vector path stores whole vectors of 16 indices.
constexpr std::size_t SPIKE_LIST_SLACK = 16;

// Writes the indices n in [0, N) with u[n] > theta[n] to idx (room for N + SPIKE_LIST_SLACK) in
// ascending order and returns how many there are. Same comparison as the scans (false for NaN).
inline std::size_t listSpikes(std::size_t N, const float* __restrict u, const float* __restrict theta, std::uint32_t* __restrict idx) {
  std::size_t ns = 0, n = 0;
#if defined(__AVX512F__)
  __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i sixteen = _mm512_set1_epi32(16);
  for (; n + 16 <= N; n += 16) {
    const __mmask16 m = _mm512_cmp_ps_mask(_mm512_loadu_ps(u + n), _mm512_loadu_ps(theta + n), _CMP_GT_OQ);
    // compress in a register, then a plain store: the memory form of vpcompressd is slow on Zen 4
    _mm512_storeu_si512(idx + ns, _mm512_maskz_compress_epi32(m, lane));
    ns += static_cast<std::size_t>(__builtin_popcount(m));
    lane = _mm512_add_epi32(lane, sixteen);
  }
#endif
  for (; n < N; ++n) {
    idx[ns] = static_cast<std::uint32_t>(n);
    ns += u[n] > theta[n];
  }
  return ns;
}

}  // namespace cristal
