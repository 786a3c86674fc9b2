// leakguard-sanitizers: tsan
// Tests of leakguard/asio_timer_registry.hpp against standalone asio, or
// against Boost.Asio when LEAKGUARD_ASIO_BOOST is 1 (as
// boost_asio_timer_registry_test.cpp does: the two asio flavours cannot
// share a translation unit). Skipped when the chosen asio is not installed.
#if defined(LEAKGUARD_ASIO_BOOST) && LEAKGUARD_ASIO_BOOST
#if __has_include(<boost/asio/io_context.hpp>)
#define LEAKGUARD_TEST_HAVE_ASIO 1
#endif
#elif __has_include(<asio/io_context.hpp>)
#define LEAKGUARD_TEST_HAVE_ASIO 1
#endif

#if defined(LEAKGUARD_TEST_HAVE_ASIO)
#if defined(__SANITIZE_THREAD__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
// asio's handler invocation uses std::atomic_thread_fence, which g++ warns
// TSan does not model. The registry itself synchronises through its mutex.
#pragma GCC diagnostic ignored "-Wtsan"
#endif
#include <leakguard/asio_timer_registry.hpp>
#if LEAKGUARD_ASIO_BOOST
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/strand.hpp>
#else
#include <asio/executor_work_guard.hpp>
#include <asio/strand.hpp>
#endif
#endif

#include <gtest/gtest.h>

#include "wait_helpers.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace {

#if !defined(LEAKGUARD_TEST_HAVE_ASIO)

TEST(AsioTimerRegistryTest, SkippedWithoutAsioHeaders) {
  GTEST_SKIP() << "the asio flavour under test is not installed";
}

#else

using namespace std::chrono_literals;
using leakguard::timer_clock;
using leakguard::timer_handle;

using leakguard_test::event_counter;
using leakguard_test::gate;
using leakguard_test::kPatience;

void record_max(std::atomic<int>& max_seen, int value) {
  int seen = max_seen.load();
  while (value > seen && !max_seen.compare_exchange_weak(seen, value)) {
  }
}

// What the tests need from the asio flavour under test.
#if LEAKGUARD_ASIO_BOOST
struct flavour {
  using registry = leakguard::boost_asio_timer_registry;
  using io_context = ::boost::asio::io_context;
  static auto make_work_guard(io_context& context) {
    return ::boost::asio::make_work_guard(context);
  }
  static auto make_strand(io_context& context) { return ::boost::asio::make_strand(context); }
};
#else
struct flavour {
  using registry = leakguard::asio_timer_registry;
  using io_context = ::asio::io_context;
  static auto make_work_guard(io_context& context) { return ::asio::make_work_guard(context); }
  static auto make_strand(io_context& context) { return ::asio::make_strand(context); }
};
#endif

// An io_context run by `threads` threads for the fixture's lifetime. Tests
// create their registry as a local, so it is destroyed before the context.
class AsioTimerRegistryTest : public ::testing::Test {
 protected:
  using registry_type = flavour::registry;
  using io_context = flavour::io_context;

  void run_threads(int threads) {
    work_.emplace(flavour::make_work_guard(context_));
    for (int i = 0; i < threads; ++i) {
      runners_.emplace_back([this] { context_.run(); });
    }
  }

  bool is_runner_thread(std::thread::id id) const {
    for (const auto& runner : runners_) {
      if (runner.get_id() == id) return true;
    }
    return false;
  }

  void TearDown() override {
    work_.reset();
    context_.stop();
    for (auto& runner : runners_) runner.join();
  }

  io_context context_;
  std::optional<decltype(flavour::make_work_guard(std::declval<io_context&>()))> work_;
  std::vector<std::thread> runners_;
};

