// leakguard-sanitizers: tsan
//
// Tests of leakguard/event_emitter.hpp. Behaviour shared by both locking
// policies is a typed test run for each; the thread_safe_policy suites at the
// end exercise on / emit / reset / remove_all_listeners from several threads.
#include <leakguard/event_emitter.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using leakguard::max_listeners_warning;
using leakguard::subscription;
using leakguard::subscription_set;

template <class Policy, class... Args>
using emitter_of = leakguard::basic_event_emitter<Policy, Args...>;
template <class Policy, class Key, class... Args>
using bus_of = leakguard::basic_event_bus<Policy, Key, Args...>;

// A capture whose destruction the test can observe: the listener gets the
// only strong reference, the test keeps `watch`.
struct lifetime_probe {
  std::shared_ptr<int> token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;
};

// Runs `action` when destroyed; captured (through a shared_ptr) by a
// listener, it runs when the listener's callable is destroyed.
class run_on_destroy {
 public:
  explicit run_on_destroy(std::function<void()> action)
      : action_(std::move(action)) {}
  run_on_destroy(const run_on_destroy&) = delete;
  run_on_destroy& operator=(const run_on_destroy&) = delete;
  ~run_on_destroy() { action_(); }

 private:
  std::function<void()> action_;
};

// Collects warnings; thread-safe so that the concurrent tests can share it.
class warning_recorder {
 public:
  leakguard::max_listeners_warning_sink sink() {
    return [this](const max_listeners_warning& warning) {
      std::lock_guard<std::mutex> lock(mutex_);
      warnings_.push_back(warning);
    };
  }
  std::vector<max_listeners_warning> warnings() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return warnings_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<max_listeners_warning> warnings_;
};

// Restores the process-wide sink when a test that replaced it ends.
class default_sink_guard {
 public:
  explicit default_sink_guard(leakguard::max_listeners_warning_sink sink)
      : previous_(leakguard::set_default_warning_sink(std::move(sink))) {}
  default_sink_guard(const default_sink_guard&) = delete;
  default_sink_guard& operator=(const default_sink_guard&) = delete;
  ~default_sink_guard() {
    leakguard::set_default_warning_sink(std::move(previous_));
  }

 private:
  leakguard::max_listeners_warning_sink previous_;
};

// A one-shot event threads can wait for.
class latch_flag {
 public:
  void set() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      set_ = true;
    }
    changed_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return set_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool set_ = false;
};

struct policy_names {
  template <class Policy>
  static std::string GetName(int) {
    return std::is_same_v<Policy, leakguard::thread_safe_policy>
               ? "thread_safe"
               : "single_threaded";
  }
};

using policies = ::testing::Types<leakguard::single_threaded_policy,
                                  leakguard::thread_safe_policy>;

template <class Policy>
class EventEmitter : public ::testing::Test {};
TYPED_TEST_SUITE(EventEmitter, policies, policy_names);

template <class Policy>
class EventEmitterMaxListeners : public ::testing::Test {};
TYPED_TEST_SUITE(EventEmitterMaxListeners, policies, policy_names);

template <class Policy>
class EventBus : public ::testing::Test {};
TYPED_TEST_SUITE(EventBus, policies, policy_names);

// --- basics -------------------------------------------------------------------

TYPED_TEST(EventEmitter, CallsListenersInOrderWithTheArguments) {
  emitter_of<TypeParam, int, std::string> emitter;
  std::vector<std::string> calls;
  auto first = emitter.on([&](int n, const std::string& s) {
    calls.push_back("first " + std::to_string(n) + s);
  });
  auto second = emitter.on([&](int n, std::string s) {
    calls.push_back("second " + std::to_string(n) + s);
  });

  EXPECT_TRUE(emitter.emit(7, "x"));
  EXPECT_EQ(calls, (std::vector<std::string>{"first 7x", "second 7x"}));
  EXPECT_EQ(emitter.listener_count(), 2u);
}

TYPED_TEST(EventEmitter, EmitWithoutListenersReturnsFalse) {
  emitter_of<TypeParam> emitter;
  EXPECT_FALSE(emitter.emit());
  auto sub = emitter.on([] {});
  EXPECT_TRUE(emitter.emit());
  sub.reset();
  EXPECT_FALSE(emitter.emit());
}

TYPED_TEST(EventEmitter, ResetRemovesTheListenerAndDestroysItsCallableAtOnce) {
  emitter_of<TypeParam, int> emitter;
  lifetime_probe probe;
  int calls = 0;
  auto sub = emitter.on([&calls, token = std::move(probe.token)](int) { ++calls; });
  emitter.emit(1);
  ASSERT_EQ(calls, 1);
  ASSERT_TRUE(sub.active());

  sub.reset();

  // Eager: no emit has happened since the reset.
  EXPECT_TRUE(probe.watch.expired());
  EXPECT_FALSE(sub.active());
  EXPECT_FALSE(static_cast<bool>(sub));
  EXPECT_EQ(emitter.listener_count(), 0u);
  emitter.emit(2);
  EXPECT_EQ(calls, 1);
}

TYPED_TEST(EventEmitter, DestroyingTheSubscriptionRemovesTheListener) {
  emitter_of<TypeParam> emitter;
  lifetime_probe probe;
  int calls = 0;
  {
    auto sub = emitter.on([&calls, token = std::move(probe.token)] { ++calls; });
    emitter.emit();
  }
  EXPECT_TRUE(probe.watch.expired());
  emitter.emit();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(emitter.listener_count(), 0u);
}

