// leakguard-sanitizers: tsan
#include <leakguard/timer_registry.hpp>

#include <gtest/gtest.h>

#include "wait_helpers.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using leakguard::interval_policy;
using leakguard::timer_clock;
using leakguard::timer_handle;
using leakguard::timer_registry;

using leakguard_test::event_counter;
using leakguard_test::gate;
using leakguard_test::kPatience;

// For state with no event to wait on (an owner noticed gone); polls briefly.
template <class Predicate>
bool eventually(Predicate predicate) {
  const auto give_up = timer_clock::now() + kPatience;
  while (!predicate()) {
    if (timer_clock::now() > give_up) return false;
    std::this_thread::sleep_for(200us);
  }
  return true;
}

// Keeps the registry's scheduler thread busy in a callback, so that timers
// falling due meanwhile stay queued until release(): tests use it to act on
// due-but-not-run timers without racing the clock.
class scheduler_hold {
 public:
  explicit scheduler_hold(timer_registry& registry)
      : handle_(registry.set_timeout(0ms, [this] {
          entered_.open();
          released_.wait();
        })) {
    EXPECT_TRUE(entered_.wait());
  }
  scheduler_hold(const scheduler_hold&) = delete;
  scheduler_hold& operator=(const scheduler_hold&) = delete;
  ~scheduler_hold() { release(); }
  void release() { released_.open(); }

 private:
  gate entered_;
  gate released_;
  timer_handle handle_;  // declared last: destroyed first, after release()
};

// The scheduler runs timers in deadline order on one thread, so once a later
// timer has fired, every earlier one that was going to fire has done so.
void drain(timer_registry& registry, std::chrono::milliseconds after = 2ms) {
  gate fired;
  timer_handle sentinel = registry.set_timeout(after, [&] { fired.open(); });
  ASSERT_TRUE(fired.wait());
}

TEST(TimerRegistryTest, TimeoutFiresOnceAndRetires) {
  timer_registry registry;
  event_counter fired;
  timer_handle handle;
  {
    scheduler_hold hold(registry);
    handle = registry.set_timeout(1ms, [&] { fired.bump(); });
    EXPECT_EQ(registry.active_count(), 2u);
    EXPECT_TRUE(handle.active());
  }
  ASSERT_TRUE(fired.wait_for_at_least(1));
  drain(registry, 10ms);
  EXPECT_EQ(fired.value(), 1);
  EXPECT_FALSE(handle.active());
  EXPECT_TRUE(handle.holds_timer());
  EXPECT_EQ(registry.active_count(), 0u);
  EXPECT_FALSE(handle.cancel()) << "nothing left to cancel";
  EXPECT_FALSE(handle.holds_timer());
}

TEST(TimerRegistryTest, TimeoutNeverFiresEarly) {
  timer_registry registry;
  std::atomic<timer_clock::time_point> fired_at{};
  gate fired;
  const auto scheduled_at = timer_clock::now();
  timer_handle handle = registry.set_timeout(15ms, [&] {
    fired_at = timer_clock::now();
    fired.open();
  });
  ASSERT_TRUE(fired.wait());
  EXPECT_GE(fired_at.load() - scheduled_at, 15ms);
}

TEST(TimerRegistryTest, NegativeDelayFiresPromptly) {
  timer_registry registry;
  gate fired;
  timer_handle handle = registry.set_timeout(-1h, [&] { fired.open(); });
  EXPECT_TRUE(fired.wait());
}

TEST(TimerRegistryTest, IntervalFiresRepeatedlyUntilReset) {
  timer_registry registry;
  event_counter fired;
  timer_handle handle = registry.set_interval(1ms, [&] { fired.bump(); });
  ASSERT_TRUE(fired.wait_for_at_least(5));
  EXPECT_TRUE(handle.active());
  handle.reset();
  const int after_reset = fired.value();
  EXPECT_FALSE(handle.holds_timer());
  EXPECT_EQ(registry.active_count(), 0u);
  drain(registry, 5ms);
  EXPECT_EQ(fired.value(), after_reset) << "fired after reset() returned";
}

