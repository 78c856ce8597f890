// Box-Muller in single precision with polynomial log, sin and cos, written so that every operation is
// one IEEE float operation (no contraction: -ffp-contract=off), which src/kernels/standard-normal.ts
// repeats with Math.fround after each: the JavaScript fallback gives the same bits. Per pair of
// 32-bit generator outputs (x1, x2), using their top 24 bits:
//   u1 = (floor(x1 / 2^8) + 1) / 2^24 in (0, 1],   r = sqrt(-2 log u1)
//   theta = 2 pi floor(x2 / 2^8) / 2^24: octant o = top 3 bits, fraction f = next 21 bits,
//   z1 = r cos(theta),  z2 = r sin(theta)
// log is Cephes' logf (about 1 ulp), sin and cos Cephes' sinf and cosf on [0, pi/4] (about 1e-7).
// The branch-free form vectorises; the JavaScript RandomStream.fillNormal spends about 20 ns per value
// on double-precision log, sin and cos.
#include "standard_normal.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cristal_bayesian {
namespace {

constexpr float c(double v) { return static_cast<float>(v); }

inline std::uint32_t floatBits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float bitsFloat(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// log(k / 2^24) for an integer k in [1, 2^24].
inline float logUniform(std::uint32_t k) {
  const std::uint32_t bits = floatBits(static_cast<float>(k));  // exact
  std::int32_t e = static_cast<std::int32_t>(bits >> 23) - 126 - 24;
  float m = bitsFloat((bits & 0x007fffffu) | 0x3f000000u);  // [0.5, 1)
  const bool low = m < c(0.707106781186547524);
  e = low ? e - 1 : e;
  const float x = low ? (m + m) - 1.0f : m - 1.0f;
  const float z = x * x;
  float y = c(7.0376836292e-2);
  y = y * x - c(1.1514610310e-1);
  y = y * x + c(1.1676998740e-1);
  y = y * x - c(1.2420140846e-1);
  y = y * x + c(1.4249322787e-1);
  y = y * x - c(1.6668057665e-1);
  y = y * x + c(2.0000714765e-1);
  y = y * x - c(2.4999993993e-1);
  y = y * x + c(3.3333331174e-1);
  y = (y * x) * z;
  const float fe = static_cast<float>(e);
  y = y + fe * c(-2.12194440e-4);
  y = y - c(0.5) * z;
  return (x + y) + fe * c(0.693359375);
}

inline float sinPoly(float a) {
  const float z = a * a;
  float p = c(-1.9515295891e-4);
  p = p * z + c(8.3321608736e-3);
  p = p * z - c(1.6666654611e-1);
  return ((p * z) * a) + a;
}

inline float cosPoly(float a) {
  const float z = a * a;
  float p = c(2.443315711809948e-5);
  p = p * z - c(1.388731625493765e-3);
  p = p * z + c(4.166664568298827e-2);
  return (((p * z) * z) - c(0.5) * z) + 1.0f;
}

// One pair of generator outputs -> r cos(theta), r sin(theta).
inline void pair(std::uint32_t x1, std::uint32_t x2, float& z1, float& z2) {
  const float r = std::sqrt(c(-2.0) * logUniform((x1 >> 8) + 1));
  const std::uint32_t octant = x2 >> 29;
  const float f = static_cast<float>((x2 >> 8) & 0x1fffffu) * c(1.0 / 2097152.0);  // [0, 1), exact
  const bool odd = (octant & 1u) != 0;
  // theta = k pi/2 + a (even octant) or k pi/2 - a (odd octant), a in [0, pi/4]
  const float a = (odd ? 1.0f - f : f) * c(0.78539816339744830962);
  const std::uint32_t k = ((octant + 1) >> 1) & 3u;
  const float ca = cosPoly(a);
  const float sa = odd ? -sinPoly(a) : sinPoly(a);
  // (cos a, +-sin a) turned by k quarter turns
  z1 = r * (k == 0 ? ca : k == 1 ? -sa : k == 2 ? -ca : sa);
  z2 = r * (k == 0 ? sa : k == 1 ? ca : k == 2 ? -sa : -ca);
}

}  // namespace

void standardNormalPairs(const std::uint32_t* __restrict words, float* __restrict out, std::size_t n, std::size_t p0, std::size_t p1) {
  const std::size_t full = std::min(p1, n / 2);  // pairs with both values in range: vectorised
  for (std::size_t p = p0; p < full; ++p) pair(words[2 * p], words[2 * p + 1], out[2 * p], out[2 * p + 1]);
  if (n % 2 == 1 && p0 <= n / 2 && n / 2 < p1) {
    float z2;  // the last value of an odd n is the cosine branch of its pair
    pair(words[n - 1], words[n], out[n - 1], z2);
  }
}

}  // namespace cristal_bayesian
