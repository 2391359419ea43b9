#include <catch2/catch.hpp>

#include <cstddef>
#include <set>
#include <string>

#include "genepool/backtest/metrics.hpp"

TEST_CASE("metric_fields names every Metrics member once, in declaration order", "[metrics]") {
  const auto& fields = genepool::metric_fields();
  const genepool::Metrics m;
  const auto offset = [&](double genepool::Metrics::*member) {
    return reinterpret_cast<const char*>(&(m.*member)) - reinterpret_cast<const char*>(&m);
  };
  std::set<std::string> names;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    INFO("field " << i << ": " << fields[i].name);
    CHECK(offset(fields[i].member) == static_cast<std::ptrdiff_t>(i * sizeof(double)));
    CHECK_FALSE(fields[i].name.empty());
    CHECK_FALSE(fields[i].description.empty());
    names.insert(std::string(fields[i].name));
  }
  CHECK(names.size() == genepool::kMetricCount);
  CHECK(fields.front().name == "total_return");
  CHECK(fields.back().name == "bars");
}

TEST_CASE("metric names are lower-case identifiers", "[metrics]") {
  for (const auto& field : genepool::metric_fields()) {
    INFO(field.name);
    for (const char c : field.name) CHECK(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'));
  }
}