TEST(TimerRegistryTest, IntervalRejectsNonPositivePeriod) {
  timer_registry registry;
  EXPECT_THROW(static_cast<void>(registry.set_interval(0ms, [] {})), std::invalid_argument);
  EXPECT_THROW(static_cast<void>(registry.set_interval(-5ms, [] {})),
               std::invalid_argument);
  EXPECT_EQ(registry.active_count(), 0u);
}

TEST(TimerRegistryTest, HugeDelaysDoNotOverflow) {
  timer_registry registry;
  event_counter fired;
  timer_handle forever = registry.set_timeout(std::chrono::hours::max(), [&] { fired.bump(); });
  timer_handle rarely =
      registry.set_interval(std::chrono::hours::max(), [&] { fired.bump(); });
  drain(registry);
  EXPECT_EQ(fired.value(), 0);
  EXPECT_EQ(registry.active_count(), 2u);
}

TEST(TimerRegistryTest, NewEarlierTimerInterruptsALongWait) {
  timer_registry registry;
  timer_handle far = registry.set_timeout(1h, [] {});
  // Let the scheduler settle into its one-hour wait.
  std::this_thread::sleep_for(1ms);
  gate fired;
  timer_handle near = registry.set_timeout(1ms, [&] { fired.open(); });
  EXPECT_TRUE(fired.wait()) << "the scheduler kept sleeping towards the old deadline";
}

TEST(TimerRegistryTest, DestroyedHandleCancels) {
  timer_registry registry;
  event_counter fired;
  {
    scheduler_hold hold(registry);
    {
      timer_handle handle = registry.set_timeout(0ms, [&] { fired.bump(); });
      EXPECT_EQ(registry.active_count(), 2u);
    }
    EXPECT_EQ(registry.active_count(), 1u);
  }
  drain(registry);
  EXPECT_EQ(fired.value(), 0) << "fired although its handle was destroyed while it was due";
}

TEST(TimerRegistryTest, CancelReportsWhetherItStoppedSomething) {
  timer_registry registry;
  timer_handle handle = registry.set_timeout(1h, [] {});
  EXPECT_TRUE(handle.cancel());
  EXPECT_FALSE(handle.cancel());
  timer_handle empty;
  EXPECT_FALSE(empty.cancel());
  EXPECT_FALSE(empty.active());
}

TEST(TimerRegistryTest, CancelDestroysTheCallbackAndItsCaptures) {
  timer_registry registry;
  auto captured = std::make_shared<int>(7);
  std::weak_ptr<int> watch = captured;
  timer_handle handle = registry.set_interval(1h, [captured = std::move(captured)] {});
  EXPECT_FALSE(watch.expired());
  handle.reset();
  EXPECT_TRUE(watch.expired()) << "a cancelled timer still holds its captures";
}

TEST(TimerRegistryTest, AcceptsMoveOnlyCallbacks) {
  timer_registry registry;
  gate fired;
  auto payload = std::make_unique<int>(42);
  std::atomic<int> seen{0};
  timer_handle handle = registry.set_timeout(0ms, [&, payload = std::move(payload)] {
    seen = *payload;
    fired.open();
  });
  ASSERT_TRUE(fired.wait());
  EXPECT_EQ(seen.load(), 42);
}

TEST(TimerRegistryTest, FinishedTimeoutReleasesItsCaptures) {
  timer_registry registry;
  auto captured = std::make_shared<int>(7);
  std::weak_ptr<int> watch = captured;
  timer_handle handle = registry.set_timeout(1ms, [captured = std::move(captured)] {});
  EXPECT_TRUE(eventually([&] { return watch.expired(); }));
  EXPECT_TRUE(handle.holds_timer());
}

