// RUN: %check_leakguard %s leak-untracked-timer %t

// Rule 4 of leak-untracked-timer, silent: a shutdown that walks the loop
// and closes every handle closes the timers too.

#include "Inputs/uv.h"

static uv_timer_t gc_timer;
static void on_gc(uv_timer_t *) {}

void start(uv_loop_t *loop) {
  uv_timer_init(loop, &gc_timer);
  uv_timer_start(&gc_timer, on_gc, 1000, 1000);
}

void shutdown(uv_loop_t *loop) {
  uv_walk(
      loop, [](uv_handle_t *handle, void *) { uv_close(handle, nullptr); },
      nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  uv_loop_close(loop);
}