TYPED_TEST(EventEmitter, MoveAssigningASubscriptionRemovesTheListenerItHeld) {
  emitter_of<TypeParam> emitter;
  lifetime_probe old_probe;
  int old_calls = 0;
  int new_calls = 0;
  auto sub = emitter.on([&old_calls, token = std::move(old_probe.token)] { ++old_calls; });
  auto other = emitter.on([&new_calls] { ++new_calls; });

  sub = std::move(other);

  EXPECT_TRUE(old_probe.watch.expired());
  EXPECT_FALSE(other.active());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_TRUE(sub.active());
  emitter.emit();
  EXPECT_EQ(old_calls, 0);
  EXPECT_EQ(new_calls, 1);
  subscription moved_into(std::move(sub));
  EXPECT_TRUE(moved_into.active());
  EXPECT_EQ(emitter.listener_count(), 1u);
}

TYPED_TEST(EventEmitter, EmptyAndRepeatedResetsAreHarmless) {
  subscription empty;
  EXPECT_FALSE(empty.active());
  empty.reset();

  emitter_of<TypeParam> emitter;
  auto keep = emitter.on([] {});
  auto sub = emitter.on([] {});
  sub.reset();
  sub.reset();
  EXPECT_EQ(emitter.listener_count(), 1u);
  EXPECT_TRUE(keep.active());
}

TYPED_TEST(EventEmitter, ASubscriptionMayOutliveItsEmitter) {
  auto emitter = std::make_unique<emitter_of<TypeParam, int>>();
  lifetime_probe probe;
  auto sub = emitter->on([token = std::move(probe.token)](int) {});

  emitter.reset();

  // The destructor removed the listener although its subscription lives on.
  EXPECT_TRUE(probe.watch.expired());
  EXPECT_FALSE(sub.active());
  sub.reset();
}

TYPED_TEST(EventEmitter, RemoveAllListenersDestroysEveryCallable) {
  emitter_of<TypeParam> emitter;
  lifetime_probe a;
  lifetime_probe b;
  int calls = 0;
  auto sub_a = emitter.on([&calls, token = std::move(a.token)] { ++calls; });
  auto sub_b = emitter.once([&calls, token = std::move(b.token)] { ++calls; });

  emitter.remove_all_listeners();

  EXPECT_TRUE(a.watch.expired());
  EXPECT_TRUE(b.watch.expired());
  EXPECT_FALSE(sub_a.active());
  EXPECT_FALSE(sub_b.active());
  EXPECT_EQ(emitter.listener_count(), 0u);
  EXPECT_FALSE(emitter.emit());
  EXPECT_EQ(calls, 0);

  auto again = emitter.on([&calls] { ++calls; });
  emitter.emit();
  EXPECT_EQ(calls, 1);
}

TYPED_TEST(EventEmitter, ReleasedListenerStaysUntilRemoveAllListeners) {
  emitter_of<TypeParam> emitter;
  lifetime_probe probe;
  int calls = 0;
  {
    auto sub = emitter.on([&calls, token = std::move(probe.token)] { ++calls; });
    sub.release();
    EXPECT_FALSE(sub.active());  // the handle is empty now
  }
  emitter.emit();
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(probe.watch.expired());

  emitter.remove_all_listeners();
  EXPECT_TRUE(probe.watch.expired());
}

// --- once ---------------------------------------------------------------------

TYPED_TEST(EventEmitter, OnceFiresOnceAndDestroysItsCallableRightAfter) {
  emitter_of<TypeParam, int> emitter;
  lifetime_probe probe;
  std::vector<int> seen;
  auto sub = emitter.once([&seen, token = std::move(probe.token)](int n) { seen.push_back(n); });
  EXPECT_EQ(emitter.listener_count(), 1u);

  emitter.emit(1);

  EXPECT_TRUE(probe.watch.expired());
  EXPECT_FALSE(sub.active());
  EXPECT_EQ(emitter.listener_count(), 0u);
  emitter.emit(2);
  EXPECT_EQ(seen, std::vector<int>{1});
}

TYPED_TEST(EventEmitter, OnceResetBeforeFiringIsNeverCalled) {
  emitter_of<TypeParam> emitter;
  int calls = 0;
  auto sub = emitter.once([&calls] { ++calls; });
  sub.reset();
  emitter.emit();
  EXPECT_EQ(calls, 0);
}

TYPED_TEST(EventEmitter, ANestedEmitDoesNotCallAOnceListenerAgain) {
  emitter_of<TypeParam> emitter;
  int calls = 0;
  auto sub = emitter.once([&] {
    ++calls;
    emitter.emit();
  });
  emitter.emit();
  EXPECT_EQ(calls, 1);
}

// --- reentrancy -----------------------------------------------------------------

TYPED_TEST(EventEmitter, AListenerRemovingItselfKeepsItsCapturesUntilItReturns) {
  emitter_of<TypeParam> emitter;
  lifetime_probe probe;
  subscription self;
  bool capture_alive_after_reset = false;
  bool freed_once_it_returned = false;
  int later_calls = 0;
  self = emitter.on([&, token = std::move(probe.token)] {
    self.reset();
    capture_alive_after_reset = !probe.watch.expired();
    *token += 1;  // still valid: ASan would catch a destroyed capture
  });
  auto later = emitter.on([&] {
    ++later_calls;
    freed_once_it_returned = probe.watch.expired();  // not at the emit's end
  });

  emitter.emit();

  EXPECT_TRUE(capture_alive_after_reset);
  EXPECT_TRUE(freed_once_it_returned);
  EXPECT_TRUE(probe.watch.expired());
  EXPECT_EQ(later_calls, 1);
  EXPECT_EQ(emitter.listener_count(), 1u);
  emitter.emit();
  EXPECT_EQ(later_calls, 2);
}

