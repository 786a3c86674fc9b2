// leakguard/testing/growth_check.hpp - "does this workload leak?" as a test.
//
// What it is for
//   A leak fix is proven by running the code many times and seeing memory
//   stay flat. `measure_growth(workload, options)` runs `workload()` for
//   `warmup_rounds` (caches fill, pools reach their size, ring buffers reach
//   capacity), then for `rounds` measured rounds, taking a memory snapshot
//   after each (leakguard/memory_probe.hpp), optionally after `trim_heap()`
//   (glibc's malloc_trim(0)) so memory the allocator merely retains is not
//   taken for a leak. It fits a least-squares line through the samples of
//   the heap in use and of the RSS and reports, for each, the growth per
//   round (the slope), its 95% confidence interval and R².
//
//     TEST(Cache, DoesNotGrow) {
//       Cache cache;
//       EXPECT_BOUNDED_GROWTH([&] { cache.handle(next_request()); }, 50, 1024);
//     }
//
//   On failure the message gives the numbers, e.g.
//     heap grows 262,176 bytes/round (95% CI 262,140..262,212, R² 1.000)
//     over 20 rounds; limit 4,096 bytes/round. heap 74,216 -> 5,317,000;
//     rss 7,675,904 -> 13,500,416 (+288,120 bytes/round)
//
// Verdict
//   A workload "grows" when the lower end of the slope's 95% confidence
//   interval exceeds the limit: the growth is both larger than allowed and
//   not explained by noise. Noise alone (allocator retention, a lazily
//   created thread arena) widens the interval and does not fail a test; a
//   real per-round leak gives a tight interval. More rounds narrow it.
//   The metric is the heap when the process has a heap source (glibc
//   mallinfo2, or the sanitizer's allocator under ASan / TSan: see
//   memory_probe.hpp), else the anonymous RSS; `growth_metric` picks one.
//   Prefer the heap: RSS moves in pages, includes ASan's quarantine, and
//   never shrinks below what the allocator keeps.
//
// Complexity
//   warmup_rounds + rounds calls of the workload, one snapshot (and one
//   malloc_trim) per measured round; O(rounds) to fit.
//
// Thread-safety
//   The measurement covers the whole process: other threads allocating at
//   the same time show up in the numbers. Run it with the process quiet.
//
// References / invalidation
//   None: growth_report is a plain value. The GoogleTest macros need
//   <gtest/gtest.h> included before their use, not before this header.
#pragma once

#include <leakguard/memory_probe.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace leakguard {
namespace testing {

/// Which measurement a verdict is based on.
enum class growth_metric {
  automatic,  ///< heap when a heap source exists, else anon_rss
  heap,       ///< heap_in_use_bytes (skipped/failed when unavailable)
  rss,        ///< rss_bytes
  anon_rss,   ///< anon_rss_bytes
};

/// "automatic" / "heap" / "rss" / "anon_rss".
inline const char* to_string(growth_metric metric) noexcept {
  switch (metric) {
    case growth_metric::automatic: return "automatic";
    case growth_metric::heap: return "heap";
    case growth_metric::rss: return "rss";
    case growth_metric::anon_rss: return "anon_rss";
  }
  return "unknown";
}

struct growth_options {
  /// Rounds run before measuring, not sampled.
  std::size_t warmup_rounds = 3;
  /// Measured rounds; at least 3 (a line through 2 points has no error).
  std::size_t rounds = 20;
  /// Call trim_heap() before each sample.
  bool trim_before_sample = true;
  probe_mode mode = probe_mode::fast;
  growth_metric metric = growth_metric::automatic;
};

/// A least-squares line y = intercept + slope * round through the samples.
struct growth_fit {
  double slope = 0;        ///< bytes per round
  double intercept = 0;    ///< bytes at the first measured round
  double slope_low = 0;    ///< 95% confidence interval of the slope
  double slope_high = 0;
  double r_squared = 0;    ///< 0 when the samples are all equal
  double first = 0;        ///< first and last sample
  double last = 0;
  std::size_t samples = 0;
};

/// Fits a line through `values` taken at rounds 0, 1, 2, ...; needs >= 3.
growth_fit fit_growth(const std::vector<double>& values);

/// What the measured rounds gave.
struct growth_report {
  std::vector<memory_snapshot> samples;  ///< one per measured round
  std::optional<growth_fit> heap;        ///< empty without a heap source
  growth_fit rss;
  growth_fit anon_rss;

