// Minimal stand-in for libuv's timer API (uv.h), with the real names and
// signatures, for the leak-untracked-timer tests.
#ifndef LEAKGUARD_TEST_INPUTS_UV_H
#define LEAKGUARD_TEST_INPUTS_UV_H

#include <cstdint>

extern "C" {
typedef struct uv_loop_s uv_loop_t;
typedef struct uv_handle_s uv_handle_t;
typedef struct uv_timer_s uv_timer_t;

typedef enum { UV_RUN_DEFAULT = 0, UV_RUN_ONCE, UV_RUN_NOWAIT } uv_run_mode;

typedef void (*uv_timer_cb)(uv_timer_t *handle);
typedef void (*uv_close_cb)(uv_handle_t *handle);
typedef void (*uv_walk_cb)(uv_handle_t *handle, void *arg);

struct uv_handle_s {
  void *data;
  uv_loop_t *loop;
};
struct uv_timer_s {
  void *data;
  uv_loop_t *loop;
  uint64_t timeout;
};

uv_loop_t *uv_default_loop(void);
int uv_run(uv_loop_t *, uv_run_mode mode);
int uv_loop_close(uv_loop_t *loop);
void uv_walk(uv_loop_t *loop, uv_walk_cb walk_cb, void *arg);
void uv_close(uv_handle_t *handle, uv_close_cb close_cb);

int uv_timer_init(uv_loop_t *, uv_timer_t *handle);
int uv_timer_start(uv_timer_t *handle, uv_timer_cb cb, uint64_t timeout,
                   uint64_t repeat);
int uv_timer_stop(uv_timer_t *handle);
int uv_timer_again(uv_timer_t *handle);
void uv_timer_set_repeat(uv_timer_t *handle, uint64_t repeat);
}

#endif