TYPED_TEST(EventEmitter, AListenerRemovingALaterOneSkipsItAndFreesItAtOnce) {
  emitter_of<TypeParam> emitter;
  lifetime_probe probe;
  subscription victim;
  bool freed_during_emit = false;
  int victim_calls = 0;
  auto remover = emitter.on([&] {
    victim.reset();
    freed_during_emit = probe.watch.expired();
  });
  victim = emitter.on([&victim_calls, token = std::move(probe.token)] { ++victim_calls; });

  emitter.emit();

  EXPECT_TRUE(freed_during_emit);
  EXPECT_EQ(victim_calls, 0);
  EXPECT_EQ(emitter.listener_count(), 1u);
}

TYPED_TEST(EventEmitter, AListenerRemovingAnEarlierOneLeavesTheRestCalled) {
  emitter_of<TypeParam> emitter;
  std::vector<std::string> calls;
  subscription first;
  first = emitter.on([&] { calls.push_back("first"); });
  auto second = emitter.on([&] {
    calls.push_back("second");
    first.reset();
  });
  auto third = emitter.on([&] { calls.push_back("third"); });

  emitter.emit();
  emitter.emit();

  EXPECT_EQ(calls, (std::vector<std::string>{"first", "second", "third",
                                             "second", "third"}));
}

TYPED_TEST(EventEmitter, AListenerAddedDuringAnEmitWaitsForTheNextEmit) {
  emitter_of<TypeParam> emitter;
  std::vector<subscription> added;
  int added_calls = 0;
  auto adder = emitter.on([&] {
    added.push_back(emitter.on([&] { ++added_calls; }));
  });

  emitter.emit();
  EXPECT_EQ(added_calls, 0);
  emitter.emit();  // calls the one added by the first emit, adds another
  EXPECT_EQ(added_calls, 1);
  EXPECT_EQ(emitter.listener_count(), 3u);
}

TYPED_TEST(EventEmitter, RemovingAListenerRunningInAnOuterEmitDefersItsDestruction) {
  emitter_of<TypeParam> emitter;
  lifetime_probe probe;
  subscription outer;
  int depth = 0;
  int outer_calls = 0;
  bool alive_when_removed = false;
  outer = emitter.on([&, token = std::move(probe.token)] {
    ++outer_calls;
    if (++depth == 1) emitter.emit();
    --depth;
    *token += 1;  // touched after the nested emit removed this listener
  });
  auto remover = emitter.on([&] {
    if (depth == 1) {  // inside the nested emit; `outer` is still running
      outer.reset();
      alive_when_removed = !probe.watch.expired();
    }
  });

  emitter.emit();

  EXPECT_TRUE(alive_when_removed);
  EXPECT_TRUE(probe.watch.expired());
  EXPECT_EQ(outer_calls, 2);
  EXPECT_EQ(emitter.listener_count(), 1u);
}

TYPED_TEST(EventEmitter, AnExceptionFromAListenerPropagatesAndLeavesTheEmitterUsable) {
  emitter_of<TypeParam> emitter;
  lifetime_probe probe;
  std::vector<std::string> calls;
  subscription thrower;
  auto first = emitter.on([&] { calls.push_back("first"); });
  thrower = emitter.on([&, token = std::move(probe.token)] {
    calls.push_back("thrower");
    thrower.reset();  // removed while running, then leaves by exception
    throw std::runtime_error("listener failed");
  });
  auto last = emitter.on([&] { calls.push_back("last"); });

  EXPECT_THROW(emitter.emit(), std::runtime_error);

  EXPECT_EQ(calls, (std::vector<std::string>{"first", "thrower"}));
  EXPECT_TRUE(probe.watch.expired());
  EXPECT_EQ(emitter.listener_count(), 2u);
  calls.clear();
  EXPECT_TRUE(emitter.emit());
  EXPECT_EQ(calls, (std::vector<std::string>{"first", "last"}));
}

TYPED_TEST(EventEmitter, AListenerMayDestroyItsEmitter) {
  auto emitter = std::make_unique<emitter_of<TypeParam>>();
  lifetime_probe first_probe;
  lifetime_probe second_probe;
  int second_calls = 0;
  auto first = emitter->on([&, token = std::move(first_probe.token)] {
    emitter.reset();
    *token += 1;
  });
  auto second = emitter->on([&second_calls, token = std::move(second_probe.token)] { ++second_calls; });

  emitter->emit();

  EXPECT_EQ(emitter, nullptr);
  EXPECT_EQ(second_calls, 0);  // the destructor removed it before its turn
  EXPECT_TRUE(first_probe.watch.expired());
  EXPECT_TRUE(second_probe.watch.expired());
  EXPECT_FALSE(first.active());
}

TYPED_TEST(EventEmitter, ACallableDestructorMayUseTheEmitterDuringReset) {
  emitter_of<TypeParam> emitter;
  subscription other;
  other = emitter.on([] {});
  subscription added;
  auto sub = emitter.on([guard = std::make_shared<run_on_destroy>([&] {
                           other.reset();
                           added = emitter.on([] {});
                         })] {});

  sub.reset();

  EXPECT_FALSE(other.active());
  EXPECT_TRUE(added.active());
  EXPECT_EQ(emitter.listener_count(), 1u);
}

TYPED_TEST(EventEmitter, ACallableDestructorMayUseTheEmitterDuringRemoveAll) {
  emitter_of<TypeParam> emitter;
  subscription added;
  int added_calls = 0;
  auto sub = emitter.on([guard = std::make_shared<run_on_destroy>([&] {
                           added = emitter.on([&added_calls] { ++added_calls; });
                         })] {});
  auto other = emitter.on([] {});

  emitter.remove_all_listeners();

  // Added by a destructor while removing: kept, as documented.
  EXPECT_TRUE(added.active());
  EXPECT_FALSE(other.active());
  EXPECT_EQ(emitter.listener_count(), 1u);
  emitter.emit();
  EXPECT_EQ(added_calls, 1);
}

