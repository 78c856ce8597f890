// Standard-normal noise from the generator of a RandomStream, in float (see standard_normal.cc).
#pragma once
#include <cstddef>
#include <cstdint>

namespace cristal_bayesian {

// Pairs [p0, p1): out[2p], out[2p + 1] from the generator outputs words[2p], words[2p + 1] (n values in all).
void standardNormalPairs(const std::uint32_t* words, float* out, std::size_t n, std::size_t p0, std::size_t p1);

}  // namespace cristal_bayesian