TEST(TimerRegistryTest, MoveTransfersOwnershipAndMoveAssignCancelsTheOld) {
  timer_registry registry;
  event_counter first_fired;
  event_counter second_fired;
  timer_handle moved;
  {
    scheduler_hold hold(registry);
    timer_handle first = registry.set_timeout(0ms, [&] { first_fired.bump(); });
    moved = std::move(first);
    EXPECT_FALSE(first.holds_timer());  // NOLINT(bugprone-use-after-move): checked on purpose
    EXPECT_TRUE(moved.active());
    EXPECT_EQ(registry.active_count(), 2u);

    moved = registry.set_timeout(0ms, [&] { second_fired.bump(); });
    EXPECT_EQ(registry.active_count(), 2u) << "move-assignment must cancel the old timer";
  }
  ASSERT_TRUE(second_fired.wait_for_at_least(1));
  drain(registry);
  EXPECT_EQ(first_fired.value(), 0);
}

TEST(TimerRegistryTest, ReleaseDetachesOnPurpose) {
  timer_registry registry;
  event_counter fired;
  {
    timer_handle handle = registry.set_timeout(1ms, [&] { fired.bump(); });
    handle.release();
    EXPECT_FALSE(handle.holds_timer());
    EXPECT_FALSE(handle.active());
  }
  EXPECT_TRUE(fired.wait_for_at_least(1));

  timer_handle interval = registry.set_interval(1ms, [&] { fired.bump(); });
  interval.release();
  EXPECT_TRUE(fired.wait_for_at_least(4)) << "a released interval keeps running";
  EXPECT_EQ(registry.cancel_all(), 1u) << "and the registry can still stop it";
}

TEST(TimerRegistryTest, OwnerExpiryCancelsTheTimer) {
  timer_registry registry;
  event_counter fired;
  auto owner = std::make_shared<int>(0);
  timer_handle handle =
      registry.set_interval(1ms, std::weak_ptr<int>(owner), [&] { fired.bump(); });
  ASSERT_TRUE(fired.wait_for_at_least(2));
  owner.reset();
  EXPECT_TRUE(eventually([&] { return !handle.active(); }));
  EXPECT_EQ(registry.active_count(), 0u);
  const int after_expiry = fired.value();
  drain(registry, 5ms);
  EXPECT_EQ(fired.value(), after_expiry);
}

TEST(TimerRegistryTest, SharedPtrOwnerIsHeldWeakly) {
  timer_registry registry;
  auto owner = std::make_shared<int>(0);
  std::weak_ptr<int> watch = owner;
  timer_handle handle = registry.set_interval(1h, owner, [] {});
  owner.reset();
  EXPECT_TRUE(watch.expired()) << "the timer kept its owner alive";
  EXPECT_TRUE(handle.active()) << "noticed at the next due time, not before";
}

TEST(TimerRegistryTest, OwnerGoneBeforeTimeoutSkipsTheCallback) {
  timer_registry registry;
  event_counter fired;
  auto owner = std::make_shared<int>(0);
  timer_handle handle;
  {
    scheduler_hold hold(registry);
    handle = registry.set_timeout(0ms, std::weak_ptr<int>(owner), [&] { fired.bump(); });
    owner.reset();
  }
  drain(registry);
  EXPECT_EQ(fired.value(), 0);
  EXPECT_FALSE(handle.active());
}

struct ticking_session {
  int ticks = 0;
};

TEST(TimerRegistryTest, CallbackCanTakeTheOwner) {
  timer_registry registry;
  auto session = std::make_shared<ticking_session>();
  event_counter fired;
  timer_handle handle = registry.set_interval(
      1ms, std::weak_ptr<ticking_session>(session), [&](ticking_session& self) {
        ++self.ticks;
        fired.bump();
      });
  ASSERT_TRUE(fired.wait_for_at_least(3));
  handle.reset();
  EXPECT_EQ(session->ticks, fired.value());
}

// The owner is locked for the whole callback: dropping the last outside
// reference mid-callback destroys it only when the callback returns.
TEST(TimerRegistryTest, OwnerOutlivesTheRunningCallback) {
  struct watched_owner {
    explicit watched_owner(std::atomic<bool>* destroyed) : destroyed(destroyed) {}
    ~watched_owner() { *destroyed = true; }
    std::atomic<bool>* destroyed;
  };
  std::atomic<bool> destroyed{false};
  std::atomic<bool> alive_at_end_of_callback{false};
  gate entered;
  gate proceed;
  timer_registry registry;
  auto owner = std::make_shared<watched_owner>(&destroyed);
  timer_handle handle =
      registry.set_timeout(1ms, std::weak_ptr<watched_owner>(owner), [&] {
        entered.open();
        proceed.wait();
        alive_at_end_of_callback = !destroyed;
      });
  ASSERT_TRUE(entered.wait());
  owner.reset();
  proceed.open();
  EXPECT_TRUE(eventually([&] { return destroyed.load(); }));
  EXPECT_TRUE(alive_at_end_of_callback);
}

