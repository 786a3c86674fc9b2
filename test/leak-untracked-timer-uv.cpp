// RUN: %check_leakguard %s leak-untracked-timer %t

// Rule 4 of leak-untracked-timer: libuv timers started and never stopped
// or closed in the translation unit.

#include "Inputs/uv.h"

static uv_timer_t gc_timer;
static uv_timer_t stats_timer;

static void on_gc(uv_timer_t *) {}
static void on_stats(uv_timer_t *) {}

void start_gc(uv_loop_t *loop) {
  uv_timer_init(loop, &gc_timer);
  uv_timer_start(&gc_timer, on_gc, 1000, 1000);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: libuv timer 'gc_timer' is started but never stopped ('uv_timer_stop') or closed ('uv_close') in this translation unit [leak-untracked-timer]
}

class Connection {
public:
  explicit Connection(uv_loop_t *loop) {
    uv_timer_init(loop, &keepalive_);
    uv_timer_init(loop, &idle_);
    keepalive_.data = this;
  }
  void start() {
    uv_timer_start(&keepalive_, &Connection::onKeepalive, 0, 15000);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: libuv timer 'keepalive_' is started but never stopped
    uv_timer_start(&idle_, &Connection::onIdle, 60000, 0);
  }
  // Silent for idle_: closed here (through a cast, as uv_close wants).
  void close() {
    uv_close(reinterpret_cast<uv_handle_t *>(&idle_), nullptr);
  }

private:
  static void onKeepalive(uv_timer_t *) {}
  static void onIdle(uv_timer_t *) {}
  uv_timer_t keepalive_;
  uv_timer_t idle_;
};

// A heap handle held through a pointer.
void start_heap_timer(uv_loop_t *loop) {
  uv_timer_t *tick = new uv_timer_t;
  uv_timer_init(loop, tick);
  uv_timer_start(tick, on_stats, 0, 500);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: libuv timer 'tick' is started
}

// Silent: stopped with uv_timer_stop.
void start_stats(uv_loop_t *loop) {
  uv_timer_init(loop, &stats_timer);
  uv_timer_start(&stats_timer, on_stats, 0, 5000);
}
void stop_stats() { uv_timer_stop(&stats_timer); }

// Silent: the callback stops the handle it is given (a one-shot retry).
static int retries = 0;
static void on_retry(uv_timer_t *handle) {
  if (++retries == 3)
    uv_timer_stop(handle);
}
void start_retry(uv_loop_t *loop) {
  static uv_timer_t retry;
  uv_timer_init(loop, &retry);
  uv_timer_start(&retry, on_retry, 100, 100);
}

// Silent: handed to code that may stop it.
void register_handle(uv_timer_t *);
void start_registered(uv_loop_t *loop) {
  static uv_timer_t registered;
  uv_timer_init(loop, &registered);
  uv_timer_start(&registered, on_stats, 0, 100);
  register_handle(&registered);
}