TYPED_TEST(EventEmitter, ACallableDestructorMayDestroyTheEmitterDuringRemoveAll) {
  auto emitter = std::make_unique<emitter_of<TypeParam>>();
  lifetime_probe probe;
  auto destroyer = emitter->on([guard = std::make_shared<run_on_destroy>(
                                    [&] { emitter.reset(); })] {});
  auto other = emitter->on([token = std::move(probe.token)] {});

  emitter->remove_all_listeners();

  EXPECT_EQ(emitter, nullptr);
  EXPECT_TRUE(probe.watch.expired());
  EXPECT_FALSE(other.active());
}

TYPED_TEST(EventEmitter, RemoveAllListenersDuringAnEmitStopsTheRestOfIt) {
  emitter_of<TypeParam> emitter;
  lifetime_probe probe;
  int later_calls = 0;
  auto clearer = emitter.on([&] { emitter.remove_all_listeners(); });
  auto later = emitter.on([&later_calls, token = std::move(probe.token)] { ++later_calls; });

  emitter.emit();

  EXPECT_EQ(later_calls, 0);
  EXPECT_TRUE(probe.watch.expired());
  EXPECT_EQ(emitter.listener_count(), 0u);
  EXPECT_FALSE(emitter.emit());
}

// --- callables ------------------------------------------------------------------

TYPED_TEST(EventEmitter, AcceptsMoveOnlyAndStatefulCallables) {
  emitter_of<TypeParam, int> emitter;
  std::vector<int> seen;
  auto owned = std::make_unique<int>(100);
  auto move_only = emitter.on([&seen, owned = std::move(owned)](int n) { seen.push_back(*owned + n); });
  auto counting = emitter.on([&seen, count = 0](int) mutable { seen.push_back(++count); });

  emitter.emit(1);
  emitter.emit(2);

  EXPECT_EQ(seen, (std::vector<int>{101, 1, 102, 2}));
}

void add_to(int& total) { total += 10; }

TYPED_TEST(EventEmitter, PassesReferenceArgumentsAndAcceptsFunctionPointers) {
  emitter_of<TypeParam, int&> emitter;
  std::function<void(int&)> as_function = [](int& total) { total += 1; };
  auto by_pointer = emitter.on(&add_to);
  auto by_function = emitter.on(as_function);
  int total = 0;
  emitter.emit(total);
  EXPECT_EQ(total, 11);
}

TYPED_TEST(EventEmitter, RefusesEmptyListeners) {
  emitter_of<TypeParam, int&> emitter;
  void (*null_pointer)(int&) = nullptr;
  EXPECT_THROW(static_cast<void>(emitter.on(std::function<void(int&)>())),
               std::invalid_argument);
  EXPECT_THROW(static_cast<void>(emitter.once(null_pointer)),
               std::invalid_argument);
  EXPECT_EQ(emitter.listener_count(), 0u);
}

// --- moving emitters ------------------------------------------------------------

TYPED_TEST(EventEmitter, MovingAnEmitterMovesItsListenersAndTheirSubscriptions) {
  emitter_of<TypeParam> source("source");
  int calls = 0;
  auto sub = source.on([&calls] { ++calls; });

  emitter_of<TypeParam> target(std::move(source));

  EXPECT_EQ(target.name(), "source");
  target.emit();
  EXPECT_EQ(calls, 1);
  sub.reset();
  EXPECT_EQ(target.listener_count(), 0u);

  // The moved-from emitter is empty and usable.
  EXPECT_EQ(source.listener_count(), 0u);  // NOLINT(bugprone-use-after-move)
  EXPECT_FALSE(source.emit());
  auto reused = source.on([&calls] { ++calls; });
  source.emit();
  EXPECT_EQ(calls, 2);
}

TYPED_TEST(EventEmitter, MoveAssignmentRemovesTheTargetsOldListeners) {
  emitter_of<TypeParam> target;
  lifetime_probe probe;
  auto old_sub = target.on([token = std::move(probe.token)] {});
  emitter_of<TypeParam> source;
  int calls = 0;
  auto new_sub = source.on([&calls] { ++calls; });

  target = std::move(source);

  EXPECT_TRUE(probe.watch.expired());
  EXPECT_FALSE(old_sub.active());
  target.emit();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(target.listener_count(), 1u);
}

// --- max listeners ----------------------------------------------------------------

TYPED_TEST(EventEmitterMaxListeners, WarnsOnceWhenTheCountPassesTheDefaultLimit) {
  emitter_of<TypeParam, int> emitter("connection-pool");
  warning_recorder recorder;
  emitter.set_warning_sink(recorder.sink());
  EXPECT_EQ(emitter.max_listeners(), leakguard::default_max_listeners);
  EXPECT_EQ(leakguard::default_max_listeners, 10u);
  subscription_set subs;
  for (int i = 0; i < 10; ++i) subs += emitter.on([](int) {});
  EXPECT_TRUE(recorder.warnings().empty());

  subs += emitter.on([](int) {});
  subs += emitter.on([](int) {});

  const std::vector<max_listeners_warning> warnings = recorder.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].emitter_name, "connection-pool");
  EXPECT_EQ(warnings[0].event, "");
  EXPECT_EQ(warnings[0].listener_count, 11u);
  EXPECT_EQ(warnings[0].max_listeners, 10u);
  EXPECT_EQ(emitter.listener_count(), 12u);  // warned, not refused
}

TYPED_TEST(EventEmitterMaxListeners, ZeroMeansUnlimited) {
  emitter_of<TypeParam> emitter;
  warning_recorder recorder;
  emitter.set_warning_sink(recorder.sink());
  emitter.set_max_listeners(0);
  subscription_set subs;
  for (int i = 0; i < 100; ++i) subs += emitter.on([] {});
  EXPECT_TRUE(recorder.warnings().empty());
  EXPECT_EQ(emitter.max_listeners(), 0u);
}

