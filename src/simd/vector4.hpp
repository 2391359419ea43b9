#pragma once
// Four doubles side by side (GCC vector extensions: AVX2 with the native preset, pairs of SSE2
// registers otherwise). Every operation is elementwise IEEE arithmetic, so a lane computes exactly
// what scalar code with the same operations computes.
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__AVX__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif


namespace genepool::vector4 {

using v4d = double __attribute__((vector_size(32)));
using v4di = std::int64_t __attribute__((vector_size(32)));

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

#if !defined(__AVX__) && defined(__SSE2__)
// A vector's two SSE2 registers. NOTE: GCC lowers a `?:` on 256-bit vectors without AVX lane by
// lane through memory (five times slower on W1); the SSE2 instructions on each half keep it in registers.
struct Halves {
  __m128d low, high;
};

// `op` (an SSE2 instruction on two registers) on each half of a and b.
template <typename Out, typename A, typename B, typename Op>
inline Out on_halves(A a, B b, Op op) {
  const Halves x = std::bit_cast<Halves>(a), y = std::bit_cast<Halves>(b);
  return std::bit_cast<Out>(Halves{op(x.low, y.low), op(x.high, y.high)});
}
#endif

// Bit l set when lane l of a comparison mask is true.
inline unsigned bits(v4di mask) {
#if defined(__AVX__)
  return static_cast<unsigned>(_mm256_movemask_pd(std::bit_cast<__m256d>(mask)));
#elif defined(__SSE2__)
  const Halves m = std::bit_cast<Halves>(mask);
  return static_cast<unsigned>(_mm_movemask_pd(m.low) | _mm_movemask_pd(m.high) << 2);
#else
  return static_cast<unsigned>((mask[0] & 1) | (mask[1] & 2) | (mask[2] & 4) | (mask[3] & 8));
#endif
}

// The lanes of x where mask is true, else +0.0.
inline v4d keep(v4d x, v4di mask) {
#if !defined(__AVX__) && defined(__SSE2__)
  return on_halves<v4d>(x, mask, [](__m128d v, __m128d m) { return _mm_and_pd(v, m); });
#else
  return std::bit_cast<v4d>(std::bit_cast<v4di>(x) & mask);
#endif
}

// a where mask is true, else b, per lane (a bitwise blend: no lane-by-lane `?:`).
inline v4d select(v4di mask, v4d a, v4d b) {
  return std::bit_cast<v4d>(std::bit_cast<v4di>(keep(a, mask)) | std::bit_cast<v4di>(keep(b, ~mask)));
}

// a < b per lane, as a comparison mask.
inline v4di less(v4d a, v4d b) {
#if !defined(__AVX__) && defined(__SSE2__)
  return on_halves<v4di>(a, b, [](__m128d x, __m128d y) { return _mm_cmplt_pd(x, y); });
#else
  return a < b;
#endif
}

// a <= b per lane, as a comparison mask.
inline v4di less_equal(v4d a, v4d b) {
#if !defined(__AVX__) && defined(__SSE2__)
  return on_halves<v4di>(a, b, [](__m128d x, __m128d y) { return _mm_cmple_pd(x, y); });
#else
  return a <= b;
#endif
}

// std::max(a, b) and std::min(a, b) per lane, NaN handling included: (a < b) ? b : a and (b < a) ? b : a.
inline v4d max(v4d a, v4d b) {
#if defined(__AVX__)
  return std::bit_cast<v4d>(_mm256_max_pd(std::bit_cast<__m256d>(b), std::bit_cast<__m256d>(a)));
#elif defined(__SSE2__)
  return on_halves<v4d>(a, b, [](__m128d x, __m128d y) { return _mm_max_pd(y, x); });
#else
  return a < b ? b : a;
#endif
}
inline v4d min(v4d a, v4d b) {
#if defined(__AVX__)
  return std::bit_cast<v4d>(_mm256_min_pd(std::bit_cast<__m256d>(b), std::bit_cast<__m256d>(a)));
#elif defined(__SSE2__)
  return on_halves<v4d>(a, b, [](__m128d x, __m128d y) { return _mm_min_pd(y, x); });
#else
  return b < a ? b : a;
#endif
}

}  // namespace genepool::vector4
