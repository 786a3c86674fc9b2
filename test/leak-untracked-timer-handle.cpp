// RUN: %check_leakguard %s leak-untracked-timer %t -- -- -I%runtime_include
// RUN: %check_leakguard -check-suffixes=CUSTOM %s leak-untracked-timer %t \
// RUN:   -- --config="{CheckOptions: [{key: leak-untracked-timer.TimerFunctions, value: 'addTimer;monitoring::Scheduler::every'}]}" \
// RUN:   -- -I%runtime_include

// Rule 5 of leak-untracked-timer: the handle a scheduling function returns
// is thrown away. The option variant (CUSTOM) replaces the name list.

#include <chrono>
#include <functional>
#include <leakguard/timer_registry.hpp>
#include <memory>
#include <vector>

using namespace std::chrono_literals;

namespace js {
using TimerId = unsigned long;
TimerId setInterval(std::function<void()> fn, int ms);
TimerId set_timeout(std::function<void()> fn, int ms);
void clearInterval(TimerId id);
} // namespace js

struct Task;

class EventLoop {
public:
  struct Handle {
    int id;
  };
  Handle runEvery(std::chrono::milliseconds period, std::function<void()> fn);
  Handle run_after(std::chrono::milliseconds delay, std::function<void()> fn);
  Handle callLater(std::chrono::milliseconds delay, std::function<void()> fn);
  std::shared_ptr<Task> scheduleWithFixedDelay(std::function<void()> fn,
                                               std::chrono::seconds delay);
  // Not handles: a status, a builder, nothing.
  bool schedule(std::function<void()> fn);
  EventLoop &scheduleEvery(std::chrono::seconds period);
  void scheduleAtFixedRate(std::function<void()> fn, std::chrono::seconds p);
  int addTimer(std::function<void()> fn);
};

namespace monitoring {
class Scheduler {
public:
  int every(std::chrono::seconds period, std::function<void()> fn);
};
} // namespace monitoring

class Monitor {
public:
  void start(EventLoop &loop, monitoring::Scheduler &scheduler, bool fast) {
    js::setInterval([this] { sample(); }, 5000);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: handle returned by 'setInterval' is discarded; the timer it schedules can never be cancelled [leak-untracked-timer]
    (void)js::set_timeout([this] { sample(); }, 100);
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: handle returned by 'set_timeout' is discarded
    loop.runEvery(1s, [this] { sample(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: handle returned by 'runEvery' is discarded
    static_cast<void>(loop.run_after(10s, [this] { sample(); }));
    // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: handle returned by 'run_after' is discarded
    if (fast)
      loop.callLater(1ms, [this] { sample(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: handle returned by 'callLater' is discarded
    loop.scheduleWithFixedDelay([this] { sample(); }, 30s);
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: handle returned by 'scheduleWithFixedDelay' is discarded

    // Only with the custom list:
    loop.addTimer([this] { sample(); });
    // CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:10: warning: handle returned by 'addTimer' is discarded
    scheduler.every(1s, [this] { sample(); });
    // CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:15: warning: handle returned by 'every' is discarded

    // Silenced on purpose.
    js::setInterval([] {}, 60000); // NOLINT(leak-untracked-timer)
    // NOLINTNEXTLINE(leak-untracked-timer)
    loop.runEvery(1min, [] {});

    // Silent: the handle is kept.
    intervalId_ = js::setInterval([this] { sample(); }, 1000);
    handles_.push_back(loop.runEvery(1s, [this] { sample(); }));
    auto once = loop.run_after(1s, [this] { sample(); });
    (void)once;

    // Silent: not handles (a status, a builder, void).
    loop.schedule([this] { sample(); });
    loop.scheduleEvery(5s);
    loop.scheduleAtFixedRate([this] { sample(); }, 5s);

    // Silent: a discarded leakguard::timer_handle cancels its timer at
    // once; the compiler's [[nodiscard]] warning covers that mistake.
    (void)registry_.set_interval(1s, [this] { sample(); });
    tick_ = registry_.set_interval(1s, [this] { sample(); });
  }

  // Statements held by loops and branches without braces.
  void restart(EventLoop &loop, std::vector<EventLoop *> &loops, int n) {
    while (n-- > 0)
      loop.runEvery(1s, [this] { sample(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: handle returned by 'runEvery' is discarded
    do
      (void)loop.run_after(1s, [this] { sample(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: handle returned by 'run_after' is discarded
    while (n-- > 0);
    for (int i = 0; i < n; ++i)
      loop.callLater(1ms, [this] { sample(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: handle returned by 'callLater' is discarded
    for (EventLoop *other : loops)
      other->runEvery(1s, [this] { sample(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: handle returned by 'runEvery' is discarded
    if (n > 1)
      loop.schedule([this] { sample(); });
    else
      loop.run_after(1s, [this] { sample(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: handle returned by 'run_after' is discarded
  }

  // Silent: handed to the caller.
  EventLoop::Handle startOnce(EventLoop &loop) {
    return loop.run_after(1s, [this] { sample(); });
  }

  void stop() {
    js::clearInterval(intervalId_);
    tick_.reset();
  }

private:
  void sample();
  js::TimerId intervalId_ = 0;
  std::vector<EventLoop::Handle> handles_;
  leakguard::timer_registry registry_;
  leakguard::timer_handle tick_;
};
