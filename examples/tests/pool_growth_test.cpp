// The growth check on the example servers' real components: the leaky
// connection pool and dashboard grow with every request, the fixed ones stay
// flat once their bounded containers are full. leakguard/testing/growth_check.hpp
// measures it; no sockets, no timers firing (the io_context never runs).
#include "../fixed-server/src/connection_pool_manager.hpp"
#include "../fixed-server/src/dashboard.hpp"
#include "../leaky-server/src/connection_pool_manager.hpp"
#include "../leaky-server/src/dashboard.hpp"

#include <leakguard/asio_timer_registry.hpp>
#include <leakguard/testing/growth_check.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace {

namespace lgt = leakguard::testing;

constexpr int kQueriesPerRound = 200;
constexpr double kLimit = 1024;  // bytes per round: a few hundred queries must not leave a trace

template <class Pool>
void run_queries(Pool& pool, int& next) {
  for (int i = 0; i < kQueriesPerRound; ++i) {
    bool cached = false;
    static_cast<void>(pool.query("SELECT * FROM orders WHERE id = " + std::to_string(next++), cached));
  }
}

template <class Dashboard>
void connect_and_leave(Dashboard& dashboard, int count) {
  for (int i = 0; i < count; ++i) dashboard.client_disconnected(dashboard.client_connected("127.0.0.1:4000"));
}

TEST(LeakyServer, PoolGrowsWithEveryQuery) {
  asio::io_context io;
  auto pool = std::make_shared<leaky::ConnectionPoolManager>(io, 4, 32);
  int next = 0;
  const lgt::growth_verdict verdict = lgt::check_bounded_growth([&] { run_queries(*pool, next); }, 10, kLimit);
  EXPECT_FALSE(verdict.ok) << verdict.message;
}

TEST(FixedServer, PoolStaysBounded) {
  asio::io_context io;
  leakguard::asio_timer_registry timers(io);
  auto pool = std::make_shared<fixed::ConnectionPoolManager>(timers, 4, 32);
  int next = 0;
  lgt::growth_options options;
  options.warmup_rounds = 2 * 1024 / kQueriesPerRound;  // fill the cache and the metrics ring
  const lgt::growth_verdict verdict =
      lgt::check_bounded_growth([&] { run_queries(*pool, next); }, 20, kLimit, options);
  EXPECT_TRUE(verdict.ok) << verdict.message;
}

TEST(LeakyServer, DashboardKeepsEveryClient) {
  asio::io_context io;
  leaky::Dashboard dashboard(io);
  const lgt::growth_verdict verdict =
      lgt::check_bounded_growth([&] { connect_and_leave(dashboard, 100); }, 10, kLimit);
  EXPECT_FALSE(verdict.ok) << verdict.message;
}

TEST(FixedServer, DashboardStaysBounded) {
  asio::io_context io;
  leakguard::asio_timer_registry timers(io);
  fixed::Dashboard dashboard(timers);
  lgt::growth_options options;
  options.warmup_rounds = 2 * 1024 / 100;  // fill the client table
  EXPECT_TRUE(lgt::check_bounded_growth([&] { connect_and_leave(dashboard, 100); }, 20, kLimit, options).ok);
}

}  // namespace
