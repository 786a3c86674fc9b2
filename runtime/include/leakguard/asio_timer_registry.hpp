// leakguard/asio_timer_registry.hpp - timer_registry on your own io_context.
//
// What it is for
//   The same timers as leakguard/timer_registry.hpp (handles that cancel on
//   destruction, owners, cancel_all / close, active_count, cancel-and-wait),
//   but callbacks run on an asio executor you already have (an io_context, a
//   strand, any asio executor) instead of a thread of the registry's own.
//   It replaces the self-re-arming `steady_timer` whose handler captures
//   `shared_from_this()`; see docs/runtime/timer_registry.md.
//
//   `leakguard::asio_timer_registry`        - standalone asio (<asio.hpp>)
//   `leakguard::boost_asio_timer_registry`  - Boost.Asio (<boost/asio.hpp>)
//   Both are `basic_asio_timer_registry<Backend>` and derive from
//   `leakguard::timer_service`. Standalone asio and Boost.Asio cannot be
//   included in one translation unit (they define the same global names),
//   so a translation unit gets one of them:
//     standalone asio, if <asio/io_context.hpp> exists (the default);
//     Boost.Asio, if LEAKGUARD_ASIO_BOOST is defined to 1, or if standalone
//     asio is absent and Boost.Asio present.
//   The two classes have different names, so translation units that chose
//   differently can live in one program. After inclusion,
//   LEAKGUARD_ASIO_STANDALONE / LEAKGUARD_ASIO_BOOST (0 or 1) say which.
//
// Semantics (beyond timer_registry.hpp's, which all hold)
//   - The registry keeps one asio steady_timer armed for its earliest
//     deadline; due callbacks are posted to the executor, so with several
//     threads running the io_context different timers run in parallel, while
//     one periodic timer never overlaps itself. A strand serialises them all.
//   - Callbacks run only while something runs the io_context. A callback
//     posted but not yet run can still be cancelled: it will then not start.
//   - Destroy the registry before its io_context, as any asio I/O object.
//     Its destructor is close(); handlers it leaves queued in the io_context
//     hold no callbacks and do nothing when run or destroyed.
//
// Complexity
//   As timer_registry; plus one asio timer re-arm when the earliest deadline
//   changes, and one post per firing.
//
// Thread-safety
//   As timer_registry: any member from any thread, including from callbacks
//   and from threads running the io_context.
#pragma once

#include <leakguard/timer_registry.hpp>

#if defined(LEAKGUARD_ASIO_BOOST) && LEAKGUARD_ASIO_BOOST
#define LEAKGUARD_ASIO_STANDALONE 0
#elif __has_include(<asio/io_context.hpp>)
#define LEAKGUARD_ASIO_STANDALONE 1
#else
#define LEAKGUARD_ASIO_STANDALONE 0
#endif

#if !defined(LEAKGUARD_ASIO_BOOST)
#if !LEAKGUARD_ASIO_STANDALONE && __has_include(<boost/asio/io_context.hpp>)
#define LEAKGUARD_ASIO_BOOST 1
#else
#define LEAKGUARD_ASIO_BOOST 0
#endif
#endif

#if !LEAKGUARD_ASIO_STANDALONE && !LEAKGUARD_ASIO_BOOST
#error "leakguard/asio_timer_registry.hpp needs standalone asio (<asio.hpp>) or Boost.Asio (define LEAKGUARD_ASIO_BOOST=1)"
#endif

