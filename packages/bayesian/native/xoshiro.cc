#include "xoshiro.h"

namespace cristal_bayesian {

namespace {
inline std::uint32_t rotl(std::uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
}  // namespace

void xoshiroDraw(std::uint32_t state[4], std::uint32_t* out, std::size_t count) {
  // the state in locals: through the pointer, every store to `out` could alias it
  std::uint32_t s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = rotl(s1 * 5u, 7) * 9u;
    const std::uint32_t t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}

}  // namespace cristal_bayesian