TEST_F(AsioTimerRegistryTest, TimeoutFiresOnceOnAnIoContextThread) {
  run_threads(2);
  registry_type registry(context_);
  event_counter fired;
  std::atomic<bool> on_runner{false};
  timer_handle handle = registry.set_timeout(1ms, [&] {
    on_runner = is_runner_thread(std::this_thread::get_id());
    fired.bump();
  });
  ASSERT_TRUE(fired.wait_for_at_least(1));
  EXPECT_TRUE(on_runner);
  gate later;
  timer_handle sentinel = registry.set_timeout(5ms, [&] { later.open(); });
  ASSERT_TRUE(later.wait());
  EXPECT_EQ(fired.value(), 1);
  EXPECT_FALSE(handle.active());
}

TEST_F(AsioTimerRegistryTest, WorksWithTheCallerRunningTheContext) {
  registry_type registry(context_);
  int fired = 0;
  timer_handle first = registry.set_timeout(2ms, [&] { ++fired; });
  timer_handle second = registry.set_timeout(1ms, [&] { ++fired; });
  const auto give_up = timer_clock::now() + kPatience;
  while (fired < 2 && timer_clock::now() < give_up) context_.run_one_for(10ms);
  EXPECT_EQ(fired, 2);
  EXPECT_EQ(registry.active_count(), 0u);
}

TEST_F(AsioTimerRegistryTest, IntervalFiresRepeatedlyUntilReset) {
  run_threads(2);
  registry_type registry(context_);
  event_counter fired;
  timer_handle handle = registry.set_interval(1ms, [&] { fired.bump(); });
  ASSERT_TRUE(fired.wait_for_at_least(5));
  handle.reset();
  const int after_reset = fired.value();
  gate later;
  timer_handle sentinel = registry.set_timeout(5ms, [&] { later.open(); });
  ASSERT_TRUE(later.wait());
  EXPECT_EQ(fired.value(), after_reset) << "fired after reset() returned";
}

TEST_F(AsioTimerRegistryTest, IntervalNeverOverlapsItselfOnAThreadPool) {
  run_threads(4);
  registry_type registry(context_);
  std::atomic<int> inside{0};
  std::atomic<int> max_inside{0};
  event_counter fired;
  timer_handle handle = registry.set_interval(1ms, [&] {
    record_max(max_inside, ++inside);
    std::this_thread::sleep_for(3ms);  // three periods long
    --inside;
    fired.bump();
  });
  ASSERT_TRUE(fired.wait_for_at_least(4));
  handle.reset();
  EXPECT_EQ(max_inside.load(), 1);
}

// Timer `waiting` blocks until timer `opening` has run: only possible if the
// pool runs different timers in parallel.
TEST_F(AsioTimerRegistryTest, DifferentTimersRunInParallelOnAThreadPool) {
  run_threads(2);
  registry_type registry(context_);
  gate opened;
  std::atomic<bool> saw_open{false};
  gate waiting_done;
  timer_handle waiting = registry.set_timeout(0ms, [&] {
    saw_open = opened.wait();
    waiting_done.open();
  });
  timer_handle opening = registry.set_timeout(1ms, [&] { opened.open(); });
  ASSERT_TRUE(waiting_done.wait());
  EXPECT_TRUE(saw_open);
}

TEST_F(AsioTimerRegistryTest, StrandSerialisesAllTimers) {
  run_threads(4);
  registry_type registry(flavour::make_strand(context_));
  std::atomic<int> inside{0};
  std::atomic<int> max_inside{0};
  event_counter fired;
  auto body = [&] {
    record_max(max_inside, ++inside);
    std::this_thread::sleep_for(1ms);
    --inside;
    fired.bump();
  };
  timer_handle a = registry.set_interval(1ms, body);
  timer_handle b = registry.set_interval(1ms, body);
  timer_handle c = registry.set_interval(1ms, body);
  ASSERT_TRUE(fired.wait_for_at_least(9));
  registry.cancel_all();
  EXPECT_EQ(max_inside.load(), 1);
}

