#pragma once
// Four doubles side by side (GCC vector extensions: AVX2 with the native preset, pairs of SSE2
// registers otherwise). Every operation is elementwise IEEE arithmetic, so a lane computes exactly
// what scalar code with the same operations computes.
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__AVX__)
#include <immintrin.h>
#endif


namespace genepool::vector4 {

using v4d = double __attribute__((vector_size(32)));
using v4di = std::int64_t __attribute__((vector_size(32)));
using v4si = std::int32_t __attribute__((vector_size(16)));

inline v4d load(const double* p) {
  v4d v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(double* p, v4d v) { std::memcpy(p, &v, sizeof v); }
inline v4d splat(double x) { return v4d{x, x, x, x}; }

inline v4d abs(v4d x) {
  constexpr v4di kMagnitude = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};
  return std::bit_cast<v4d>(std::bit_cast<v4di>(x) & kMagnitude);
}

// Bit l set when lane l of a comparison mask is true.
inline unsigned bits(v4di mask) {
#if defined(__AVX__)
  return static_cast<unsigned>(_mm256_movemask_pd(std::bit_cast<__m256d>(mask)));
#else
  return static_cast<unsigned>((mask[0] & 1) | (mask[1] & 2) | (mask[2] & 4) | (mask[3] & 8));
#endif
}

// std::max(a, b) and std::min(a, b) per lane, NaN handling included: (a < b) ? b : a and (b < a) ? b : a.
inline v4d max(v4d a, v4d b) {
#if defined(__AVX__)
  return std::bit_cast<v4d>(_mm256_max_pd(std::bit_cast<__m256d>(b), std::bit_cast<__m256d>(a)));
#else
  return a < b ? b : a;
#endif
}
inline v4d min(v4d a, v4d b) {
#if defined(__AVX__)
  return std::bit_cast<v4d>(_mm256_min_pd(std::bit_cast<__m256d>(b), std::bit_cast<__m256d>(a)));
#else
  return b < a ? b : a;
#endif
}

inline v4d to_doubles(v4si x) {
#if defined(__AVX__)
  return std::bit_cast<v4d>(_mm256_cvtepi32_pd(std::bit_cast<__m128i>(x)));
#else
  return __builtin_convertvector(x, v4d);
#endif
}

}  // namespace genepool::vector4
