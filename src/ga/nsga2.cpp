#include "genepool/ga/nsga2.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "genepool/error.hpp"
#include "genepool/backtest/metrics.hpp"

namespace genepool {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string metric_names() {
  std::string names;
  for (const auto& field : metric_fields()) names += (names.empty() ? "" : ", ") + std::string(field.name);
  return names;
}

// Solves a x = b (m x m, row-major) by Gaussian elimination with partial pivoting; false when singular.
bool solve(std::vector<double> a, std::vector<double> b, std::size_t m, std::vector<double>& x) {
  for (std::size_t col = 0; col < m; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < m; ++r)
      if (std::abs(a[r * m + col]) > std::abs(a[pivot * m + col])) pivot = r;
    if (!(std::abs(a[pivot * m + col]) > 1e-12)) return false;
    if (pivot != col) {
      for (std::size_t c = 0; c < m; ++c) std::swap(a[col * m + c], a[pivot * m + c]);
      std::swap(b[col], b[pivot]);
    }
    for (std::size_t r = col + 1; r < m; ++r) {
      const double factor = a[r * m + col] / a[col * m + col];
      for (std::size_t c = col; c < m; ++c) a[r * m + c] -= factor * a[col * m + c];
      b[r] -= factor * b[col];
    }
  }
  x.assign(m, 0);
  for (std::size_t r = m; r-- > 0;) {
    double sum = b[r];
    for (std::size_t c = r + 1; c < m; ++c) sum -= a[r * m + c] * x[c];
    x[r] = sum / a[r * m + r];
  }
  return std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); });
}

}  // namespace

ObjectiveSpec parse_objective_spec(std::string_view text, std::string_view key) {
  const auto colon = text.rfind(':');
  const std::string_view name = colon == std::string_view::npos ? text : text.substr(0, colon);
  const std::string_view direction = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  if (direction != "max" && direction != "min")
    throw ConfigError(std::string(key) + " = '" + excerpt(text) +
                      "': expected METRIC:max or METRIC:min, e.g. sharpe:max");
  const auto& fields = metric_fields();
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name) return {i, direction == "max"};
  std::vector<std::string> names;
  for (const auto& field : fields) names.emplace_back(field.name);
  throw ConfigError(std::string(key) + " = '" + excerpt(text) + "': '" + excerpt(name) + "' is not a metric" +
                    did_you_mean(name, names) + "; expected one of " + metric_names());
}

std::string to_string(const ObjectiveSpec& objective) {
  return std::string(metric_fields().at(objective.metric).name) + (objective.maximise ? ":max" : ":min");
}

void check(const MultiObjectiveSettings& settings) {
  if (!settings.enabled) return;
  const std::size_t m = settings.objectives.size();
  if (m < 2 || m > kMaxObjectives)
    throw ConfigError("objectives has " + std::to_string(m) + " entries; mode = nsga2 needs 2 to " +
                      std::to_string(kMaxObjectives) + ", e.g. [\"sharpe:max\", \"max_drawdown:min\"]");
  for (std::size_t i = 0; i < m; ++i) {
    if (settings.objectives[i].metric >= kMetricCount)
      throw ConfigError("objectives[" + std::to_string(i) + "]: metric index " +
                        std::to_string(settings.objectives[i].metric) + " is not a metric");
    for (std::size_t j = 0; j < i; ++j)
      if (settings.objectives[j].metric == settings.objectives[i].metric)
        throw ConfigError("objectives lists " + std::string(metric_fields()[settings.objectives[i].metric].name) +
                          " twice (entries " + std::to_string(j) + " and " + std::to_string(i) +
                          "); expected each metric at most once");
  }
}