  /// The fit for `metric` (automatic resolved); nullptr for heap when
  /// there is no heap source.
  const growth_fit* fit(growth_metric metric) const noexcept;
  /// automatic -> heap or anon_rss, whichever applies; others unchanged.
  growth_metric resolve(growth_metric metric) const noexcept;
  /// A one-paragraph summary of every metric, for logs and failures.
  std::string describe() const;
};

/// A verdict against a limit: ok, and the message explaining it.
struct growth_verdict {
  bool ok = true;
  bool metric_unavailable = false;  ///< asked for heap, no heap source
  growth_metric metric = growth_metric::automatic;
  std::string message;
};

/// Runs the workload as described at the top; lets its exceptions through.
/// Throws std::invalid_argument for fewer than 3 rounds and
/// memory_probe_error when a snapshot source is missing.
template <class Workload>
growth_report measure_growth(Workload&& workload, const growth_options& options = {});

/// Judges a report: growth is unbounded when the slope's 95% interval lies
/// entirely above `max_bytes_per_round`.
growth_verdict check_bounded_growth(const growth_report& report, double max_bytes_per_round,
                                    growth_metric metric = growth_metric::automatic);

/// measure_growth + check_bounded_growth with `rounds` measured rounds.
template <class Workload>
growth_verdict check_bounded_growth(Workload&& workload, std::size_t rounds, double max_bytes_per_round,
                                    growth_options options = {});

// ---------------------------------------------------------------------------
// Implementation.

namespace detail {

// Two-sided 95% quantile of Student's t with `df` degrees of freedom.
inline double t_quantile_95(std::size_t df) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return INFINITY;
  if (df <= 30) return table[df - 1];
  return 1.96 + 2.5 / static_cast<double>(df);  // within 0.002 of the exact value
}

// 1234567 -> "1,234,567"; keeps a leading minus.
inline std::string grouped(double value) {
  const long long rounded = std::llround(value);
  std::string digits = std::to_string(rounded < 0 ? -rounded : rounded);
  for (std::ptrdiff_t at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<std::size_t>(at), ",");
  }
  return rounded < 0 ? "-" + digits : digits;
}

inline std::string describe_fit(const char* name, const growth_fit& fit) {
  char r2[32];
  std::snprintf(r2, sizeof r2, "%.3f", fit.r_squared);
  return std::string(name) + " " + grouped(fit.first) + " -> " + grouped(fit.last) + " bytes, " +
         grouped(fit.slope) + " bytes/round (95% CI " + grouped(fit.slope_low) + ".." +
         grouped(fit.slope_high) + ", R\xC2\xB2 " + r2 + ")";
}

}  // namespace detail

inline growth_fit fit_growth(const std::vector<double>& values) {
  const std::size_t n = values.size();
  if (n < 3) throw std::invalid_argument("leakguard::testing::fit_growth: needs at least 3 samples");
  growth_fit fit;
  fit.samples = n;
  fit.first = values.front();
  fit.last = values.back();
  const double mean_x = static_cast<double>(n - 1) / 2.0;
  double mean_y = 0;
  for (double y : values) mean_y += y;
  mean_y /= static_cast<double>(n);
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = static_cast<double>(i) - mean_x;
    const double dy = values[i] - mean_y;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  fit.slope = sxy / sxx;
  fit.intercept = mean_y - fit.slope * mean_x;
  const double residual = std::max(0.0, syy - fit.slope * sxy);
  fit.r_squared = syy > 0 ? 1.0 - residual / syy : 0.0;
  const double slope_error = std::sqrt(residual / static_cast<double>(n - 2) / sxx);
  const double half_width = detail::t_quantile_95(n - 2) * slope_error;
  fit.slope_low = fit.slope - half_width;
  fit.slope_high = fit.slope + half_width;
  return fit;
}

inline const growth_fit* growth_report::fit(growth_metric metric) const noexcept {
  switch (resolve(metric)) {
    case growth_metric::heap: return heap ? &*heap : nullptr;
    case growth_metric::rss: return &rss;
    case growth_metric::anon_rss:
    case growth_metric::automatic: break;
  }
  return &anon_rss;
}

inline growth_metric growth_report::resolve(growth_metric metric) const noexcept {
  if (metric != growth_metric::automatic) return metric;
  return heap ? growth_metric::heap : growth_metric::anon_rss;
}