#if LEAKGUARD_ASIO_STANDALONE
#include <asio/any_io_executor.hpp>
#include <asio/basic_waitable_timer.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#endif
#if LEAKGUARD_ASIO_BOOST
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#endif

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace leakguard {
namespace detail {

// The few asio names the adapter needs, per asio flavour.
#if LEAKGUARD_ASIO_STANDALONE
struct standalone_asio_backend {
  using io_context = ::asio::io_context;
  using executor_type = ::asio::any_io_executor;
  using steady_timer = ::asio::basic_waitable_timer<
      timer_clock, ::asio::wait_traits<timer_clock>, executor_type>;
  template <class Handler>
  static void post(const executor_type& executor, Handler&& handler) {
    ::asio::post(executor, std::forward<Handler>(handler));
  }
};
#endif
#if LEAKGUARD_ASIO_BOOST
struct boost_asio_backend {
  using io_context = ::boost::asio::io_context;
  using executor_type = ::boost::asio::any_io_executor;
  using steady_timer = ::boost::asio::basic_waitable_timer<
      timer_clock, ::boost::asio::wait_traits<timer_clock>, executor_type>;
  template <class Handler>
  static void post(const executor_type& executor, Handler&& handler) {
    ::boost::asio::post(executor, std::forward<Handler>(handler));
  }
};
#endif

// Executor: one asio timer ("the alarm") armed for the earliest deadline.
// The alarm is touched only under the core's mutex, which serialises the
// calls asio requires serialised; asio never runs a handler inline from
// them, so holding the mutex cannot re-enter.
template <class Backend>
class asio_timer_core final : public timer_core {
 public:
  explicit asio_timer_core(const typename Backend::executor_type& executor)
      : executor_(executor), alarm_(std::in_place, executor) {}

  const typename Backend::executor_type& executor() const noexcept { return executor_; }

  // After close(): no alarm handler will touch the io_context's timer again.
  void shut_down() {
    std::lock_guard<std::mutex> lock(mutex_);
    alarm_.reset();  // cancels the pending wait
  }

 private:
  void earliest_deadline_changed(timer_clock::time_point deadline) override {
    if (!alarm_ || (armed_for_ && *armed_for_ <= deadline)) return;
    arm_locked(deadline);
  }

  void arm_locked(timer_clock::time_point deadline) {
    alarm_->expires_at(deadline);  // a superseded wait completes as stale
    armed_for_ = deadline;
    const std::uint64_t generation = ++alarm_generation_;
    alarm_->async_wait(
        [core = std::static_pointer_cast<asio_timer_core>(shared_from_this()),
         generation](const auto& /*error*/) { core->on_alarm(generation); });
  }

  // The error code does not matter: only the newest wait may act, and it is
  // aborted only by shut_down(), which empties `alarm_`.
  void on_alarm(std::uint64_t generation) {
    std::vector<std::shared_ptr<timer_entry>> due;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!alarm_ || generation != alarm_generation_) return;
      armed_for_.reset();
      const auto now = timer_clock::now();
      while (std::shared_ptr<timer_entry> entry = pop_due_locked(now)) {
        due.push_back(std::move(entry));
      }
      if (const auto earliest = earliest_deadline_locked()) arm_locked(*earliest);
    }
    const auto self = std::static_pointer_cast<asio_timer_core>(shared_from_this());
    for (std::shared_ptr<timer_entry>& entry : due) {
      Backend::post(executor_, [self, entry = std::move(entry)] { self->run(entry); });
    }
  }

  const typename Backend::executor_type executor_;
  std::optional<typename Backend::steady_timer> alarm_;
  std::optional<timer_clock::time_point> armed_for_;
  std::uint64_t alarm_generation_ = 0;
};

}  // namespace detail

template <class Backend>
class basic_asio_timer_registry final : public timer_service {
 public:
  using executor_type = typename Backend::executor_type;

  explicit basic_asio_timer_registry(typename Backend::io_context& context)
      : basic_asio_timer_registry(executor_type(context.get_executor())) {}
  explicit basic_asio_timer_registry(const executor_type& executor)
      : basic_asio_timer_registry(
            std::make_shared<detail::asio_timer_core<Backend>>(executor)) {}
  // close(): waits for callbacks running on other threads, unless called
  // from inside one of this registry's callbacks.
  ~basic_asio_timer_registry() {
    close();
    asio_core_->shut_down();
  }

  executor_type get_executor() const noexcept { return asio_core_->executor(); }

 private:
  explicit basic_asio_timer_registry(
      std::shared_ptr<detail::asio_timer_core<Backend>> core)
      : timer_service(core), asio_core_(std::move(core)) {}

  std::shared_ptr<detail::asio_timer_core<Backend>> asio_core_;
};

#if LEAKGUARD_ASIO_STANDALONE
using asio_timer_registry = basic_asio_timer_registry<detail::standalone_asio_backend>;
#endif
#if LEAKGUARD_ASIO_BOOST
using boost_asio_timer_registry = basic_asio_timer_registry<detail::boost_asio_backend>;
#endif

}  // namespace leakguard
