// The generator of @cristal/tensor's RandomStream, natively.
#pragma once
#include <cstddef>
#include <cstdint>

namespace cristal_bayesian {

// `count` outputs of xoshiro128** (Blackman and Vigna 2018) from `state`, advanced in place exactly as
// nextUint32 in packages/tensor/src/random/xoshiro128.ts advances it.
void xoshiroDraw(std::uint32_t state[4], std::uint32_t* out, std::size_t count);

}  // namespace cristal_bayesian
