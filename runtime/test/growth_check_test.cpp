#include <leakguard/testing/growth_check.hpp>

#include <leakguard/ring_buffer.hpp>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace lgt = leakguard::testing;

constexpr std::size_t block_size = 256 * 1024;

// The planted leak: a member-like vector that only grows, one touched block
// per round (touched so that the RSS sees it too, not only the heap).
std::vector<std::vector<char>>& planted_history() {
  static std::vector<std::vector<char>> history;
  return history;
}
void leak_one_block() { planted_history().emplace_back(block_size, 'x'); }

TEST(FitGrowth, ExactLineHasATightInterval) {
  std::vector<double> values;
  for (int i = 0; i < 10; ++i) values.push_back(1000.0 + 100.0 * i);
  const lgt::growth_fit fit = lgt::fit_growth(values);
  EXPECT_DOUBLE_EQ(fit.slope, 100.0);
  EXPECT_DOUBLE_EQ(fit.intercept, 1000.0);
  EXPECT_NEAR(fit.slope_low, 100.0, 1e-9);
  EXPECT_NEAR(fit.slope_high, 100.0, 1e-9);
  EXPECT_DOUBLE_EQ(fit.r_squared, 1.0);
  EXPECT_EQ(fit.samples, 10u);
  EXPECT_DOUBLE_EQ(fit.first, 1000.0);
  EXPECT_DOUBLE_EQ(fit.last, 1900.0);
}

TEST(FitGrowth, NoiseIsNotGrowth) {
  const std::vector<double> values{5000, 9000, 4000, 8000, 5000, 9000, 4000, 8000, 5000, 9000, 4000, 8000};
  const lgt::growth_fit fit = lgt::fit_growth(values);
  EXPECT_LT(fit.slope_low, 0.0);  // the interval contains zero
  EXPECT_GT(fit.slope_high, 0.0);
  EXPECT_LT(fit.r_squared, 0.2);
}

TEST(FitGrowth, FlatSamplesHaveZeroSlope) {
  const lgt::growth_fit fit = lgt::fit_growth(std::vector<double>(8, 4096.0));
  EXPECT_DOUBLE_EQ(fit.slope, 0.0);
  EXPECT_DOUBLE_EQ(fit.slope_low, 0.0);
  EXPECT_DOUBLE_EQ(fit.r_squared, 0.0);
}

TEST(FitGrowth, NeedsThreeSamples) {
  EXPECT_THROW(lgt::fit_growth({1.0, 2.0}), std::invalid_argument);
  lgt::growth_options options;
  options.rounds = 2;
  EXPECT_THROW(lgt::measure_growth([] {}, options), std::invalid_argument);
}

TEST(GrowthCheck, CatchesAGrowingVectorOnTheHeap) {
  if (leakguard::current_heap_source() == leakguard::heap_source::none) {
    GTEST_SKIP() << "no heap source; GrowthCheck.CatchesAGrowingVectorInRss covers this platform";
  }
  const lgt::growth_verdict verdict = lgt::check_bounded_growth(leak_one_block, 20, 4096);
  EXPECT_FALSE(verdict.ok) << verdict.message;
  EXPECT_EQ(verdict.metric, lgt::growth_metric::heap);
  EXPECT_NE(verdict.message.find("heap grows: "), std::string::npos) << verdict.message;
  planted_history().clear();
  planted_history().shrink_to_fit();
}

// Allocator-independent: works whatever replaced malloc (ASan included).
TEST(GrowthCheck, CatchesAGrowingVectorInRss) {
  lgt::growth_options options;
  options.metric = lgt::growth_metric::anon_rss;
  const lgt::growth_verdict verdict = lgt::check_bounded_growth(leak_one_block, 20, 16 * 1024, options);
  EXPECT_FALSE(verdict.ok) << verdict.message;
  EXPECT_EQ(verdict.metric, lgt::growth_metric::anon_rss);
  planted_history().clear();
  planted_history().shrink_to_fit();
}

TEST(GrowthCheck, ReportMeasuresTheLeakRate) {
  lgt::growth_options options;
  options.rounds = 12;
  const lgt::growth_report report = lgt::measure_growth(leak_one_block, options);
  ASSERT_EQ(report.samples.size(), 12u);
  // Each round keeps one more block of 256 KiB (plus the outer vector's
  // occasional reallocation).
  EXPECT_GT(report.anon_rss.slope, 0.75 * block_size) << report.describe();
  if (report.heap) {
    EXPECT_GT(report.heap->slope, 0.9 * block_size) << report.describe();
    EXPECT_LT(report.heap->slope, 1.5 * block_size) << report.describe();
    EXPECT_GT(report.heap->r_squared, 0.95) << report.describe();
  }
  planted_history().clear();
  planted_history().shrink_to_fit();
}

TEST(GrowthCheck, PassesABoundedRingBuffer) {
  if (leakguard::current_heap_source() == leakguard::heap_source::none) {
    GTEST_SKIP() << "no heap source: an RSS verdict on a bounded buffer depends on the allocator";
  }
  leakguard::ring_buffer<std::vector<char>> history(4);
  lgt::growth_options options;
  options.warmup_rounds = 6;  // fill the buffer to capacity first
  const lgt::growth_verdict verdict =
      lgt::check_bounded_growth([&] { history.emplace_back(block_size, 'x'); }, 20, 4096, options);
  EXPECT_TRUE(verdict.ok) << verdict.message;
  EXPECT_EQ(history.size(), 4u);
}

TEST(GrowthCheck, HeapMetricWithoutSourceIsReported) {
  lgt::growth_report report;
  report.rss = lgt::fit_growth({1, 2, 3});
  report.anon_rss = report.rss;
  const lgt::growth_verdict verdict = lgt::check_bounded_growth(report, 0, lgt::growth_metric::heap);
  EXPECT_FALSE(verdict.ok);
  EXPECT_TRUE(verdict.metric_unavailable);
  EXPECT_EQ(report.resolve(lgt::growth_metric::automatic), lgt::growth_metric::anon_rss);
}

TEST(GrowthCheckMacro, FailsWithTheNumbers) {
  EXPECT_NONFATAL_FAILURE(EXPECT_BOUNDED_GROWTH(leak_one_block, 20, 1024), "bytes/round (95% CI ");
  planted_history().clear();
  planted_history().shrink_to_fit();
}

TEST(GrowthCheckMacro, PassesBoundedWork) {
  if (leakguard::current_heap_source() == leakguard::heap_source::none) {
    GTEST_SKIP() << "no heap source: an RSS verdict on a bounded buffer depends on the allocator";
  }
  leakguard::ring_buffer<std::string> log(16);
  int n = 0;
  EXPECT_BOUNDED_GROWTH([&] { for (int i = 0; i < 64; ++i) log.push_back(std::string(200, char('a' + n++ % 26))); },
                        30, 256);
  ASSERT_BOUNDED_GROWTH([] { std::vector<char> scratch(block_size, 'y'); }, 10, 256);
}

}  // namespace