TEST(TimerRegistryTest, FixedRateComputesDeadlinesWithoutDrift) {
  using leakguard::detail::next_fire_time;
  const timer_clock::time_point start{};
  const auto period = std::chrono::milliseconds(10);
  // On time or slightly late: exactly one period after the last deadline.
  EXPECT_EQ(next_fire_time(start, period, interval_policy::fixed_rate, start + 3ms),
            start + 10ms);
  EXPECT_EQ(next_fire_time(start, period, interval_policy::fixed_rate, start + 10ms),
            start + 10ms);
  // Overran by more than a period: skip to the next tick on the grid.
  EXPECT_EQ(next_fire_time(start, period, interval_policy::fixed_rate, start + 25ms),
            start + 30ms);
  EXPECT_EQ(next_fire_time(start, period, interval_policy::fixed_rate, start + 30ms),
            start + 30ms);
  // Fixed delay counts from the end of the callback.
  EXPECT_EQ(next_fire_time(start, period, interval_policy::fixed_delay, start + 3ms),
            start + 13ms);
  // Saturates instead of overflowing.
  EXPECT_EQ(next_fire_time(timer_clock::time_point::max() - 1ms, period,
                           interval_policy::fixed_rate, start),
            timer_clock::time_point::max());
}

// Records when each run of an interval started and ended.
struct run_log {
  std::mutex mutex;
  std::vector<timer_clock::time_point> starts;
  std::vector<timer_clock::time_point> ends;
};

std::vector<timer_clock::time_point> run_interval(interval_policy policy,
                                                  timer_clock::duration period,
                                                  timer_clock::duration work, int runs,
                                                  timer_clock::time_point* scheduled_at,
                                                  std::vector<timer_clock::time_point>* ends) {
  timer_registry registry;
  run_log log;
  event_counter fired;
  *scheduled_at = timer_clock::now();
  timer_handle handle = registry.set_interval(
      period,
      [&] {
        const auto started = timer_clock::now();
        std::this_thread::sleep_for(work);
        std::lock_guard<std::mutex> lock(log.mutex);
        log.starts.push_back(started);
        log.ends.push_back(timer_clock::now());
        fired.bump();
      },
      policy);
  EXPECT_TRUE(fired.wait_for_at_least(runs));
  handle.reset();
  std::lock_guard<std::mutex> lock(log.mutex);
  if (ends != nullptr) *ends = log.ends;
  return log.starts;
}

// Run k of a fixed-rate interval never starts before scheduled_at +
// (k + 1) * period, even when each callback takes half the period. How
// late runs may be depends on the machine's load, so lateness is not
// asserted here (a timed unit test would be flaky); the grid arithmetic
// that places them is tested exactly in FixedRateComputesDeadlinesWithoutDrift.
TEST(TimerRegistryTest, FixedRateRunsNeverStartBeforeTheirGridPoint) {
  const auto period = std::chrono::milliseconds(20);
  const auto work = std::chrono::milliseconds(10);
  constexpr int runs = 8;
  timer_clock::time_point scheduled_at;
  const auto starts =
      run_interval(interval_policy::fixed_rate, period, work, runs, &scheduled_at, nullptr);
  ASSERT_GE(starts.size(), static_cast<std::size_t>(runs));
  for (int k = 0; k < runs; ++k)
    EXPECT_GE(starts[static_cast<std::size_t>(k)] - scheduled_at, (k + 1) * period)
        << "run " << k << " started before its grid point";
}

