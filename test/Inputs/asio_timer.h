// Minimal stand-ins for the asio timer API (Boost.Asio and standalone asio),
// with the real names and signatures the leak-untracked-timer tests use.
#ifndef LEAKGUARD_TEST_INPUTS_ASIO_TIMER_H
#define LEAKGUARD_TEST_INPUTS_ASIO_TIMER_H

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <utility>

namespace boost {
namespace system {
class error_code {
public:
  explicit operator bool() const noexcept { return value_ != 0; }
  int value() const noexcept { return value_; }

private:
  int value_ = 0;
};
} // namespace system

namespace posix_time {
class ptime {};
class time_duration {};
inline time_duration seconds(long) { return {}; }
} // namespace posix_time

struct bind_t {
  template <class... Args> void operator()(Args &&...) const;
};
template <class F, class... A> bind_t bind(F, A...);
} // namespace boost

namespace boost {
namespace asio {
#include "asio_timer_decls.inc"
namespace placeholders {
inline constexpr int error = 0;
} // namespace placeholders
} // namespace asio
} // namespace boost

namespace asio {
class error_code {
public:
  explicit operator bool() const noexcept { return value_ != 0; }

private:
  int value_ = 0;
};
} // namespace asio
namespace asio {
#include "asio_timer_decls.inc"
} // namespace asio

#endif
