// tanh as a clamped odd/even rational function, the approximation TensorFlow's CPU kernels use
// (Eigen's generic_fast_tanh_float): a few multiply-adds and one division, so a loop over it
// vectorises, where std::tanh is a scalar library call that would cost more than the matrix
// products of an inference step. Within 6 float ulps of tanh (3.6e-7 absolute, near |x| = 6), as
// TensorFlow's; the clamp is the smallest |x| at which the rational form gives exactly 1, so a
// saturated unit has f'(x) = 1 - f(x)^2 = 0 on both paths.
#pragma once

namespace cristal {

inline float fastTanh(float a) {
  constexpr float clamp = 7.90531110763549805f;
  const float x = a > clamp ? clamp : (a < -clamp ? -clamp : a);
  const float x2 = x * x;
  float p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 + -8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  p = p * x;
  float q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  // below 4e-4 the rational form loses relative accuracy and tanh(x) = x to float precision
  const float r = p / q;
  return (a < 0.0004f && a > -0.0004f) ? a : r;
}

}  // namespace cristal