TEST(TimerRegistryTest, FixedDelayWaitsAFullPeriodAfterEachRun) {
  const auto period = std::chrono::milliseconds(6);
  timer_clock::time_point scheduled_at;
  std::vector<timer_clock::time_point> ends;
  const auto starts =
      run_interval(interval_policy::fixed_delay, period, 4ms, 5, &scheduled_at, &ends);
  ASSERT_GE(starts.size(), 5u);
  for (std::size_t i = 1; i < starts.size(); ++i) {
    EXPECT_GE(starts[i] - ends[i - 1], period) << "run " << i;
  }
}

TEST(TimerRegistryTest, SlowIntervalNeverOverlapsItself) {
  timer_registry registry;
  std::atomic<int> inside{0};
  std::atomic<int> max_inside{0};
  event_counter fired;
  timer_handle handle = registry.set_interval(1ms, [&] {
    const int now_inside = ++inside;
    int seen = max_inside.load();
    while (now_inside > seen && !max_inside.compare_exchange_weak(seen, now_inside)) {
    }
    std::this_thread::sleep_for(3ms);  // three periods long
    --inside;
    fired.bump();
  });
  ASSERT_TRUE(fired.wait_for_at_least(4));
  handle.reset();
  EXPECT_EQ(max_inside.load(), 1);
}

