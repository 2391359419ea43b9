#pragma once
// The run's one random generator (xoshiro256**, seeded by splitmix64): fast, with a plain
// 4-word state that a checkpoint can store, and draws that are identical on every platform.
#include <array>
#include <cstdint>

namespace genepool {

class Rng {
 public:
  using State = std::array<std::uint64_t, 4>;

  explicit Rng(std::uint64_t seed);

  std::uint64_t next();                              // 64 random bits
  double uniform();                                  // [0, 1), 53-bit resolution
  double uniform(double lower, double upper);        // [lower, upper)
  std::int64_t uniform_int(std::int64_t lower, std::int64_t upper);  // [lower, upper], unbiased
  double normal();                                   // standard normal (Marsaglia polar)
  bool bernoulli(double probability);                // true with `probability`

  const State& state() const { return state_; }
  void set_state(const State& state) { state_ = state; }

 private:
  State state_;
};

}  // namespace genepool