TYPED_TEST(EventEmitterMaxListeners, ReArmsOnlyWhenTheEventHasNoListenersLeft) {
  emitter_of<TypeParam> emitter;
  warning_recorder recorder;
  emitter.set_warning_sink(recorder.sink());
  emitter.set_max_listeners(2);
  subscription_set subs;
  for (int i = 0; i < 3; ++i) subs += emitter.on([] {});
  ASSERT_EQ(recorder.warnings().size(), 1u);

  // Dropping one and adding one again stays above the limit: no new warning.
  auto extra = emitter.on([] {});
  extra.reset();
  auto replacement = emitter.on([] {});
  EXPECT_EQ(recorder.warnings().size(), 1u);

  subs.clear();
  replacement.reset();
  for (int i = 0; i < 3; ++i) subs += emitter.on([] {});
  EXPECT_EQ(recorder.warnings().size(), 2u);

  emitter.remove_all_listeners();
  for (int i = 0; i < 3; ++i) subs += emitter.on([] {});
  EXPECT_EQ(recorder.warnings().size(), 3u);
}

TYPED_TEST(EventEmitterMaxListeners, ALowerLimitAppliesAtTheNextAdd) {
  emitter_of<TypeParam> emitter("e");
  warning_recorder recorder;
  emitter.set_warning_sink(recorder.sink());
  subscription_set subs;
  for (int i = 0; i < 5; ++i) subs += emitter.on([] {});

  emitter.set_max_listeners(3);
  EXPECT_TRUE(recorder.warnings().empty());
  subs += emitter.on([] {});

  const auto warnings = recorder.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].listener_count, 6u);
  EXPECT_EQ(warnings[0].max_listeners, 3u);
}

TYPED_TEST(EventEmitterMaxListeners, OnceListenersCount) {
  emitter_of<TypeParam> emitter;
  warning_recorder recorder;
  emitter.set_warning_sink(recorder.sink());
  emitter.set_max_listeners(1);
  auto a = emitter.once([] {});
  auto b = emitter.once([] {});
  EXPECT_EQ(recorder.warnings().size(), 1u);
}

TYPED_TEST(EventEmitterMaxListeners, AThrowingSinkLeavesNoListenerBehind) {
  emitter_of<TypeParam> emitter;
  emitter.set_max_listeners(1);
  emitter.set_warning_sink([](const max_listeners_warning&) {
    throw std::runtime_error("sink refused");
  });
  auto first = emitter.on([] {});
  lifetime_probe probe;

  EXPECT_THROW(static_cast<void>(emitter.on([token = std::move(probe.token)] {})),
               std::runtime_error);

  EXPECT_EQ(emitter.listener_count(), 1u);
  EXPECT_TRUE(probe.watch.expired());
}

TYPED_TEST(EventEmitterMaxListeners, TheProcessWideSinkIsUsedUnlessTheEmitterHasItsOwn) {
  warning_recorder process_wide;
  default_sink_guard guard(process_wide.sink());
  emitter_of<TypeParam> plain("plain");
  emitter_of<TypeParam> own("own");
  warning_recorder own_recorder;
  own.set_warning_sink(own_recorder.sink());
  plain.set_max_listeners(1);
  own.set_max_listeners(1);
  subscription_set subs;

  for (int i = 0; i < 2; ++i) {
    subs += plain.on([] {});
    subs += own.on([] {});
  }

  ASSERT_EQ(process_wide.warnings().size(), 1u);
  EXPECT_EQ(process_wide.warnings()[0].emitter_name, "plain");
  ASSERT_EQ(own_recorder.warnings().size(), 1u);
  EXPECT_EQ(own_recorder.warnings()[0].emitter_name, "own");

  // An empty sink falls back to the process-wide one.
  own.set_warning_sink(nullptr);
  own.remove_all_listeners();
  for (int i = 0; i < 2; ++i) subs += own.on([] {});
  EXPECT_EQ(process_wide.warnings().size(), 2u);
}

TEST(MaxListenersWarning, SetDefaultWarningSinkReturnsThePreviousSink) {
  int first_calls = 0;
  default_sink_guard guard([&](const max_listeners_warning&) { ++first_calls; });
  auto previous = leakguard::set_default_warning_sink(nullptr);
  ASSERT_TRUE(static_cast<bool>(previous));
  previous(max_listeners_warning{});
  EXPECT_EQ(first_calls, 1);
  leakguard::set_default_warning_sink(std::move(previous));
}

TEST(MaxListenersWarning, WithoutAnySinkOneLineGoesToStderr) {
  default_sink_guard guard(nullptr);
  leakguard::event_emitter<> emitter("noisy");
  emitter.set_max_listeners(1);
  auto a = emitter.on([] {});
  ::testing::internal::CaptureStderr();
  auto b = emitter.on([] {});
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(printed.find("leakguard: warning: possible listener leak"),
            std::string::npos)
      << printed;
  EXPECT_NE(printed.find("'noisy'"), std::string::npos) << printed;
  EXPECT_EQ(std::count(printed.begin(), printed.end(), '\n'), 1);
}

TEST(MaxListenersWarning, MessageNamesTheEmitterTheEventAndTheCounts) {
  const max_listeners_warning warning{"pool", "metrics", 11, 10};
  const std::string text = warning.message();
  EXPECT_NE(text.find("11 listeners"), std::string::npos) << text;
  EXPECT_NE(text.find("event 'metrics'"), std::string::npos) << text;
  EXPECT_NE(text.find("emitter 'pool'"), std::string::npos) << text;
  EXPECT_NE(text.find("max_listeners (10)"), std::string::npos) << text;

  const max_listeners_warning unnamed{"", "", 3, 2};
  EXPECT_NE(unnamed.message().find("unnamed emitter"), std::string::npos);
  EXPECT_EQ(unnamed.message().find("event"), std::string::npos);
}

