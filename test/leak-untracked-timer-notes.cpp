// RUN: %check_leakguard %s leak-untracked-timer %t

// The notes of leak-untracked-timer: where the timer was armed, and the
// leakguard:: replacement each rule points to.

#include "Inputs/asio_timer.h"
#include "Inputs/qtimer.h"
#include "Inputs/uv.h"
#include <chrono>
#include <memory>
#include <thread>

using namespace std::chrono_literals;
using boost::system::error_code;

class Session : public std::enable_shared_from_this<Session> {
public:
  void startIdleTimeout(boost::asio::io_context &io) {
    auto timer = std::make_shared<boost::asio::steady_timer>(io, 30s);
    // CHECK-NOTES: :[[@LINE-1]]:10: warning: heap-allocated timer 'timer' is armed but never stored in a member or returned; nothing can cancel it [leak-untracked-timer]
    // CHECK-NOTES: :[[@LINE+3]]:12: note: armed here
    // CHECK-NOTES: :[[@LINE-3]]:10: note: schedule it with 'leakguard::timer_registry' and keep the 'leakguard::timer_handle' it returns: the handle cancels the timer when destroyed or reset
    auto self = shared_from_this();
    timer->async_wait([timer, self](const error_code &) {});
  }

  void schedule() {
    heartbeat_.async_wait([self = shared_from_this()](const error_code &ec) {
      if (!ec)
        self->schedule();
    });
    // CHECK-NOTES: :[[@LINE-4]]:16: warning: periodic timer 'heartbeat_' re-arms itself and captures 'shared_from_this()' but is never cancelled; the object can never be destroyed [leak-untracked-timer]
    // CHECK-NOTES: :[[@LINE-5]]:16: note: cancel it on shutdown, or use 'leakguard::timer_registry::set_interval' with a 'std::weak_ptr' owner: its 'leakguard::timer_handle' cancels the timer once the object is gone
  }

private:
  boost::asio::steady_timer heartbeat_;
};

class Collector {
public:
  void start() {
    collect_.async_wait([this](const error_code &ec) {
      if (!ec)
        start();
    });
    // CHECK-NOTES: :[[@LINE-4]]:14: warning: periodic timer 'collect_' re-arms itself and captures 'this' but is not cancelled by 'stop'; it keeps firing after shutdown [leak-untracked-timer]
    // CHECK-NOTES: :[[@LINE-5]]:14: note: cancel it there, or keep the 'leakguard::timer_handle' returned by 'leakguard::timer_registry::set_interval' and reset it there
  }
  void stop() {}

private:
  boost::asio::steady_timer collect_;
};

void housekeeping() {
  std::thread([] {
    for (;;)
      std::this_thread::sleep_for(1s);
  }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:6: warning: detached thread runs a periodic loop (sleeping in 'sleep_for') that nothing can stop or join; it outlives shutdown [leak-untracked-timer]
  // CHECK-NOTES: :[[@LINE-2]]:6: note: run the periodic work with 'leakguard::timer_registry::set_interval' and keep its 'leakguard::timer_handle', or keep the thread and join it on shutdown
}

static uv_timer_t gc_timer;
void startGc(uv_loop_t *loop) {
  uv_timer_init(loop, &gc_timer);
  uv_timer_start(&gc_timer, [](uv_timer_t *) {}, 0, 1000);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: libuv timer 'gc_timer' is started but never stopped ('uv_timer_stop') or closed ('uv_close') in this translation unit [leak-untracked-timer]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: schedule it with 'leakguard::timer_registry' and keep the 'leakguard::timer_handle' it returns: the handle cancels the timer when destroyed or reset
}

namespace js {
unsigned long setInterval(void (*fn)(), int ms);
}
void tick();
void startTicking() {
  js::setInterval(tick, 1000);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: handle returned by 'setInterval' is discarded; the timer it schedules can never be cancelled [leak-untracked-timer]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: keep the handle; 'leakguard::timer_registry' returns a '{{\[\[}}nodiscard{{\]\]}} leakguard::timer_handle' that cancels its timer when destroyed
}

void countLater() {
  int fired = 0;
  QTimer::singleShot(10, [&fired] { ++fired; });
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'QTimer::singleShot' without a context object: the callback captures 'fired' by reference and runs even if that is destroyed first [leak-untracked-timer]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: pass a context object before the callback; Qt drops the call when the context is destroyed
}