TEST_F(AsioTimerRegistryTest, CancelWaitsForTheRunningCallback) {
  run_threads(2);
  registry_type registry(context_);
  gate entered;
  gate proceed;
  std::atomic<bool> callback_returned{false};
  timer_handle handle = registry.set_timeout(0ms, [&] {
    entered.open();
    proceed.wait();
    std::this_thread::sleep_for(1ms);
    callback_returned = true;
  });
  ASSERT_TRUE(entered.wait());
  // Lets the callback go once cancel() has retired the timer (the callback
  // cannot: it is blocked): earlier, it could finish first and cancel()
  // rightly return false.
  std::thread opener([&] {
    while (registry.active_count() != 0) std::this_thread::yield();
    proceed.open();
  });
  EXPECT_TRUE(handle.cancel()) << "a running timer counts as active";
  EXPECT_TRUE(callback_returned) << "cancel() returned while the callback was running";
  opener.join();
}

// Deterministic version of the race that bites asio users: the timer has
// expired and its callback is queued in the io_context when it is cancelled.
TEST_F(AsioTimerRegistryTest, CallbackAlreadyPostedDoesNotRunAfterCancel) {
  registry_type registry(context_);
  event_counter fired;
  timer_handle handle = registry.set_timeout(0ms, [&] { fired.bump(); });
  // Runs the expired alarm's handler, which posts the callback.
  ASSERT_EQ(context_.run_one_for(kPatience), 1u);
  EXPECT_TRUE(handle.active());
  EXPECT_TRUE(handle.cancel());
  context_.poll();
  EXPECT_EQ(fired.value(), 0);
  EXPECT_EQ(registry.active_count(), 0u);
}

TEST_F(AsioTimerRegistryTest, CancelRacingThePoolNeverLetsTheCallbackStartLater) {
  run_threads(2);
  registry_type registry(context_);
  constexpr int kRounds = 300;
  struct round_state {
    std::atomic<int> starts{0};
    std::atomic<int> finishes{0};
  };
  std::vector<round_state> rounds(kRounds);
  std::vector<int> starts_at_cancel(kRounds);
  for (int i = 0; i < kRounds; ++i) {
    round_state& round = rounds[static_cast<std::size_t>(i)];
    timer_handle handle = registry.set_timeout(0ms, [&round] {
      ++round.starts;
      std::this_thread::yield();
      ++round.finishes;
    });
    for (int spin = 0; spin < i % 7; ++spin) std::this_thread::yield();
    handle.reset();
    EXPECT_EQ(round.starts.load(), round.finishes.load()) << "round " << i;
    starts_at_cancel[static_cast<std::size_t>(i)] = round.starts.load();
  }
  // Everything posted before this point has run once the pool ran the
  // sentinel and the context is idle again; two threads: run two sentinels.
  event_counter sentinels;
  timer_handle s1 = registry.set_timeout(2ms, [&] { sentinels.bump(); });
  timer_handle s2 = registry.set_timeout(2ms, [&] { sentinels.bump(); });
  ASSERT_TRUE(sentinels.wait_for_at_least(2));
  for (int i = 0; i < kRounds; ++i) {
    EXPECT_EQ(rounds[static_cast<std::size_t>(i)].starts.load(),
              starts_at_cancel[static_cast<std::size_t>(i)])
        << "round " << i << " started after its handle was reset";
  }
}

TEST_F(AsioTimerRegistryTest, OwnerExpiryCancelsTheTimer) {
  run_threads(1);
  registry_type registry(context_);
  event_counter fired;
  auto owner = std::make_shared<int>(0);
  timer_handle handle = registry.set_interval(1ms, std::weak_ptr<int>(owner),
                                              [&](int& value) {
                                                ++value;
                                                fired.bump();
                                              });
  ASSERT_TRUE(fired.wait_for_at_least(2));
  owner.reset();
  const auto give_up = timer_clock::now() + kPatience;
  while (handle.active() && timer_clock::now() < give_up) std::this_thread::sleep_for(200us);
  EXPECT_FALSE(handle.active());
  EXPECT_EQ(registry.active_count(), 0u);
}