// --- event_bus ------------------------------------------------------------------

TYPED_TEST(EventBus, RoutesEachEmitToTheListenersOfItsEvent) {
  bus_of<TypeParam, std::string, int> bus;
  std::vector<std::string> calls;
  auto data = bus.on("data", [&](int n) { calls.push_back("data " + std::to_string(n)); });
  auto close = bus.on("close", [&](int n) { calls.push_back("close " + std::to_string(n)); });

  EXPECT_TRUE(bus.emit("data", 1));
  EXPECT_TRUE(bus.emit("close", 2));
  EXPECT_FALSE(bus.emit("error", 3));

  EXPECT_EQ(calls, (std::vector<std::string>{"data 1", "close 2"}));
  EXPECT_EQ(bus.listener_count("data"), 1u);
  EXPECT_EQ(bus.listener_count("error"), 0u);
}

TYPED_TEST(EventBus, CountsMaxListenersPerEvent) {
  bus_of<TypeParam, std::string> bus("server");
  warning_recorder recorder;
  bus.set_warning_sink(recorder.sink());
  subscription_set subs;
  for (int i = 0; i < 10; ++i) {
    subs += bus.on("request", [] {});
    subs += bus.on("close", [] {});
  }
  EXPECT_TRUE(recorder.warnings().empty());

  subs += bus.on("request", [] {});
  subs += bus.on("request", [] {});
  subs += bus.on("close", [] {});

  const auto warnings = recorder.warnings();
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].emitter_name, "server");
  EXPECT_EQ(warnings[0].event, "request");
  EXPECT_EQ(warnings[0].listener_count, 11u);
  EXPECT_EQ(warnings[1].event, "close");
}

// The warning state lives in the event's entry: this also shows that the
// entry of an event without listeners is gone, not merely filtered out.
TYPED_TEST(EventBus, ReArmsTheWarningOfAnEventWhoseListenersAllWent) {
  bus_of<TypeParam, std::string> bus;
  warning_recorder recorder;
  bus.set_warning_sink(recorder.sink());
  bus.set_max_listeners(1);
  {
    subscription_set subs;
    for (int i = 0; i < 2; ++i) subs += bus.on("reset", [] {});
  }  // each subscription reset on its own
  auto a = bus.once("fired", [] {});
  auto b = bus.once("fired", [] {});
  ASSERT_EQ(recorder.warnings().size(), 2u);
  bus.emit("fired");

  subscription_set again;
  for (int i = 0; i < 2; ++i) {
    again += bus.on("reset", [] {});
    again += bus.once("fired", [] {});
  }

  const auto warnings = recorder.warnings();
  ASSERT_EQ(warnings.size(), 4u);
  EXPECT_EQ(warnings[2].event, "reset");
  EXPECT_EQ(warnings[3].event, "fired");
}

TYPED_TEST(EventBus, ForgetsEventsThatHaveNoListeners) {
  bus_of<TypeParam, int> bus;
  {
    subscription_set subs;
    for (int event = 0; event < 1000; ++event) subs += bus.on(event, [] {});
    auto fired = bus.once(5000, [] {});
    EXPECT_EQ(bus.event_names().size(), 1001u);
    bus.emit(5000);
    EXPECT_EQ(bus.event_names().size(), 1000u);
  }
  EXPECT_TRUE(bus.event_names().empty());
  EXPECT_FALSE(bus.emit(7));
  EXPECT_TRUE(bus.event_names().empty());

  auto kept = bus.on(3, [] {});
  EXPECT_EQ(bus.event_names(), std::vector<int>{3});
}

TYPED_TEST(EventBus, RemoveAllListenersOfOneEvent) {
  bus_of<TypeParam, std::string> bus;
  lifetime_probe data_probe;
  lifetime_probe close_probe;
  auto data = bus.on("data", [token = std::move(data_probe.token)] {});
  auto close = bus.on("close", [token = std::move(close_probe.token)] {});

  bus.remove_all_listeners("data");
  bus.remove_all_listeners("never-subscribed");

  EXPECT_TRUE(data_probe.watch.expired());
  EXPECT_FALSE(close_probe.watch.expired());
  EXPECT_FALSE(data.active());
  EXPECT_TRUE(close.active());
  EXPECT_EQ(bus.event_names(), std::vector<std::string>{"close"});

  bus.remove_all_listeners();
  EXPECT_TRUE(close_probe.watch.expired());
  EXPECT_TRUE(bus.event_names().empty());
}

enum class pool_event { opened = 1, closed = 2 };

TYPED_TEST(EventBus, WarningsDescribeEnumAndIntegerEvents) {
  warning_recorder recorder;
  bus_of<TypeParam, pool_event> by_enum;
  bus_of<TypeParam, long> by_number;
  by_enum.set_warning_sink(recorder.sink());
  by_number.set_warning_sink(recorder.sink());
  by_enum.set_max_listeners(1);
  by_number.set_max_listeners(1);
  subscription_set subs;
  for (int i = 0; i < 2; ++i) {
    subs += by_enum.on(pool_event::closed, [] {});
    subs += by_number.on(-42, [] {});
  }
  const auto warnings = recorder.warnings();
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].event, "2");
  EXPECT_EQ(warnings[1].event, "-42");
}

