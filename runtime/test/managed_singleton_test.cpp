// leakguard-sanitizers: tsan
#include "leakguard/managed_singleton.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

using leakguard::managed_singleton;
using leakguard::shutdown_outcome;
using leakguard::shutdown_registry;
using leakguard::singleton_options;
using namespace std::chrono_literals;

// Counts what happened to the objects of one test.
struct lifecycle {
  std::atomic<int> constructed{0};
  std::atomic<int> closed{0};
  std::atomic<int> destroyed{0};
};

// Has close(): the member the singleton must call.
class client {
 public:
  client(lifecycle* events, int port) : events_(events), port_(port) { ++events_->constructed; }
  ~client() { ++events_->destroyed; }
  void close() { ++events_->closed; }
  int port() const { return port_; }
  bool is_closed() const { return events_->closed.load() > 0; }

 private:
  lifecycle* events_;
  int port_;
};

singleton_options options_for(shutdown_registry& registry, const char* name = nullptr) {
  singleton_options options;
  options.name = name;
  options.registry = &registry;
  return options;
}

class silent_registry : public ::testing::Test {
 protected:
  silent_registry() { registry.set_log_sink({}); }
  shutdown_registry registry;
};

// ---- Shape: usable as a constant-initialised, never-destroyed global ----

struct widget {
  int value = 7;
};
std::unique_ptr<widget> make_widget() { return std::make_unique<widget>(); }

static_assert(std::is_trivially_destructible_v<managed_singleton<widget>>,
              "no exit-time destructor");
static_assert(!std::is_copy_constructible_v<managed_singleton<widget>>);

constexpr bool constructs_in_constant_expression() {
  managed_singleton<widget> from_function{&make_widget};
  managed_singleton<widget> from_lambda{[] { return std::make_unique<widget>(); }};
  managed_singleton<widget> by_default;
  managed_singleton<widget> with_options{singleton_options{"widget", nullptr, 3}};
  (void)from_function;
  (void)from_lambda;
  (void)by_default;
  (void)with_options;
  return true;
}
static_assert(constructs_in_constant_expression(), "constexpr constructors");

// The exact declaration the leak-global-connection fix-it writes.
int configured_port = 5432;
#if defined(__clang__)
[[clang::require_constant_initialization]]
#endif
leakguard::managed_singleton<widget> fixit_shaped_global{[] { return std::make_unique<widget>(); }};

shutdown_registry global_test_registry;
lifecycle global_client_events;
#if defined(__clang__)
[[clang::require_constant_initialization]]
#endif
managed_singleton<client> global_client{
    [] { return std::make_unique<client>(&global_client_events, configured_port); },
    singleton_options{"global client", &global_test_registry}};

TEST(managed_singleton_global, is_created_on_first_use_and_used_like_a_pointer) {
  global_test_registry.set_log_sink({});
  EXPECT_FALSE(global_client.is_live());
  EXPECT_EQ(global_client_events.constructed.load(), 0);

  EXPECT_EQ(global_client->port(), 5432);
  EXPECT_EQ((*global_client).port(), 5432);
  EXPECT_EQ(global_client.get(), &*global_client);
  EXPECT_EQ(global_client_events.constructed.load(), 1);
  EXPECT_TRUE(global_client.is_live());
  EXPECT_EQ(global_test_registry.size(), 1u);

  const leakguard::shutdown_report report = global_test_registry.shutdown_all(1s);
  ASSERT_EQ(report.steps.size(), 1u);
  EXPECT_EQ(report.steps[0].name, "global client");
  EXPECT_EQ(report.steps[0].outcome, shutdown_outcome::ok);
  EXPECT_EQ(global_client_events.closed.load(), 1);
  EXPECT_EQ(global_client_events.destroyed.load(), 1);
  EXPECT_TRUE(global_client.is_shut_down());
  EXPECT_THROW(global_client->port(), leakguard::singleton_shut_down);

  // Back to the never-used state, so --gtest_repeat starts fresh.
  global_client.reset_for_tests();
  global_test_registry.reset_for_tests();
  global_client_events.constructed = 0;
  global_client_events.closed = 0;
  global_client_events.destroyed = 0;
}