TEST_F(AsioTimerRegistryTest, CancelAllUnderConcurrentScheduling) {
  run_threads(2);
  registry_type registry(context_);
  constexpr int kThreads = 3;
  constexpr int kPerThread = 150;
  std::atomic<bool> scheduling_done{false};
  std::vector<std::thread> schedulers;
  for (int t = 0; t < kThreads; ++t) {
    schedulers.emplace_back([&registry] {
      for (int i = 0; i < kPerThread; ++i) registry.set_interval(1h, [] {}).release();
    });
  }
  std::size_t cancelled = 0;
  std::thread canceller([&] {
    while (!scheduling_done) cancelled += registry.cancel_all();
  });
  for (auto& thread : schedulers) thread.join();
  scheduling_done = true;
  canceller.join();
  cancelled += registry.cancel_all();
  EXPECT_EQ(cancelled, static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(registry.active_count(), 0u);
}

TEST_F(AsioTimerRegistryTest, CloseRefusesNewTimers) {
  registry_type registry(context_);
  timer_handle pending = registry.set_interval(1h, [] {});
  EXPECT_EQ(registry.close(), 1u);
  EXPECT_FALSE(pending.active());
  EXPECT_THROW(static_cast<void>(registry.set_timeout(1ms, [] {})),
               leakguard::timer_registry_closed);
}

TEST_F(AsioTimerRegistryTest, ExceptionsGoToTheHandlerNotOutOfRun) {
  run_threads(1);
  registry_type registry(context_);
  event_counter handled;
  registry.set_exception_handler([&](std::exception_ptr) { handled.bump(); });
  timer_handle failing =
      registry.set_interval(1ms, [] { throw std::runtime_error("boom"); });
  ASSERT_TRUE(handled.wait_for_at_least(3));
  failing.reset();
  gate fired;
  timer_handle next = registry.set_timeout(1ms, [&] { fired.open(); });
  EXPECT_TRUE(fired.wait()) << "the io_context thread stopped";
}

// Destroyed with pending timers and a callback already posted but not run,
// then the context is run and destroyed: nothing runs, nothing leaks.
TEST_F(AsioTimerRegistryTest, DestroyedBeforeItsContextWithWorkPending) {
  event_counter fired;
  auto captured = std::make_shared<int>(0);
  std::weak_ptr<int> watch = captured;
  {
    registry_type registry(context_);
    registry.set_timeout(0ms, [&fired, captured] { fired.bump(); }).release();
    registry.set_interval(1h, [&fired, captured] { fired.bump(); }).release();
    ASSERT_EQ(context_.run_one_for(kPatience), 1u);  // posts the due callback
    captured.reset();
  }
  EXPECT_TRUE(watch.expired()) << "the registry's destructor left callbacks alive";
  context_.restart();
  context_.poll();
  EXPECT_EQ(fired.value(), 0);
}

TEST_F(AsioTimerRegistryTest, DestructionWaitsForACallbackOnAnotherThread) {
  run_threads(2);
  auto registry = std::make_unique<registry_type>(context_);
  gate entered;
  gate proceed;
  std::atomic<bool> callback_returned{false};
  registry->set_timeout(0ms, [&] {
    entered.open();
    proceed.wait();
    std::this_thread::sleep_for(1ms);
    callback_returned = true;
  }).release();
  ASSERT_TRUE(entered.wait());
  std::thread opener([&] { proceed.open(); });
  registry.reset();
  EXPECT_TRUE(callback_returned);
  opener.join();
}

TEST_F(AsioTimerRegistryTest, RegistryDestroyedFromItsOwnCallback) {
  run_threads(2);
  struct service {
    explicit service(io_context& context) : registry(context) {}
    registry_type registry;
    timer_handle tick;
    gate* destroyed = nullptr;
    ~service() {
      tick.reset();
      destroyed->open();
    }
  };
  gate destroyed;
  gate entered;
  gate proceed;
  auto owner = std::make_shared<service>(context_);
  owner->destroyed = &destroyed;
  owner->tick = owner->registry.set_interval(1ms, std::weak_ptr<service>(owner),
                                             [&](service&) {
                                               entered.open();
                                               proceed.wait();
                                             });
  ASSERT_TRUE(entered.wait());
  owner.reset();  // the callback's lock is now the last reference
  proceed.open();
  EXPECT_TRUE(destroyed.wait());
}

#endif  // LEAKGUARD_TEST_HAVE_ASIO

}  // namespace
