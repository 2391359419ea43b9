#include "genepool/ga/rng.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "genepool/error.hpp"

namespace genepool {
namespace {

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// splitmix64: expands one seed into well-mixed words. Its outputs for consecutive counters are
// distinct, so the four state words are never all zero (the one state xoshiro must avoid).
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Rng::Rng(std::uint64_t seed) {
  for (auto& word : state_) word = splitmix64(seed);
}

// xoshiro256** 1.0 (Blackman and Vigna).
std::uint64_t Rng::next() {
  auto& s = state_;
  const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
  const std::uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::uniform(double lower, double upper) {
  const double x = lower + (upper - lower) * uniform();
  // NOTE: rounding can land exactly on `upper`; step back to keep the interval half-open.
  return (x >= upper && upper > lower) ? std::nextafter(upper, lower) : x;
}

std::int64_t Rng::uniform_int(std::int64_t lower, std::int64_t upper) {
  if (lower > upper)
    throw Error("Rng::uniform_int: empty range [" + std::to_string(lower) + ", " + std::to_string(upper) + "]");
  const std::uint64_t span = static_cast<std::uint64_t>(upper) - static_cast<std::uint64_t>(lower);
  if (span == std::numeric_limits<std::uint64_t>::max()) return static_cast<std::int64_t>(next());
  // Rejection: accept only draws at or above 2^64 mod n, so every residue has equal weight.
  const std::uint64_t n = span + 1;
  const std::uint64_t threshold = (0 - n) % n;
  std::uint64_t r = next();
  while (r < threshold) r = next();
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lower) + r % n);
}

// NOTE: the polar method yields two normals per accepted pair; the second is discarded rather
// than cached, so the 4-word state alone determines every future draw (checkpoints store only it).
double Rng::normal() {
  double u = 0;
  double s = 0;
  do {
    u = 2 * uniform() - 1;
    const double v = 2 * uniform() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  return u * std::sqrt(-2 * std::log(s) / s);
}

bool Rng::bernoulli(double probability) { return uniform() < probability; }

}  // namespace genepool
