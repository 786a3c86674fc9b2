// leakguard-sanitizers: tsan
#include "leakguard/shutdown.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if LEAKGUARD_HAS_POSIX_SIGNALS
#include <signal.h>
#include <unistd.h>
#endif

namespace {

using leakguard::shutdown_outcome;
using leakguard::shutdown_registry;
using leakguard::shutdown_report;
using leakguard::shutdown_step_options;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// A one-shot event a step can wait on, with a bound so a failing test can
// never hang forever.
class gate {
 public:
  void open() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  bool wait_for(std::chrono::nanoseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return opened_.wait_for(lock, timeout, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// Records the order steps ran in; steps run on helper threads.
class run_log {
 public:
  std::function<void()> step(std::string name) {
    return [this, name] {
      std::lock_guard<std::mutex> lock(mutex_);
      names_.push_back(name);
    };
  }
  std::vector<std::string> names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return names_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> names_;
};

std::vector<std::string> step_names(const shutdown_report& report) {
  std::vector<std::string> names;
  for (const auto& step : report.steps) names.push_back(step.name);
  return names;
}

class registry_test : public ::testing::Test {
 protected:
  registry_test() { registry.set_log_sink({}); }
  shutdown_registry registry;
  run_log ran;
};

TEST_F(registry_test, runs_steps_in_reverse_registration_order) {
  registry.add("config", ran.step("config"));
  registry.add("database", ran.step("database"));
  registry.add("http server", ran.step("http server"));

  const shutdown_report report = registry.shutdown_all(1s);

  const std::vector<std::string> expected{"http server", "database", "config"};
  EXPECT_EQ(ran.names(), expected);
  EXPECT_EQ(step_names(report), expected);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.count(shutdown_outcome::ok), 3u);
  EXPECT_EQ(registry.size(), 0u);
}

TEST_F(registry_test, higher_priority_runs_first_then_reverse_order) {
  registry.add("a", ran.step("a"));
  registry.add("stop accepting", ran.step("stop accepting"), 10);
  registry.add("b", ran.step("b"));
  registry.add("flush logs", ran.step("flush logs"), -5);
  registry.add("drain", ran.step("drain"), 10);

  (void)registry.shutdown_all(1s);

  EXPECT_EQ(ran.names(), (std::vector<std::string>{"drain", "stop accepting", "b", "a", "flush logs"}));
}

TEST_F(registry_test, report_has_names_priorities_durations_and_total) {
  gate never_opened;  // waiting on it takes the full 20 ms
  registry.add("quick", [] {});
  registry.add("slower", [&never_opened] { never_opened.wait_for(20ms); }, 3);

  const shutdown_report report = registry.shutdown_all(2s);

  ASSERT_EQ(report.steps.size(), 2u);
  EXPECT_EQ(report.steps[0].name, "slower");
  EXPECT_EQ(report.steps[0].priority, 3);
  EXPECT_GE(report.steps[0].duration, 20ms);
  EXPECT_GT(report.steps[0].budget, 1s);
  EXPECT_LE(report.steps[0].budget, 2s);
  EXPECT_EQ(report.steps[1].name, "quick");
  EXPECT_GE(report.steps[1].duration, 0ns);
  EXPECT_GE(report.total, report.steps[0].duration + report.steps[1].duration);
}

TEST_F(registry_test, exception_in_a_step_is_reported_and_later_steps_still_run) {
  registry.add("last", ran.step("last"));
  registry.add("unknown thrower", [] { throw 42; });
  registry.add("thrower", [] { throw std::runtime_error("disk full"); });

  const shutdown_report report = registry.shutdown_all(1s);

  ASSERT_EQ(report.steps.size(), 3u);
  EXPECT_EQ(report.steps[0].outcome, shutdown_outcome::threw);
  EXPECT_EQ(report.steps[0].error, "disk full");
  EXPECT_EQ(report.steps[1].outcome, shutdown_outcome::threw);
  EXPECT_EQ(report.steps[1].error, "unknown exception");
  EXPECT_EQ(report.steps[2].outcome, shutdown_outcome::ok);
  EXPECT_EQ(ran.names(), std::vector<std::string>{"last"});
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.count(shutdown_outcome::threw), 2u);
}

TEST_F(registry_test, hanging_step_is_abandoned_at_the_deadline) {
  gate release;
  std::atomic<bool> hang_finished{false};
  registry.add("after the hang", ran.step("after the hang"));
  registry.add("hangs", [&] {
    release.wait_for(10s);
    hang_finished = true;
  });

  const auto start = clock_type::now();
  const shutdown_report report = registry.shutdown_all(50ms);
  const auto elapsed = clock_type::now() - start;

  EXPECT_GE(elapsed, 50ms);
  EXPECT_LT(elapsed, 1s) << "shutdown_all waited past its deadline";
  ASSERT_EQ(report.steps.size(), 2u);
  EXPECT_EQ(report.steps[0].name, "hangs");
  EXPECT_EQ(report.steps[0].outcome, shutdown_outcome::timed_out);
  EXPECT_GE(report.steps[0].duration, 50ms);
  EXPECT_EQ(report.steps[1].outcome, shutdown_outcome::skipped);
  EXPECT_TRUE(ran.names().empty());
  EXPECT_EQ(registry.abandoned_steps(), 1u);
  EXPECT_FALSE(hang_finished.load());

  // Let the abandoned thread finish so it outlives neither `release` nor the test.
  release.open();
  EXPECT_TRUE(registry.wait_for_abandoned_steps(10s));
  EXPECT_EQ(registry.abandoned_steps(), 0u);
  EXPECT_TRUE(hang_finished.load());
}

TEST_F(registry_test, step_budget_protects_the_steps_after_it) {
  gate release;
  registry.add("after the hang", ran.step("after the hang"));
  shutdown_step_options short_budget;
  short_budget.budget = 20ms;
  registry.add("hangs", [&release] { release.wait_for(10s); }, short_budget);

  const shutdown_report report = registry.shutdown_all(5s);

  ASSERT_EQ(report.steps.size(), 2u);
  EXPECT_EQ(report.steps[0].outcome, shutdown_outcome::timed_out);
  EXPECT_EQ(report.steps[0].budget, 20ms);
  EXPECT_LT(report.steps[0].duration, 1s);
  EXPECT_EQ(report.steps[1].outcome, shutdown_outcome::ok);
  EXPECT_EQ(ran.names(), std::vector<std::string>{"after the hang"});

  release.open();
  EXPECT_TRUE(registry.wait_for_abandoned_steps(10s));
}

TEST_F(registry_test, abandoned_step_outlives_the_registry_safely) {
  gate release;
  std::atomic<bool> finished{false};
  {
    shutdown_registry short_lived;
    short_lived.set_log_sink({});
    short_lived.add("hangs", [&] {
      release.wait_for(10s);
      finished = true;
    });
    EXPECT_EQ(short_lived.shutdown_all(10ms).steps[0].outcome, shutdown_outcome::timed_out);
  }
  release.open();
  // The registry is gone; its abandoned thread still completes on its own.
  const auto give_up = clock_type::now() + 10s;
  while (!finished.load() && clock_type::now() < give_up) std::this_thread::yield();
  EXPECT_TRUE(finished.load());
}

#if LEAKGUARD_HAS_POSIX_SIGNALS
TEST_F(registry_test, steps_run_with_termination_signals_blocked) {
  std::atomic<int> term_blocked{-1};
  registry.add("checks its mask", [&term_blocked] {
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    term_blocked = sigismember(&mask, SIGTERM);
  });
  (void)registry.shutdown_all(1s);
  EXPECT_EQ(term_blocked.load(), 1);

  sigset_t caller_mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &caller_mask);
  EXPECT_EQ(sigismember(&caller_mask, SIGTERM), 0) << "the caller's mask is restored";
}
#endif

TEST_F(registry_test, zero_time_limit_skips_every_step) {
  registry.add("a", ran.step("a"));
  const shutdown_report report = registry.shutdown_all(0ms);
  ASSERT_EQ(report.steps.size(), 1u);
  EXPECT_EQ(report.steps[0].outcome, shutdown_outcome::skipped);
  EXPECT_TRUE(ran.names().empty());
}

TEST_F(registry_test, second_call_runs_nothing_twice) {
  registry.add("a", ran.step("a"));
  const shutdown_report first = registry.shutdown_all(1s);
  const shutdown_report second = registry.shutdown_all(1s);

  EXPECT_EQ(first.steps.size(), 1u);
  EXPECT_TRUE(second.steps.empty());
  EXPECT_TRUE(second.ok());
  EXPECT_EQ(ran.names(), std::vector<std::string>{"a"});

  registry.add("registered later", ran.step("registered later"));
  const shutdown_report third = registry.shutdown_all(1s);
  EXPECT_EQ(step_names(third), std::vector<std::string>{"registered later"});
}

TEST_F(registry_test, concurrent_calls_run_each_step_once) {
  std::atomic<int> runs{0};
  gate slow;
  for (int i = 0; i < 8; ++i) {
    registry.add("step " + std::to_string(i), [&] {
      ++runs;
      slow.wait_for(2ms);
    });
  }
  shutdown_report from_thread;
  std::thread other([&] { from_thread = registry.shutdown_all(5s); });
  const shutdown_report from_here = registry.shutdown_all(5s);
  other.join();

  EXPECT_EQ(runs.load(), 8);
  EXPECT_EQ(from_here.steps.size() + from_thread.steps.size(), 8u);
  EXPECT_FALSE(from_here.another_call_still_running);
  EXPECT_FALSE(from_thread.another_call_still_running);
}

TEST_F(registry_test, concurrent_call_gives_up_at_its_own_deadline) {
  gate release, started;
  registry.add("hangs", [&] {
    started.open();
    release.wait_for(10s);
  });
  shutdown_report first;
  std::thread first_caller([&] { first = registry.shutdown_all(5s); });
  ASSERT_TRUE(started.wait_for(5s));

  const shutdown_report second = registry.shutdown_all(20ms);
  EXPECT_TRUE(second.another_call_still_running);
  EXPECT_TRUE(second.steps.empty());
  EXPECT_FALSE(second.ok());

  release.open();
  first_caller.join();
  EXPECT_EQ(first.steps.size(), 1u);
  EXPECT_EQ(first.steps[0].outcome, shutdown_outcome::ok);
}

TEST_F(registry_test, removed_step_does_not_run) {
  const shutdown_registry::step_id kept = registry.add("kept", ran.step("kept"));
  const shutdown_registry::step_id removed = registry.add("removed", ran.step("removed"));
  EXPECT_TRUE(registry.remove(removed));
  EXPECT_FALSE(registry.remove(removed));
  EXPECT_FALSE(registry.remove(kept + 1000));
  EXPECT_EQ(registry.size(), 1u);
  (void)registry.shutdown_all(1s);
  EXPECT_EQ(ran.names(), std::vector<std::string>{"kept"});
  EXPECT_FALSE(registry.remove(kept)) << "already ran";
}

TEST_F(registry_test, try_add_is_refused_once_shutdown_began) {
  EXPECT_TRUE(registry.try_add("before", ran.step("before")).has_value());
  EXPECT_FALSE(registry.shutdown_started());
  (void)registry.shutdown_all(1s);
  EXPECT_TRUE(registry.shutdown_started());
  EXPECT_FALSE(registry.try_add("after", ran.step("after")).has_value());
  EXPECT_EQ(registry.size(), 0u);

  registry.reset_for_tests();
  EXPECT_FALSE(registry.shutdown_started());
  EXPECT_TRUE(registry.try_add("after reset", ran.step("after reset")).has_value());
}

TEST_F(registry_test, step_registered_during_shutdown_runs_on_the_next_call) {
  registry.add("registers another", [this] { registry.add("late", ran.step("late")); });
  const shutdown_report first = registry.shutdown_all(1s);
  EXPECT_EQ(step_names(first), std::vector<std::string>{"registers another"});
  EXPECT_EQ(registry.size(), 1u);
  const shutdown_report second = registry.shutdown_all(1s);
  EXPECT_EQ(step_names(second), std::vector<std::string>{"late"});
}

TEST_F(registry_test, logs_each_step_through_the_sink) {
  std::vector<std::string> lines;  // the sink runs on the calling thread
  registry.set_log_sink([&lines](std::string_view line) { lines.emplace_back(line); });
  registry.add("flush", [] {});
  registry.add("close db", [] { throw std::runtime_error("broken pipe"); });

  (void)registry.shutdown_all(1s);

  auto logged = [&lines](const std::string& fragment) {
    for (const std::string& line : lines) {
      if (line.find(fragment) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(logged("starting 2 step(s)"));
  EXPECT_TRUE(logged("step 'close db' starting"));
  EXPECT_TRUE(logged("step 'close db' threw"));
  EXPECT_TRUE(logged("broken pipe"));
  EXPECT_TRUE(logged("step 'flush' ok in"));
  EXPECT_TRUE(logged("1 ok, 1 threw, 0 timed out, 0 skipped"));
  EXPECT_EQ(lines.size(), 6u);
}

TEST_F(registry_test, throwing_sink_does_not_stop_the_shutdown) {
  registry.set_log_sink([](std::string_view) { throw std::runtime_error("log server down"); });
  registry.add("a", ran.step("a"));
  const shutdown_report report = registry.shutdown_all(1s);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(ran.names(), std::vector<std::string>{"a"});
}

TEST(process_shutdown_registry, is_one_instance) {
  EXPECT_EQ(&leakguard::process_shutdown_registry(), &leakguard::process_shutdown_registry());
}

#if LEAKGUARD_HAS_POSIX_SIGNALS

// What the watcher thread reports back.
struct signal_seen {
  std::mutex mutex;
  std::condition_variable arrived;
  int signal_number = 0;
  shutdown_report report;

  bool wait_for(std::chrono::nanoseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex);
    return arrived.wait_for(lock, timeout, [this] { return signal_number != 0; });
  }
};

leakguard::signal_shutdown_options watch(shutdown_registry& registry, signal_seen& seen) {
  leakguard::signal_shutdown_options options;
  options.registry = &registry;
  options.time_limit = 2s;
  options.exit_after_shutdown = false;
  options.on_shutdown = [&seen](int signal_number, const shutdown_report& report) {
    {
      std::lock_guard<std::mutex> lock(seen.mutex);
      seen.signal_number = signal_number;
      seen.report = report;
    }
    seen.arrived.notify_all();
  };
  return options;
}

TEST_F(registry_test, sigterm_to_the_process_runs_the_shutdown) {
  registry.add("close db", ran.step("close db"));
  signal_seen seen;
  leakguard::shutdown_signal_watcher watcher(watch(registry, seen));

  ASSERT_EQ(kill(getpid(), SIGTERM), 0);

  ASSERT_TRUE(seen.wait_for(10s)) << "the watcher did not run the shutdown";
  EXPECT_EQ(seen.signal_number, SIGTERM);
  EXPECT_EQ(step_names(seen.report), std::vector<std::string>{"close db"});
  EXPECT_EQ(ran.names(), std::vector<std::string>{"close db"});
  watcher.stop();

  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  EXPECT_EQ(sigismember(&mask, SIGTERM), 0) << "stop() restores the creating thread's mask";
}

TEST_F(registry_test, sigint_to_the_process_runs_the_shutdown) {
  registry.add("stop server", ran.step("stop server"));
  signal_seen seen;
  leakguard::shutdown_signal_watcher watcher(watch(registry, seen));
  ASSERT_EQ(kill(getpid(), SIGINT), 0);
  ASSERT_TRUE(seen.wait_for(10s));
  EXPECT_EQ(seen.signal_number, SIGINT);
  EXPECT_EQ(ran.names(), std::vector<std::string>{"stop server"});
}

TEST_F(registry_test, stopped_watcher_runs_nothing) {
  registry.add("close db", ran.step("close db"));
  signal_seen seen;
  {
    leakguard::shutdown_signal_watcher watcher(watch(registry, seen));
    watcher.stop();
    watcher.stop();  // idempotent
  }
  EXPECT_EQ(registry.size(), 1u);
  EXPECT_TRUE(ran.names().empty());
  EXPECT_EQ(seen.signal_number, 0);
}

TEST(shutdown_signal_watcher, rejects_an_empty_signal_list) {
  leakguard::signal_shutdown_options options;
  options.signals.clear();
  EXPECT_THROW(leakguard::shutdown_signal_watcher{options}, std::invalid_argument);
}

// The default: shut down, then die by the signal as an unhandled one would.
void run_watcher_then_receive_sigterm() {
  shutdown_registry registry;  // logs to stderr
  registry.add("flush journal", [] {});
  leakguard::signal_shutdown_options options;
  options.registry = &registry;
  leakguard::shutdown_signal_watcher watcher(options);
  kill(getpid(), SIGTERM);
  std::this_thread::sleep_for(10s);  // the watcher ends the process long before
}

TEST(shutdown_signal_watcher_death, default_exits_by_the_signal_after_shutdown) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_watcher_then_receive_sigterm(), ::testing::KilledBySignal(SIGTERM),
              "step 'flush journal' ok");
}

#endif  // LEAKGUARD_HAS_POSIX_SIGNALS

}  // namespace