TYPED_TEST(EventBus, AListenerMayClearTheBusAndAddEventsDuringAnEmit) {
  bus_of<TypeParam, std::string> bus;
  auto event = std::make_unique<std::string>("tick");
  std::vector<subscription> added;
  int later_calls = 0;
  auto churn = bus.on("tick", [&] {
    // Enough new events to rehash the map under the running emit.
    for (int i = 0; i < 200; ++i) added.push_back(bus.on(std::to_string(i), [] {}));
    bus.remove_all_listeners();
    event.reset();  // the key this emit was called with is gone now
  });
  auto later = bus.on("tick", [&later_calls] { ++later_calls; });

  bus.emit(*event);

  EXPECT_EQ(later_calls, 0);
  EXPECT_EQ(bus.listener_count("tick"), 0u);
  EXPECT_TRUE(bus.event_names().empty());
}

TYPED_TEST(EventBus, ASubscriptionMayOutliveItsBus) {
  auto bus = std::make_unique<bus_of<TypeParam, std::string>>();
  lifetime_probe probe;
  auto sub = bus->on("data", [token = std::move(probe.token)] {});
  bus.reset();
  EXPECT_TRUE(probe.watch.expired());
  EXPECT_FALSE(sub.active());
  sub.reset();
}

// --- subscription_set -------------------------------------------------------------

TEST(SubscriptionSet, ClearRemovesEveryListenerItHolds) {
  leakguard::event_emitter<> first;
  leakguard::thread_safe_event_bus<std::string> second;
  lifetime_probe a;
  lifetime_probe b;
  lifetime_probe c;
  subscription_set subs;
  subs.add(first.on([token = std::move(a.token)] {}));
  subs += second.on("x", [token = std::move(b.token)] {});
  subs += first.once([token = std::move(c.token)] {});
  EXPECT_EQ(subs.size(), 3u);

  subs.clear();

  EXPECT_TRUE(subs.empty());
  EXPECT_TRUE(a.watch.expired());
  EXPECT_TRUE(b.watch.expired());
  EXPECT_TRUE(c.watch.expired());
  EXPECT_EQ(first.listener_count(), 0u);
  EXPECT_EQ(second.listener_count("x"), 0u);

  subs += first.on([] {});
  EXPECT_EQ(first.listener_count(), 1u);
}

TEST(SubscriptionSet, DestructionRemovesNewestFirst) {
  leakguard::event_emitter<> emitter;
  std::vector<int> destroyed;
  {
    subscription_set subs;
    for (int i = 0; i < 3; ++i) {
      subs += emitter.on([guard = std::make_shared<run_on_destroy>(
                              [&destroyed, i] { destroyed.push_back(i); })] {});
    }
  }
  EXPECT_EQ(destroyed, (std::vector<int>{2, 1, 0}));
  EXPECT_EQ(emitter.listener_count(), 0u);
}

TEST(SubscriptionSet, MoveAssignmentClearsTheTargetFirst) {
  leakguard::event_emitter<> emitter;
  lifetime_probe probe;
  subscription_set target;
  target += emitter.on([token = std::move(probe.token)] {});
  subscription_set source;
  source += emitter.on([] {});

  target = std::move(source);

  EXPECT_TRUE(probe.watch.expired());
  EXPECT_EQ(target.size(), 1u);
  EXPECT_EQ(emitter.listener_count(), 1u);
}

TEST(SubscriptionSet, PruneDropsEndedSubscriptionsOnly) {
  leakguard::event_emitter<> emitter;
  auto doomed = std::make_unique<leakguard::event_emitter<>>();
  subscription_set subs;
  subs += emitter.once([] {});
  subs += emitter.once([] {});
  subs += emitter.on([] {});
  subs += doomed->on([] {});
  emitter.emit();  // fires both once() listeners
  doomed.reset();

  EXPECT_EQ(subs.prune(), 3u);
  EXPECT_EQ(subs.size(), 1u);
  EXPECT_EQ(emitter.listener_count(), 1u);  // the live one was kept
}

TEST(SubscriptionSet, StaysBoundedWhenItsSubscriptionsEndOnTheirOwn) {
  leakguard::event_emitter<> emitter;
  subscription_set subs;
  std::size_t largest = 0;
  for (int i = 0; i < 10000; ++i) {
    subs += emitter.once([] {});
    emitter.emit();
    largest = std::max(largest, subs.size());
  }
  EXPECT_LE(largest, 32u);
  EXPECT_EQ(emitter.listener_count(), 0u);
}

// --- thread_safe_policy under concurrency ------------------------------------------

TEST(ThreadSafeEventEmitter, NoListenerRunsOrIsCalledAfterItsResetReturned) {
  leakguard::thread_safe_event_emitter<int> emitter;
  emitter.set_max_listeners(0);
  std::atomic<bool> stop{false};
  std::atomic<int> late_calls{0};
  std::atomic<int> undestroyed_after_reset{0};
  std::atomic<long> calls{0};

  std::vector<std::thread> emitters;
  for (int t = 0; t < 2; ++t) {
    emitters.emplace_back([&] {
      while (!stop.load()) emitter.emit(1);
    });
  }
  std::vector<std::thread> subscribers;
  for (int t = 0; t < 3; ++t) {
    subscribers.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        auto reset_returned = std::make_shared<std::atomic<bool>>(false);
        lifetime_probe probe;
        auto sub = emitter.on([&calls, &late_calls, reset_returned,
                               token = std::move(probe.token)](int n) {
          calls += n + *token;  // reads the capture: ASan/TSan see a freed one
          // Checked at the end: reset() must wait for this call to finish.
          if (reset_returned->load()) ++late_calls;
        });
        emitter.emit(1);
        sub.reset();
        reset_returned->store(true);
        if (!probe.watch.expired()) ++undestroyed_after_reset;
      }
    });
  }
  for (auto& thread : subscribers) thread.join();
  stop = true;
  for (auto& thread : emitters) thread.join();

  EXPECT_EQ(late_calls.load(), 0);
  EXPECT_EQ(undestroyed_after_reset.load(), 0);
  EXPECT_GE(calls.load(), 900);  // each subscriber's own emit at least
  EXPECT_EQ(emitter.listener_count(), 0u);
}