inline std::string growth_report::describe() const {
  std::string text = std::to_string(samples.size()) + " rounds: ";
  if (heap) {
    text += detail::describe_fit("heap", *heap) + " [";
    text += to_string(samples.empty() ? heap_source::none : samples.front().heap);
    text += "]; ";
  } else {
    text += "heap: no heap source; ";
  }
  text += detail::describe_fit("rss", rss) + "; " + detail::describe_fit("anon_rss", anon_rss);
  if (!samples.empty()) {
    text += "; fds " + std::to_string(samples.front().open_fds) + " -> " + std::to_string(samples.back().open_fds);
    text += ", threads " + std::to_string(samples.front().threads) + " -> " +
            std::to_string(samples.back().threads);
  }
  return text;
}

template <class Workload>
growth_report measure_growth(Workload&& workload, const growth_options& options) {
  if (options.rounds < 3) {
    throw std::invalid_argument("leakguard::testing::measure_growth: needs at least 3 measured rounds");
  }
  for (std::size_t round = 0; round < options.warmup_rounds; ++round) workload();
  growth_report report;
  report.samples.reserve(options.rounds);
  std::vector<double> heap, rss, anon;
  heap.reserve(options.rounds);
  rss.reserve(options.rounds);
  anon.reserve(options.rounds);
  bool heap_available = true;
  for (std::size_t round = 0; round < options.rounds; ++round) {
    workload();
    if (options.trim_before_sample) trim_heap();
    report.samples.push_back(take_memory_snapshot(options.mode));
    const memory_snapshot& sample = report.samples.back();
    heap_available = heap_available && sample.heap_in_use_bytes.has_value();
    heap.push_back(sample.heap_in_use_bytes ? static_cast<double>(*sample.heap_in_use_bytes) : 0.0);
    rss.push_back(static_cast<double>(sample.rss_bytes));
    anon.push_back(static_cast<double>(sample.anon_rss_bytes));
  }
  if (heap_available) report.heap = fit_growth(heap);
  report.rss = fit_growth(rss);
  report.anon_rss = fit_growth(anon);
  return report;
}

inline growth_verdict check_bounded_growth(const growth_report& report, double max_bytes_per_round,
                                           growth_metric metric) {
  growth_verdict verdict;
  verdict.metric = report.resolve(metric);
  const growth_fit* fit = report.fit(metric);
  if (!fit) {
    verdict.ok = false;
    verdict.metric_unavailable = true;
    verdict.message = "no heap source in this process (see leakguard/memory_probe.hpp); " + report.describe();
    return verdict;
  }
  verdict.ok = !(fit->slope_low > max_bytes_per_round);
  verdict.message = std::string(to_string(verdict.metric)) + (verdict.ok ? " growth bounded: " : " grows: ") +
                    detail::grouped(fit->slope) + " bytes/round (95% CI " + detail::grouped(fit->slope_low) +
                    ".." + detail::grouped(fit->slope_high) + "), limit " +
                    detail::grouped(max_bytes_per_round) + " bytes/round. " + report.describe();
  return verdict;
}

template <class Workload>
growth_verdict check_bounded_growth(Workload&& workload, std::size_t rounds, double max_bytes_per_round,
                                    growth_options options) {
  options.rounds = rounds;
  return check_bounded_growth(measure_growth(std::forward<Workload>(workload), options), max_bytes_per_round,
                              options.metric);
}

}  // namespace testing
}  // namespace leakguard

/// GoogleTest: a non-fatal failure, with the numbers, when `workload()`
/// grows by more than `max_bytes_per_round` per round over `rounds` measured
/// rounds (after 3 warm-up rounds, heap metric when available, else
/// anonymous RSS). Include <gtest/gtest.h> before using it.
#define EXPECT_BOUNDED_GROWTH(workload, rounds, max_bytes_per_round)                                       \
  do {                                                                                                    \
    const ::leakguard::testing::growth_verdict leakguard_verdict_ =                                       \
        ::leakguard::testing::check_bounded_growth((workload), (rounds), (max_bytes_per_round));          \
    if (!leakguard_verdict_.ok) ADD_FAILURE() << leakguard_verdict_.message;                              \
  } while (false)

/// As EXPECT_BOUNDED_GROWTH, but a fatal failure (returns from the test).
#define ASSERT_BOUNDED_GROWTH(workload, rounds, max_bytes_per_round)                                       \
  do {                                                                                                    \
    const ::leakguard::testing::growth_verdict leakguard_verdict_ =                                       \
        ::leakguard::testing::check_bounded_growth((workload), (rounds), (max_bytes_per_round));          \
    if (!leakguard_verdict_.ok) FAIL() << leakguard_verdict_.message;                                     \
  } while (false)