// A callback blocked inside; reset() from another thread must not return
// before the callback has.
TEST(TimerRegistryTest, CancelWaitsForTheRunningCallback) {
  timer_registry registry;
  gate entered;
  gate proceed;
  std::atomic<bool> callback_returned{false};
  timer_handle handle = registry.set_timeout(0ms, [&] {
    entered.open();
    proceed.wait();
    std::this_thread::sleep_for(1ms);  // widens the window a non-waiting cancel would hit
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

// The scheduler takes every due timer off the queue before running the
// first; `taken` is cancelled while `blocker` runs, i.e. after it left the
// queue and before it started.
TEST(TimerRegistryTest, CallbackAlreadyTakenOffTheQueueDoesNotRunAfterCancel) {
  timer_registry registry;
  gate blocker_entered;
  gate blocker_proceed;
  event_counter taken_fired;
  timer_handle blocker;
  timer_handle taken;
  {
    scheduler_hold hold(registry);
    blocker = registry.set_timeout(0ms, [&] {
      blocker_entered.open();
      blocker_proceed.wait();
    });
    taken = registry.set_timeout(0ms, [&] { taken_fired.bump(); });
  }
  ASSERT_TRUE(blocker_entered.wait());
  EXPECT_TRUE(taken.cancel());
  blocker_proceed.open();
  drain(registry);
  EXPECT_EQ(taken_fired.value(), 0);
}

// Races cancel() against the scheduler taking the timer off the queue:
// afterwards the callback either ran to completion or never starts.
TEST(TimerRegistryTest, CancelRacingDispatchNeverLetsTheCallbackStartLater) {
  timer_registry registry;
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
  drain(registry);
  for (int i = 0; i < kRounds; ++i) {
    EXPECT_EQ(rounds[static_cast<std::size_t>(i)].starts.load(),
              starts_at_cancel[static_cast<std::size_t>(i)])
        << "round " << i << " started after its handle was reset";
  }
}

TEST(TimerRegistryTest, IntervalCanCancelItselfFromInsideItsCallback) {
  timer_registry registry;
  std::mutex handle_mutex;
  timer_handle self;
  event_counter fired;
  {
    std::lock_guard<std::mutex> lock(handle_mutex);
    self = registry.set_interval(1ms, [&] {
      fired.bump();
      std::lock_guard<std::mutex> inner(handle_mutex);
      EXPECT_TRUE(self.cancel()) << "returns at once instead of waiting for itself";
    });
  }
  ASSERT_TRUE(fired.wait_for_at_least(1));
  drain(registry, 5ms);
  EXPECT_EQ(fired.value(), 1);
  EXPECT_EQ(registry.active_count(), 0u);
}

TEST(TimerRegistryTest, CancelAllAndCloseWorkFromInsideACallback) {
  timer_registry registry;
  event_counter fired;
  timer_handle other = registry.set_interval(1h, [] {});
  gate done;
  std::atomic<std::size_t> cancelled{0};
  timer_handle closer = registry.set_timeout(1ms, [&] {
    cancelled = registry.close();
    fired.bump();
    done.open();
  });
  ASSERT_TRUE(done.wait());
  EXPECT_EQ(cancelled.load(), 2u) << "itself (still running) and the other timer";
  EXPECT_FALSE(other.active());
  EXPECT_TRUE(registry.closed());
}

TEST(TimerRegistryTest, CancelAllReturnsTheCountAndKeepsTheRegistryOpen) {
  timer_registry registry;
  event_counter fired;
  std::vector<timer_handle> handles;
  for (int i = 0; i < 5; ++i) handles.push_back(registry.set_timeout(1h, [] {}));
  for (int i = 0; i < 3; ++i) handles.push_back(registry.set_interval(1h, [] {}));
  registry.set_timeout(1h, [] {}).release();
  EXPECT_EQ(registry.active_count(), 9u);
  EXPECT_EQ(registry.cancel_all(), 9u);
  EXPECT_EQ(registry.active_count(), 0u);
  EXPECT_EQ(registry.cancel_all(), 0u);
  for (const auto& handle : handles) EXPECT_FALSE(handle.active());
  EXPECT_FALSE(registry.closed());
  timer_handle after = registry.set_timeout(1ms, [&] { fired.bump(); });
  EXPECT_TRUE(fired.wait_for_at_least(1));
}

TEST(TimerRegistryTest, CancelAllUnderConcurrentSchedulingCountsEveryTimerOnce) {
  timer_registry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::atomic<bool> scheduling_done{false};
  std::vector<std::vector<timer_handle>> handles(kThreads);
  std::vector<std::thread> schedulers;
  for (int t = 0; t < kThreads; ++t) {
    schedulers.emplace_back([&registry, &handles, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto& mine = handles[static_cast<std::size_t>(t)];
        if (i % 2 == 0) {
          mine.push_back(registry.set_timeout(1h, [] {}));
        } else {
          mine.push_back(registry.set_interval(1h, [] {}));
        }
      }
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
  for (const auto& mine : handles) {
    for (const auto& handle : mine) EXPECT_FALSE(handle.active());
  }
}

TEST(TimerRegistryTest, CloseRacingSchedulersEitherRefusesOrCancels) {
  timer_registry registry;
  constexpr int kThreads = 3;
  std::atomic<std::size_t> accepted{0};
  std::atomic<std::size_t> refused{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> schedulers;
  for (int t = 0; t < kThreads; ++t) {
    schedulers.emplace_back([&] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 300; ++i) {
        try {
          registry.set_interval(1h, [] {}).release();
          ++accepted;
        } catch (const leakguard::timer_registry_closed&) {
          ++refused;
        }
      }
    });
  }
  go = true;
  while (accepted.load() < 50) std::this_thread::yield();
  const std::size_t cancelled = registry.close();
  for (auto& thread : schedulers) thread.join();
  EXPECT_EQ(cancelled, accepted.load());
  EXPECT_EQ(accepted.load() + refused.load(), static_cast<std::size_t>(kThreads * 300));
  EXPECT_EQ(registry.active_count(), 0u);
}

TEST(TimerRegistryTest, CloseRefusesNewTimersWithADocumentedError) {
  timer_registry registry;
  timer_handle pending = registry.set_interval(1h, [] {});
  EXPECT_EQ(registry.close(), 1u);
  EXPECT_TRUE(registry.closed());
  EXPECT_FALSE(pending.active());
  EXPECT_EQ(registry.close(), 0u) << "idempotent";
  try {
    static_cast<void>(registry.set_timeout(1ms, [] {}));
    FAIL() << "set_timeout after close() did not throw";
  } catch (const leakguard::timer_registry_closed& error) {
    EXPECT_NE(std::string(error.what()).find("closed"), std::string::npos);
  }
  EXPECT_THROW(static_cast<void>(registry.set_interval(1ms, [] {})),
               leakguard::timer_registry_closed);
  EXPECT_THROW(static_cast<void>(registry.set_timeout(
                   1ms, std::weak_ptr<int>(std::make_shared<int>()), [] {})),
               std::runtime_error);
  EXPECT_EQ(registry.active_count(), 0u);
}

TEST(TimerRegistryTest, ExceptionsGoToTheHandlerAndTheIntervalKeepsRunning) {
  timer_registry registry;
  std::mutex messages_mutex;
  std::vector<std::string> messages;
  registry.set_exception_handler([&](std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(messages_mutex);
      messages.emplace_back(e.what());
    }
  });
  event_counter attempts;
  timer_handle failing = registry.set_interval(1ms, [&] {
    attempts.bump();
    throw std::runtime_error("boom");
  });
  ASSERT_TRUE(attempts.wait_for_at_least(3));
  failing.reset();
  {
    std::lock_guard<std::mutex> lock(messages_mutex);
    ASSERT_GE(messages.size(), 3u);
    EXPECT_EQ(messages.front(), "boom");
  }
  event_counter healthy;
  timer_handle next = registry.set_timeout(1ms, [&] { healthy.bump(); });
  EXPECT_TRUE(healthy.wait_for_at_least(1)) << "the scheduler thread died";
}

TEST(TimerRegistryTest, ThrowingHandlerAndNonStdExceptionsAreContained) {
  timer_registry registry;
  event_counter handled;
  registry.set_exception_handler([&](std::exception_ptr) {
    handled.bump();
    throw std::logic_error("handler failed too");
  });
  timer_handle failing = registry.set_timeout(0ms, [] { throw 42; });
  ASSERT_TRUE(handled.wait_for_at_least(1));
  gate fired;
  timer_handle next = registry.set_timeout(1ms, [&] { fired.open(); });
  EXPECT_TRUE(fired.wait());
}

TEST(TimerRegistryTest, DefaultExceptionHandlerPrintsAndTheSchedulerSurvives) {
  timer_registry registry;
  registry.set_exception_handler([](std::exception_ptr) {});
  registry.set_exception_handler(nullptr);  // back to the default
  gate fired;
  ::testing::internal::CaptureStderr();
  {
    scheduler_hold hold(registry);
    registry.set_timeout(0ms, [] { throw std::runtime_error("disk full"); }).release();
    registry.set_timeout(0ms, [&] { fired.open(); }).release();
  }
  const bool survived = fired.wait();
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(survived);
  EXPECT_NE(printed.find("disk full"), std::string::npos) << printed;
}

TEST(TimerRegistryTest, DestructionCancelsPendingTimersAndWaitsForTheRunningOne) {
  auto registry = std::make_unique<timer_registry>();
  gate entered;
  gate proceed;
  std::atomic<bool> callback_returned{false};
  event_counter later;
  auto captured = std::make_shared<int>(1);
  std::weak_ptr<int> watch = captured;
  registry->set_timeout(0ms, [&] {
    entered.open();
    proceed.wait();
    std::this_thread::sleep_for(1ms);
    callback_returned = true;
  }).release();
  for (int i = 0; i < 50; ++i) {
    registry->set_timeout(1h, [&later, captured] { later.bump(); }).release();
    registry->set_interval(1h, [&later, captured] { later.bump(); }).release();
  }
  timer_handle outliving = registry->set_interval(1h, [] {});
  captured.reset();
  ASSERT_TRUE(entered.wait());
  std::thread opener([&] { proceed.open(); });
  registry.reset();
  EXPECT_TRUE(callback_returned) << "the destructor returned while a callback ran";
  EXPECT_TRUE(watch.expired()) << "pending callbacks were not destroyed";
  EXPECT_EQ(later.value(), 0);
  EXPECT_FALSE(outliving.active());
  outliving.reset();  // after the registry: harmless
  opener.join();
}

// The registry's last owner is dropped inside a timer callback, so its
// destructor runs on its own scheduler thread; it must neither deadlock nor
// crash.
TEST(TimerRegistryTest, RegistryDestroyedFromItsOwnCallback) {
  struct service {
    timer_registry registry;
    timer_handle tick;
    gate* destroyed;
    ~service() {
      tick.reset();
      destroyed->open();
    }
  };
  gate destroyed;
  gate entered;
  gate proceed;
  auto owner = std::make_shared<service>();
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

}  // namespace