ObjectiveTable objective_table(std::span<const Evaluation> evaluations, const MultiObjectiveSettings& settings,
                               const FitnessSettings& fitness) {
  ObjectiveTable table;
  table.count = evaluations.size();
  table.objectives = settings.objectives.size();
  table.values.assign(table.count * table.objectives, 0.0);
  table.violation.assign(table.count, 0.0);
  const auto& fields = metric_fields();
  for (std::size_t i = 0; i < table.count; ++i) {
    const Evaluation& e = evaluations[i];
    bool failed = e.status != EvalStatus::ok || classify(e.metrics) != EvalStatus::ok;
    for (std::size_t k = 0; k < table.objectives; ++k) {
      const ObjectiveSpec& objective = settings.objectives[k];
      const double value = e.metrics.*fields[objective.metric].member;
      if (!std::isfinite(value)) failed = true;
      // NOTE: failed rows keep 0 objectives; their infinite violation puts them behind everything.
      table.values[i * table.objectives + k] = failed ? 0.0 : (objective.maximise ? -value : value);
    }
    if (failed) {
      table.violation[i] = kInf;
      std::fill_n(table.values.begin() + static_cast<std::ptrdiff_t>(i * table.objectives), table.objectives, 0.0);
    } else if (!feasible(e.metrics, fitness)) {
      table.violation[i] = std::max(0.0, fitness.min_trades - e.metrics.trades) +
                           std::max(0.0, e.metrics.max_drawdown - fitness.max_drawdown);
    }
  }
  return table;
}

bool dominates(const ObjectiveTable& table, std::size_t a, std::size_t b) {
  const double va = table.violation[a];
  const double vb = table.violation[b];
  if (va > 0 || vb > 0) return va < vb;
  bool better = false;
  for (std::size_t k = 0; k < table.objectives; ++k) {
    const double x = table.at(a, k);
    const double y = table.at(b, k);
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

std::vector<std::int32_t> non_dominated_sort(const ObjectiveTable& table) {
  const std::size_t n = table.count;
  std::vector<std::int32_t> front(n, -1);
  std::vector<std::vector<std::size_t>> dominated(n);  // whom i dominates
  std::vector<std::size_t> count(n, 0);                // how many dominate i
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (dominates(table, i, j)) {
        dominated[i].push_back(j);
        ++count[j];
      } else if (dominates(table, j, i)) {
        dominated[j].push_back(i);
        ++count[i];
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    if (count[i] == 0) current.push_back(i);
  std::int32_t rank = 0;
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (std::size_t i : current) {
      front[i] = rank;
      for (std::size_t j : dominated[i])
        if (--count[j] == 0) next.push_back(j);
    }
    std::sort(next.begin(), next.end());
    current = std::move(next);
    ++rank;
  }
  return front;
}

std::vector<double> crowding_distance(const ObjectiveTable& table, std::span<const std::int32_t> front) {
  const std::size_t n = table.count;
  std::vector<double> distance(n, 0.0);
  std::int32_t fronts = 0;
  for (std::int32_t f : front) fronts = std::max(fronts, f + 1);
  std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(fronts));
  for (std::size_t i = 0; i < n; ++i) members[static_cast<std::size_t>(front[i])].push_back(i);
  for (auto& group : members) {
    if (group.size() <= 2) {
      for (std::size_t i : group) distance[i] = kInf;
      continue;
    }
    for (std::size_t k = 0; k < table.objectives; ++k) {
      std::vector<std::size_t> order = group;
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return table.at(a, k) < table.at(b, k); });
      distance[order.front()] = kInf;
      distance[order.back()] = kInf;
      const double range = table.at(order.back(), k) - table.at(order.front(), k);
      if (!(range > 0)) continue;
      for (std::size_t r = 1; r + 1 < order.size(); ++r)
        distance[order[r]] += (table.at(order[r + 1], k) - table.at(order[r - 1], k)) / range;
    }
  }
  return distance;
}

ParetoRanking pareto_ranking(const ObjectiveTable& table) {
  ParetoRanking ranking;
  ranking.front = non_dominated_sort(table);
  ranking.crowding = crowding_distance(table, ranking.front);
  return ranking;
}

bool crowded_better(const ParetoRanking& ranking, std::size_t a, std::size_t b) {
  if (ranking.front[a] != ranking.front[b]) return ranking.front[a] < ranking.front[b];
  if (ranking.crowding[a] != ranking.crowding[b]) return ranking.crowding[a] > ranking.crowding[b];
  return a < b;
}