TEST(ThreadSafeEventEmitter, ResetWaitsForACallRunningOnAnotherThread) {
  leakguard::thread_safe_event_emitter<> emitter;
  latch_flag entered;
  latch_flag release;
  std::atomic<bool> reset_returned{false};
  bool reset_returned_while_running = true;
  lifetime_probe probe;
  subscription sub = emitter.on([&, token = std::move(probe.token)] {
    entered.set();
    release.wait();
    reset_returned_while_running = reset_returned.load();
  });
  std::thread emitting([&] { emitter.emit(); });
  entered.wait();
  std::thread resetting([&] {
    sub.reset();
    reset_returned = true;
  });

  // Give a reset that does not wait the time to return (and fail the test).
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(reset_returned.load());
  release.set();
  resetting.join();
  emitting.join();

  EXPECT_FALSE(reset_returned_while_running);
  EXPECT_TRUE(reset_returned.load());
  EXPECT_TRUE(probe.watch.expired());
}

TEST(ThreadSafeEventEmitter, RemoveAllListenersWaitsForRunningListeners) {
  leakguard::thread_safe_event_bus<std::string> bus;
  latch_flag entered;
  latch_flag release;
  std::atomic<bool> removal_returned{false};
  bool returned_while_running = true;
  auto sub = bus.on("job", [&] {
    entered.set();
    release.wait();
    returned_while_running = removal_returned.load();
  });
  std::thread emitting([&] { bus.emit("job"); });
  entered.wait();
  std::thread removing([&] {
    bus.remove_all_listeners();
    removal_returned = true;
  });

  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(removal_returned.load());
  release.set();
  removing.join();
  emitting.join();

  EXPECT_FALSE(returned_while_running);
  EXPECT_FALSE(sub.active());
}

TEST(ThreadSafeEventEmitter, RemovalFromInsideAListenerDoesNotWaitForItself) {
  leakguard::thread_safe_event_emitter<> emitter;
  lifetime_probe self_probe;
  lifetime_probe other_probe;
  subscription self;
  bool capture_alive_after_reset = false;
  self = emitter.on([&, token = std::move(self_probe.token)] {
    self.reset();
    emitter.remove_all_listeners();
    capture_alive_after_reset = !self_probe.watch.expired();
  });
  auto other = emitter.on([token = std::move(other_probe.token)] {});

  std::thread emitting([&] { emitter.emit(); });  // would hang if it waited
  emitting.join();

  EXPECT_TRUE(capture_alive_after_reset);
  EXPECT_TRUE(self_probe.watch.expired());
  EXPECT_TRUE(other_probe.watch.expired());
  EXPECT_EQ(emitter.listener_count(), 0u);
}

TEST(ThreadSafeEventEmitter, OnceFiresExactlyOnceUnderConcurrentEmits) {
  leakguard::thread_safe_event_emitter<> emitter;
  emitter.set_max_listeners(0);
  constexpr int listeners = 200;
  std::vector<std::atomic<int>> calls(listeners);
  subscription_set subs;
  for (int i = 0; i < listeners; ++i) {
    subs += emitter.once([&calls, i] { ++calls[static_cast<std::size_t>(i)]; });
  }
  latch_flag start;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      start.wait();
      for (int i = 0; i < 5; ++i) emitter.emit();
    });
  }
  start.set();
  for (auto& thread : threads) thread.join();

  for (int i = 0; i < listeners; ++i) {
    EXPECT_EQ(calls[static_cast<std::size_t>(i)].load(), 1) << "listener " << i;
  }
  EXPECT_EQ(emitter.listener_count(), 0u);
  EXPECT_EQ(subs.prune(), static_cast<std::size_t>(listeners));
}

TEST(ThreadSafeEventEmitter, TheMaxListenersWarningFiresOnceUnderConcurrentAdds) {
  leakguard::thread_safe_event_emitter<> emitter("shared");
  warning_recorder recorder;
  emitter.set_warning_sink(recorder.sink());
  std::vector<subscription_set> subs(4);
  latch_flag start;
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < subs.size(); ++t) {
    threads.emplace_back([&, t] {
      start.wait();
      for (int i = 0; i < 10; ++i) subs[t] += emitter.on([] {});
    });
  }
  start.set();
  for (auto& thread : threads) thread.join();

  const auto warnings = recorder.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].listener_count, 11u);
  EXPECT_EQ(emitter.listener_count(), 40u);
}

TEST(ThreadSafeEventBus, ConcurrentSubscribersOnManyEventsLeaveNothingBehind) {
  leakguard::thread_safe_event_bus<int, int> bus;
  std::atomic<bool> stop{false};
  std::atomic<long> calls{0};
  std::thread emitting([&] {
    for (int n = 0; !stop.load(); n = (n + 1) % 8) bus.emit(n, 1);
  });
  std::vector<std::thread> subscribers;
  for (int t = 0; t < 3; ++t) {
    subscribers.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const int event = (t + i) % 8;
        auto sub = bus.on(event, [&calls](int n) { calls += n; });
        auto once = bus.once(event, [&calls](int n) { calls += n; });
        bus.emit(event, 1);  // fires `once` unless the other thread did
        EXPECT_FALSE(once.active());
      }
    });
  }
  for (auto& thread : subscribers) thread.join();
  stop = true;
  emitting.join();

  EXPECT_GE(calls.load(), 1800);
  EXPECT_TRUE(bus.event_names().empty());
}

}  // namespace