TEST(managed_singleton_global, default_form_uses_the_process_registry) {
  shutdown_registry& process = leakguard::process_shutdown_registry();
  const std::size_t before = process.size();
  EXPECT_EQ(fixit_shaped_global->value, 7);
  EXPECT_EQ(process.size(), before + 1);
  fixit_shaped_global.reset_for_tests();
  EXPECT_EQ(process.size(), before);
  EXPECT_FALSE(fixit_shaped_global.is_live());
}

// ---- Lazy, exactly-once creation ----

TEST_F(silent_registry, does_not_create_before_first_use) {
  lifecycle events;
  managed_singleton<client> db{[&events] { return std::make_unique<client>(&events, 1); }, options_for(registry)};
  EXPECT_EQ(events.constructed.load(), 0);
  EXPECT_EQ(registry.size(), 0u);
  EXPECT_FALSE(db.is_live());
  EXPECT_FALSE(db.is_shut_down());

  EXPECT_EQ(db->port(), 1);
  EXPECT_EQ(db->port(), 1);
  EXPECT_EQ(events.constructed.load(), 1);
  EXPECT_EQ(registry.size(), 1u);
  db.reset_for_tests();
}

TEST_F(silent_registry, creates_exactly_once_under_contention) {
  constexpr int thread_count = 16;
  struct contention {
    std::mutex mutex;
    std::condition_variable arrived;
    int waiting = 0;
    std::atomic<int> factory_calls{0};
    lifecycle events;
  } state;

  // The factory waits (bounded) until every thread is about to call get(),
  // so the others really do wait on the creation in progress.
  managed_singleton<client> shared{[&state] {
                                     ++state.factory_calls;
                                     std::unique_lock<std::mutex> lock(state.mutex);
                                     state.arrived.wait_for(lock, 2s, [&] { return state.waiting == thread_count; });
                                     return std::make_unique<client>(&state.events, 99);
                                   },
                                   options_for(registry)};

  std::vector<client*> seen(thread_count, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < thread_count; ++i) {
    threads.emplace_back([&, i] {
      {
        std::lock_guard<std::mutex> lock(state.mutex);
        ++state.waiting;
      }
      state.arrived.notify_all();
      seen[static_cast<std::size_t>(i)] = shared.get();
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(state.factory_calls.load(), 1);
  EXPECT_EQ(state.events.constructed.load(), 1);
  for (client* object : seen) EXPECT_EQ(object, seen[0]);
  ASSERT_NE(seen[0], nullptr);
  EXPECT_EQ(seen[0]->port(), 99);
  EXPECT_EQ(registry.size(), 1u);
  shared.reset_for_tests();
  EXPECT_EQ(state.events.destroyed.load(), 1);
}

TEST_F(silent_registry, default_form_uses_make_unique) {
  managed_singleton<widget> plain{singleton_options{nullptr, &registry}};
  EXPECT_EQ(plain->value, 7);
  EXPECT_EQ(registry.size(), 1u);
  plain.reset_for_tests();
}

// ---- Factories ----

struct base_service {
  virtual ~base_service() = default;
  virtual int id() const = 0;
};
struct derived_service : base_service {
  int id() const override { return 42; }
};

TEST_F(silent_registry, accepts_a_factory_returning_a_derived_type) {
  managed_singleton<base_service> service{[] { return std::make_unique<derived_service>(); },
                                          options_for(registry)};
  EXPECT_EQ(service->id(), 42);
  service.reset_for_tests();
}

TEST_F(silent_registry, factory_exception_propagates_and_the_next_use_retries) {
  lifecycle events;
  int attempts = 0;
  managed_singleton<client> flaky{[&] {
                                    if (++attempts == 1) throw std::runtime_error("connection refused");
                                    return std::make_unique<client>(&events, 2);
                                  },
                                  options_for(registry)};
  EXPECT_THROW(flaky.get(), std::runtime_error);
  EXPECT_FALSE(flaky.is_live());
  EXPECT_EQ(registry.size(), 0u);

  EXPECT_EQ(flaky->port(), 2);
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(registry.size(), 1u);
  flaky.reset_for_tests();
}

TEST_F(silent_registry, factory_returning_null_is_an_error) {
  managed_singleton<widget> empty{[] { return std::unique_ptr<widget>(); }, options_for(registry)};
  EXPECT_THROW(empty.get(), leakguard::singleton_error);
  EXPECT_EQ(registry.size(), 0u);
  empty.reset_for_tests();
}

managed_singleton<widget>* recursive_singleton = nullptr;

TEST_F(silent_registry, factory_using_its_own_singleton_throws_instead_of_deadlocking) {
  managed_singleton<widget> self_using{[] {
                                         (void)recursive_singleton->get();
                                         return std::make_unique<widget>();
                                       },
                                       options_for(registry)};
  recursive_singleton = &self_using;
  EXPECT_THROW(self_using.get(), leakguard::singleton_recursive_creation);
  EXPECT_FALSE(self_using.is_live());
  recursive_singleton = nullptr;
  self_using.reset_for_tests();
}

// ---- Shutdown ----

struct closing_counters {
  std::atomic<int> shutdown_calls{0};
  std::atomic<int> close_calls{0};
  std::atomic<int> stop_calls{0};
};
struct with_shutdown_and_close {
  closing_counters* counters;
  void shutdown() { ++counters->shutdown_calls; }
  void close() { ++counters->close_calls; }
};
struct with_close_and_stop {
  closing_counters* counters;
  void close() { ++counters->close_calls; }
  void stop() { ++counters->stop_calls; }
};
struct with_stop_only {
  closing_counters* counters;
  bool stop() {
    ++counters->stop_calls;
    return true;
  }
};
struct with_close_taking_an_argument {
  closing_counters* counters;
  void close(int) { ++counters->close_calls; }
};

struct close_calls {
  int shutdown = 0;
  int close = 0;
  int stop = 0;
};

template <class T>
close_calls shut_down_one(shutdown_registry& registry) {
  closing_counters counters;
  managed_singleton<T> object{[&counters] { return std::make_unique<T>(T{&counters}); }, options_for(registry)};
  (void)object.get();
  object.shutdown();
  object.reset_for_tests();
  return {counters.shutdown_calls.load(), counters.close_calls.load(), counters.stop_calls.load()};
}

TEST_F(silent_registry, shutdown_calls_the_first_of_shutdown_close_stop) {
  const close_calls first = shut_down_one<with_shutdown_and_close>(registry);
  EXPECT_EQ(first.shutdown, 1);
  EXPECT_EQ(first.close, 0);

  const close_calls second = shut_down_one<with_close_and_stop>(registry);
  EXPECT_EQ(second.close, 1);
  EXPECT_EQ(second.stop, 0);

  const close_calls third = shut_down_one<with_stop_only>(registry);
  EXPECT_EQ(third.stop, 1);

  const close_calls fourth = shut_down_one<with_close_taking_an_argument>(registry);
  EXPECT_EQ(fourth.close, 0) << "close(int) is not a zero-argument close";
}

TEST_F(silent_registry, access_after_shutdown_is_a_clear_error) {
  lifecycle events;
  managed_singleton<client> db{[&events] { return std::make_unique<client>(&events, 3); },
                               options_for(registry, "orders db")};
  (void)db.get();
  db.shutdown();
  EXPECT_EQ(events.closed.load(), 1);
  EXPECT_EQ(events.destroyed.load(), 1);
  EXPECT_TRUE(db.is_shut_down());
  EXPECT_FALSE(db.is_live());
  EXPECT_EQ(registry.size(), 0u) << "shutdown() unregisters its step";

  try {
    (void)db->port();
    ADD_FAILURE() << "expected singleton_shut_down";
  } catch (const leakguard::singleton_shut_down& error) {
    EXPECT_NE(std::string(error.what()).find("orders db"), std::string::npos) << error.what();
  }
  EXPECT_THROW((void)(*db).port(), leakguard::singleton_shut_down);
  EXPECT_THROW((void)db.get(), leakguard::singleton_shut_down);
  EXPECT_EQ(db.try_get(), nullptr);
  EXPECT_EQ(events.constructed.load(), 1) << "never re-created";
  db.reset_for_tests();
}

TEST_F(silent_registry, shutdown_twice_closes_once) {
  lifecycle events;
  managed_singleton<client> db{[&events] { return std::make_unique<client>(&events, 4); }, options_for(registry)};
  (void)db.get();
  db.shutdown();
  db.shutdown();
  EXPECT_EQ(registry.shutdown_all(1s).steps.size(), 0u);
  EXPECT_EQ(events.closed.load(), 1);
  EXPECT_EQ(events.destroyed.load(), 1);
  db.reset_for_tests();
}

TEST_F(silent_registry, shutdown_before_first_use_prevents_creation) {
  lifecycle events;
  managed_singleton<client> db{[&events] { return std::make_unique<client>(&events, 5); }, options_for(registry)};
  db.shutdown();
  EXPECT_TRUE(db.is_shut_down());
  EXPECT_THROW(db.get(), leakguard::singleton_shut_down);
  EXPECT_EQ(db.try_get(), nullptr);
  EXPECT_EQ(events.constructed.load(), 0);
  db.reset_for_tests();
}

TEST_F(silent_registry, is_not_created_once_shutdown_all_has_begun) {
  lifecycle events;
  managed_singleton<client> late{[&events] { return std::make_unique<client>(&events, 6); }, options_for(registry)};
  (void)registry.shutdown_all(1s);
  EXPECT_EQ(late.try_get(), nullptr);
  EXPECT_THROW(late.get(), leakguard::singleton_shut_down);
  EXPECT_EQ(events.constructed.load(), 0);
  EXPECT_TRUE(late.is_shut_down());
  late.reset_for_tests();
}

TEST_F(silent_registry, try_get_handle_keeps_a_closed_object_alive_until_released) {
  lifecycle events;
  managed_singleton<client> db{[&events] { return std::make_unique<client>(&events, 7); }, options_for(registry)};
  managed_singleton<client>::handle pinned = db.try_get();
  ASSERT_NE(pinned, nullptr);
  EXPECT_EQ(pinned->port(), 7);

  db.shutdown();
  EXPECT_EQ(events.closed.load(), 1);
  EXPECT_EQ(events.destroyed.load(), 0) << "still pinned";
  EXPECT_TRUE(pinned->is_closed());
  EXPECT_EQ(db.try_get(), nullptr);

  pinned.reset();
  EXPECT_EQ(events.destroyed.load(), 1);
  db.reset_for_tests();
}

struct throwing_close {
  lifecycle* events;
  explicit throwing_close(lifecycle* e) : events(e) {}
  ~throwing_close() { ++events->destroyed; }
  void close() { throw std::runtime_error("socket already broken"); }
};

TEST_F(silent_registry, close_exception_propagates_and_the_object_is_still_released) {
  lifecycle events;
  managed_singleton<throwing_close> broken{[&events] { return std::make_unique<throwing_close>(&events); },
                                           options_for(registry)};
  (void)broken.get();
  EXPECT_THROW(broken.shutdown(), std::runtime_error);
  EXPECT_EQ(events.destroyed.load(), 1);
  EXPECT_TRUE(broken.is_shut_down());
  broken.reset_for_tests();
}

TEST_F(silent_registry, close_exception_is_reported_by_the_registry) {
  lifecycle events;
  managed_singleton<throwing_close> broken{[&events] { return std::make_unique<throwing_close>(&events); },
                                           options_for(registry, "broken socket")};
  (void)broken.get();
  const leakguard::shutdown_report report = registry.shutdown_all(1s);
  ASSERT_EQ(report.steps.size(), 1u);
  EXPECT_EQ(report.steps[0].name, "broken socket");
  EXPECT_EQ(report.steps[0].outcome, shutdown_outcome::threw);
  EXPECT_EQ(report.steps[0].error, "socket already broken");
  EXPECT_EQ(events.destroyed.load(), 1);
  EXPECT_THROW(broken.get(), leakguard::singleton_shut_down);
  broken.reset_for_tests();
}

TEST_F(silent_registry, reset_for_tests_allows_creating_again) {
  lifecycle events;
  managed_singleton<client> db{[&events] { return std::make_unique<client>(&events, 8); }, options_for(registry)};
  (void)db.get();
  db.reset_for_tests();
  EXPECT_EQ(events.closed.load(), 1);
  EXPECT_EQ(events.destroyed.load(), 1);
  EXPECT_FALSE(db.is_shut_down());
  EXPECT_EQ(db->port(), 8);
  EXPECT_EQ(events.constructed.load(), 2);
  db.reset_for_tests();
}

// ---- Registration and order ----

struct named_service {
  std::vector<std::string>* closed_order;
  std::mutex* order_mutex;
  std::string name;
  void close() {
    std::lock_guard<std::mutex> lock(*order_mutex);
    closed_order->push_back(name);
  }
};

TEST_F(silent_registry, registry_closes_singletons_in_reverse_creation_order) {
  std::vector<std::string> closed_order;
  std::mutex order_mutex;
  struct context {
    std::vector<std::string>* order;
    std::mutex* mutex;
  } shared{&closed_order, &order_mutex};

  managed_singleton<named_service> pool{
      [shared] { return std::make_unique<named_service>(named_service{shared.order, shared.mutex, "pool"}); },
      options_for(registry, "pool")};
  // The cache's factory uses the pool: the pool finishes first, so the cache
  // (which depends on it) must be closed first.
  managed_singleton<named_service> cache{[shared, &pool] {
                                           (void)pool.get();
                                           return std::make_unique<named_service>(
                                               named_service{shared.order, shared.mutex, "cache"});
                                         },
                                         options_for(registry, "cache")};
  managed_singleton<named_service> metrics{
      [shared] { return std::make_unique<named_service>(named_service{shared.order, shared.mutex, "metrics"}); },
      options_for(registry, "metrics")};

  (void)cache.get();  // creates pool, then cache
  (void)metrics.get();
  const leakguard::shutdown_report report = registry.shutdown_all(1s);

  ASSERT_EQ(report.steps.size(), 3u);
  EXPECT_EQ(report.steps[0].name, "metrics");
  EXPECT_EQ(report.steps[1].name, "cache");
  EXPECT_EQ(report.steps[2].name, "pool");
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(closed_order, (std::vector<std::string>{"metrics", "cache", "pool"}));
  pool.reset_for_tests();
  cache.reset_for_tests();
  metrics.reset_for_tests();
}

TEST_F(silent_registry, default_step_name_names_the_type) {
  managed_singleton<widget> plain{singleton_options{nullptr, &registry}};
  (void)plain.get();
  const leakguard::shutdown_report report = registry.shutdown_all(1s);
  ASSERT_EQ(report.steps.size(), 1u);
  EXPECT_NE(report.steps[0].name.find("managed_singleton<"), std::string::npos) << report.steps[0].name;
  EXPECT_NE(report.steps[0].name.find("widget"), std::string::npos) << report.steps[0].name;
  plain.reset_for_tests();
}

// ---- Concurrency with shutdown ----

TEST_F(silent_registry, try_get_racing_shutdown_never_sees_a_destroyed_object) {
  lifecycle events;
  managed_singleton<client> db{[&events] { return std::make_unique<client>(&events, 9); }, options_for(registry)};
  (void)db.get();

  constexpr int reader_count = 4;
  std::atomic<int> readers_started{0};
  std::atomic<bool> stop{false};
  std::atomic<long> successful_reads{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < reader_count; ++i) {
    readers.emplace_back([&] {
      ++readers_started;
      while (!stop.load()) {
        if (managed_singleton<client>::handle object = db.try_get()) {
          // Alive while pinned, even if already closed.
          if (object->port() == 9) ++successful_reads;
          EXPECT_EQ(events.destroyed.load(), 0);
        }
      }
    });
  }
  while (readers_started.load() < reader_count) std::this_thread::yield();
  db.shutdown();
  stop = true;
  for (std::thread& reader : readers) reader.join();

  EXPECT_EQ(events.closed.load(), 1);
  EXPECT_EQ(events.destroyed.load(), 1);
  EXPECT_EQ(db.try_get(), nullptr);
  db.reset_for_tests();
}

}  // namespace