std::size_t crowded_tournament(const ParetoRanking& ranking, std::size_t size, Rng& rng) {
  const std::size_t n = ranking.front.size();
  if (n == 0 || size == 0 || ranking.crowding.size() != n)
    throw Error("crowded_tournament: needs a non-empty ranking (got " + std::to_string(n) +
                ") and a tournament size >= 1 (got " + std::to_string(size) + ")");
  const auto last = static_cast<std::int64_t>(n - 1);
  auto best = static_cast<std::size_t>(rng.uniform_int(0, last));
  for (std::size_t k = 1; k < size; ++k) {
    const auto c = static_cast<std::size_t>(rng.uniform_int(0, last));
    if (crowded_better(ranking, c, best)) best = c;
  }
  return best;
}

std::vector<std::size_t> environmental_selection(const ObjectiveTable& table, std::size_t count) {
  if (count > table.count)
    throw Error("environmental_selection: " + std::to_string(count) + " survivors asked of " +
                std::to_string(table.count) + " individuals");
  const ParetoRanking ranking = pareto_ranking(table);
  std::vector<std::size_t> order(table.count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return crowded_better(ranking, a, b); });
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

std::size_t knee_point(const ObjectiveTable& table, std::span<const std::size_t> members) {
  if (members.empty()) throw Error("knee_point: the front is empty");
  const std::size_t m = table.objectives;
  if (members.size() == 1 || m == 0) return members.front();
  // Normalise each objective to [0, 1] over the front (0 = best); constant objectives become 0.
  std::vector<double> lo(m, kInf), hi(m, -kInf);
  for (std::size_t i : members)
    for (std::size_t k = 0; k < m; ++k) {
      lo[k] = std::min(lo[k], table.at(i, k));
      hi[k] = std::max(hi[k], table.at(i, k));
    }
  const auto normalised = [&](std::size_t i, std::size_t k) {
    const double range = hi[k] - lo[k];
    return range > 0 ? (table.at(i, k) - lo[k]) / range : 0.0;
  };
  // Extreme point of objective k: the member best in k (ties: better in the others' sum, then earlier).
  std::vector<double> a(m * m), b(m, 1.0), normal;
  std::vector<std::size_t> extremes;
  for (std::size_t k = 0; k < m; ++k) {
    const auto rest = [&](std::size_t i) {
      double sum = 0;
      for (std::size_t q = 0; q < m; ++q) sum += q == k ? 0 : normalised(i, q);
      return sum;
    };
    std::size_t best = members.front();
    for (std::size_t i : members) {
      const double v = normalised(i, k), bv = normalised(best, k);
      if (v < bv || (v == bv && rest(i) < rest(best))) best = i;
    }
    extremes.push_back(best);
    for (std::size_t q = 0; q < m; ++q) a[k * m + q] = normalised(best, q);
  }
  std::sort(extremes.begin(), extremes.end());
  const bool distinct = std::adjacent_find(extremes.begin(), extremes.end()) == extremes.end();
  // The plane normal . x = 1 through the extremes; the fallback sum(x) = 1.
  if (!distinct || !solve(a, b, m, normal)) normal.assign(m, 1.0);
  double length = 0;
  for (double v : normal) length += v * v;
  length = std::sqrt(length);
  std::size_t knee = members.front();
  double farthest = -kInf;
  for (std::size_t i : members) {
    double dot = 0;
    for (std::size_t k = 0; k < m; ++k) dot += normal[k] * normalised(i, k);
    const double distance = (1.0 - dot) / length;  // positive on the ideal (origin) side
    if (distance > farthest) {
      farthest = distance;
      knee = i;
    }
  }
  return knee;
}

std::vector<Genome> nsga2_offspring(std::span<const Genome> parents, const ParetoRanking& ranking,
                                    const GaSettings& settings, Rng& rng) {
  if (parents.empty() || ranking.front.size() != parents.size())
    throw Error("nsga2_offspring: " + std::to_string(parents.size()) + " parents and " +
                std::to_string(ranking.front.size()) + " ranks; expected a non-empty population with one rank each");
  std::vector<Genome> children;
  children.reserve(settings.population);
  while (children.size() < settings.population) {
    const std::size_t p1 = crowded_tournament(ranking, settings.tournament_size, rng);
    const std::size_t p2 = crowded_tournament(ranking, settings.tournament_size, rng);
    Genome child = rng.bernoulli(settings.crossover_rate) ? crossover(parents[p1], parents[p2], settings, rng)
                                                          : parents[p1];
    mutate(child, settings, rng);
    children.push_back(child);
  }
  return children;
}

}  // namespace genepool
