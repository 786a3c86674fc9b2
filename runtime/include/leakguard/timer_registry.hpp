// leakguard/timer_registry.hpp - timers that something can always cancel.
//
// What it is for
//   The C++ form of setTimeout / setInterval without the leak: every timer is
//   owned by a move-only `[[nodiscard]] timer_handle` that cancels it when
//   destroyed, so a timer cannot outlive the object that started it unless
//   someone calls `release()` on purpose. `set_timeout` / `set_interval` can
//   also take an owner (`std::weak_ptr`): once the owner is gone the timer
//   cancels itself, which replaces the "handler re-arms its timer and captures
//   shared_from_this()" cycle. For shutdown, `cancel_all()` and `close()`
//   stop everything and say how many timers were stopped; `active_count()`
//   feeds dashboards. The check `leak-untracked-timer` points here.
//
//   `timer_registry` runs callbacks on one scheduler thread of its own (a
//   time-ordered queue, interruptible waits, std::chrono::steady_clock).
//   `leakguard/asio_timer_registry.hpp` runs them on an asio io_context
//   instead. Both derive from `timer_service`, the scheduling interface;
//   code that takes a `timer_service&` works with either.
//
// Semantics
//   - Cancel-and-wait: when a handle's destructor, `reset()` or `cancel()`
//     returns, its callback is not running and will never start again, even
//     if the scheduler had already taken it off the queue. The same holds
//     for every timer `cancel_all()` / `close()` cancel and for the
//     registry's destructor. Exception: called from inside the timer's own
//     callback (directly, or from an owner destructor it triggers), cancel
//     returns at once and the callback simply is not repeated. Do not cancel
//     while holding a lock the callback takes: that deadlocks, as joining a
//     thread would.
//   - The callback object (and what it captured) is destroyed as soon as the
//     timer is cancelled or has fired for the last time, never under an
//     internal lock, so capture destructors may use the registry.
//   - Periodic callbacks never overlap: the next run is scheduled only after
//     the previous one returned. `interval_policy::fixed_rate` (default):
//     next deadline = previous deadline + period, so lateness never
//     accumulates; ticks missed because a callback or the scheduler ran late
//     are skipped, not bunched. `interval_policy::fixed_delay`: next
//     deadline = end of the callback + period.
//   - An owned timer locks its owner for the whole callback, so the owner is
//     alive while the callback runs; if the owner is gone at a due time the
//     timer retires without calling the callback.
//   - An exception escaping a callback goes to the exception handler
//     (`set_exception_handler`; default: one line on stderr); it never stops
//     the scheduler, and an interval keeps running.
//   - After `close()`, set_timeout / set_interval throw
//     `leakguard::timer_registry_closed` (a std::runtime_error).
//   - timer_registry runs every callback on its one thread: when it wakes
//     it takes everything due off the queue and runs it in deadline order,
//     so a slow callback delays the others. Use the asio adapter to run
//     them on a pool.
//
// Complexity (n = active timers in the registry)
//   set_timeout / set_interval: O(log n); one allocation for the timer and
//   its callback, plus two container nodes.
//   cancel / reset / handle destructor: O(log n), plus waiting for a running
//   callback. Each firing: O(log n). cancel_all / close: O(n).
//   active_count / closed: O(1).
//
// Thread-safety
//   Every member of timer_service, timer_registry and timer_handle may be
//   called from any thread, including from inside a callback; as with any
//   object, one timer_handle must not be used by two threads at once, and
//   nothing may use a registry while it is being destroyed. A handle may
//   outlive its registry: it then does nothing.
//
// References / invalidation
//   None are handed out. A handle refers to its timer until it is moved
//   from, reset, cancelled or released.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <iterator>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace leakguard {

using timer_clock = std::chrono::steady_clock;

enum class interval_policy {
  fixed_rate,   // next deadline = previous deadline + period (no drift)
  fixed_delay,  // next deadline = end of the callback + period
};

// Thrown by set_timeout / set_interval once the registry is closed.
class timer_registry_closed : public std::runtime_error {
 public:
  timer_registry_closed()
      : std::runtime_error(
            "leakguard: the timer registry is closed and accepts no new "
            "timers") {}
};

// Receives every exception that escapes a timer callback; runs on the thread
// that ran the callback.
using timer_exception_handler = std::function<void(std::exception_ptr)>;

namespace detail {
class timer_core;
class timer_entry;
}  // namespace detail

// Owns one timer. Destroying, reset() or cancel() cancels it and waits for a
// running callback (see "Cancel-and-wait" above); release() lets it run on.
class [[nodiscard]] timer_handle {
 public:
  timer_handle() noexcept = default;
  timer_handle(timer_handle&& other) noexcept = default;
  // Cancels the timer this handle held before taking over `other`'s.
  timer_handle& operator=(timer_handle&& other) noexcept;
  timer_handle(const timer_handle&) = delete;
  timer_handle& operator=(const timer_handle&) = delete;
  ~timer_handle() { reset(); }

  // Cancels the timer and empties the handle. Returns true if the timer was
  // still active (scheduled or running) and this call stopped it.
  bool cancel() noexcept;
  void reset() noexcept { static_cast<void>(cancel()); }
  // Detaches on purpose: the timer keeps running until it finishes, its
  // owner expires, or the registry cancels it. The handle becomes empty.
  void release() noexcept;
  // True while the timer is scheduled or running and not cancelled.
  bool active() const noexcept;
  // True if the handle holds a timer (it was not reset, moved from, ...).
  bool holds_timer() const noexcept { return entry_ != nullptr; }

 private:
  friend class timer_service;
  timer_handle(std::shared_ptr<detail::timer_core> core,
               std::shared_ptr<detail::timer_entry> entry) noexcept
      : core_(std::move(core)), entry_(std::move(entry)) {}

  std::shared_ptr<detail::timer_core> core_;
  std::shared_ptr<detail::timer_entry> entry_;
};

// The scheduling interface shared by timer_registry and the asio adapter.
class timer_service {
 public:
  timer_service(const timer_service&) = delete;
  timer_service& operator=(const timer_service&) = delete;

  // Calls `callback()` once, `delay` from now (a negative delay means now).
  template <class Rep, class Period, class Callback>
  [[nodiscard]] timer_handle set_timeout(std::chrono::duration<Rep, Period> delay,
                                         Callback&& callback);
  // As above; skipped if `owner` has expired by then. `callback` may take
  // `Owner&` to receive the (locked) owner instead of capturing `this`.
  // The timer holds its owner weakly, also when given a shared_ptr.
  template <class Rep, class Period, class Owner, class Callback>
  [[nodiscard]] timer_handle set_timeout(std::chrono::duration<Rep, Period> delay,
                                         std::weak_ptr<Owner> owner,
                                         Callback&& callback);
  template <class Rep, class Period, class Owner, class Callback>
  [[nodiscard]] timer_handle set_timeout(std::chrono::duration<Rep, Period> delay,
                                         const std::shared_ptr<Owner>& owner,
                                         Callback&& callback) {
    return set_timeout(delay, std::weak_ptr<Owner>(owner), std::forward<Callback>(callback));
  }

  // Calls `callback()` every `period` (> 0, else std::invalid_argument),
  // first `period` from now.
  template <class Rep, class Period, class Callback>
  [[nodiscard]] timer_handle set_interval(
      std::chrono::duration<Rep, Period> period, Callback&& callback,
      interval_policy policy = interval_policy::fixed_rate);
  // As above; cancels itself at the first due time after `owner` expired.
  template <class Rep, class Period, class Owner, class Callback>
  [[nodiscard]] timer_handle set_interval(
      std::chrono::duration<Rep, Period> period, std::weak_ptr<Owner> owner,
      Callback&& callback, interval_policy policy = interval_policy::fixed_rate);
  template <class Rep, class Period, class Owner, class Callback>
  [[nodiscard]] timer_handle set_interval(
      std::chrono::duration<Rep, Period> period, const std::shared_ptr<Owner>& owner,
      Callback&& callback, interval_policy policy = interval_policy::fixed_rate) {
    return set_interval(period, std::weak_ptr<Owner>(owner),
                        std::forward<Callback>(callback), policy);
  }

  // Cancels every active timer, waiting for running callbacks; returns how
  // many were cancelled. The registry stays open.
  std::size_t cancel_all();
  // Refuses new timers from now on, then cancels like cancel_all(), in one
  // step so that no timer slips in between. Idempotent.
  std::size_t close();
  bool closed() const;
  // Timers scheduled or running and not cancelled, released ones included.
  std::size_t active_count() const;
  // An empty handler restores the default (a line on stderr).
  void set_exception_handler(timer_exception_handler handler);

 protected:
  explicit timer_service(std::shared_ptr<detail::timer_core> core) noexcept
      : core_(std::move(core)) {}
  ~timer_service() = default;

 private:
  timer_handle schedule(std::shared_ptr<detail::timer_entry> entry,
                        timer_clock::duration delay);

  std::shared_ptr<detail::timer_core> core_;
};

namespace detail {
class thread_timer_core;
}

// The default executor: one scheduler thread per registry.
class timer_registry final : public timer_service {
 public:
  timer_registry();
  // close(), then stops the scheduler thread. Waits for a running callback
  // unless called from inside one (the thread then finishes on its own).
  ~timer_registry();

 private:
  explicit timer_registry(std::shared_ptr<detail::thread_timer_core> core);

  std::shared_ptr<detail::thread_timer_core> thread_core_;
  std::thread scheduler_;
};

// ---------------------------------------------------------------------------
namespace detail {

// Converts a user duration without overflow; never rounds towards earlier.
template <class Rep, class Period>
timer_clock::duration to_timer_duration(std::chrono::duration<Rep, Period> d) {
  using long_seconds = std::chrono::duration<long double>;
  // Half the range: no timer waits 146 years, and the margin keeps the
  // floating-point comparison from letting an overflowing value through.
  if (long_seconds(d) >= long_seconds(timer_clock::duration::max()) / 2) {
    return timer_clock::duration::max() / 2;
  }
  if (d <= d.zero()) return timer_clock::duration::zero();
  return std::chrono::ceil<timer_clock::duration>(d);
}

inline timer_clock::time_point saturating_add(timer_clock::time_point t,
                                              timer_clock::duration d) noexcept {
  const auto since_epoch = t.time_since_epoch();
  if (since_epoch.count() >= 0 &&
      d > timer_clock::time_point::max().time_since_epoch() - since_epoch) {
    return timer_clock::time_point::max();
  }
  return t + d;
}

// When a periodic timer whose last deadline was `previous_deadline` fires
// next, given that its callback finished at `now`.
inline timer_clock::time_point next_fire_time(
    timer_clock::time_point previous_deadline, timer_clock::duration period,
    interval_policy policy, timer_clock::time_point now) noexcept {
  if (policy == interval_policy::fixed_delay) return saturating_add(now, period);
  const auto late_by = now - previous_deadline;
  if (late_by <= period) return saturating_add(previous_deadline, period);
  // Skip the ticks already missed, staying on the original grid.
  const auto ticks = (late_by.count() + period.count() - 1) / period.count();
  if (ticks > timer_clock::duration::max().count() / period.count()) {
    return timer_clock::time_point::max();
  }
  return saturating_add(previous_deadline, period * ticks);
}

inline void print_timer_exception(std::exception_ptr error) noexcept {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "leakguard: a timer callback threw: %s\n", e.what());
  } catch (...) {
    std::fputs("leakguard: a timer callback threw a non-standard exception\n",
               stderr);
  }
}

using timer_queue = std::multimap<timer_clock::time_point, std::shared_ptr<timer_entry>>;
using timer_list = std::list<std::shared_ptr<timer_entry>>;

// One timer. Fields are guarded by the core's mutex; the callback itself is
// touched only by whoever the state machine makes its exclusive user: the
// thread running it, or the thread that retired it before it ran.
class timer_entry {
 public:
  enum class phase {
    queued,      // in the queue, waiting for its deadline
    dispatched,  // taken off the queue, about to run
    running,     // callback executing on `runner`
    finished,    // will never run again; callback destroyed or being destroyed
  };

  timer_entry(timer_clock::duration repeat_every, interval_policy repeat_policy) noexcept
      : period(repeat_every), policy(repeat_policy) {}
  timer_entry(const timer_entry&) = delete;
  timer_entry& operator=(const timer_entry&) = delete;
  virtual ~timer_entry() = default;

  // Runs the callback; false means the owner was gone and nothing ran.
  virtual bool invoke() = 0;
  virtual void destroy_callback() noexcept = 0;

  const timer_clock::duration period;  // zero for a timeout
  const interval_policy policy;
  timer_clock::time_point deadline;
  phase state = phase::queued;
  // No longer counted as active: cancelled, fired for the last time, or its
  // owner expired. A retired entry may still be running.
  bool retired = false;
  std::thread::id runner;
  timer_queue::iterator queue_position;
  timer_list::iterator active_position;
};

template <class Callback>
class plain_timer_entry final : public timer_entry {
 public:
  template <class F>
  plain_timer_entry(timer_clock::duration repeat_every, interval_policy repeat_policy,
                    F&& callback)
      : timer_entry(repeat_every, repeat_policy), callback_(std::in_place, std::forward<F>(callback)) {}

  bool invoke() override {
    std::invoke(*callback_);
    return true;
  }
  void destroy_callback() noexcept override { callback_.reset(); }

 private:
  std::optional<Callback> callback_;
};

template <class Owner, class Callback>
class owned_timer_entry final : public timer_entry {
 public:
  template <class F>
  owned_timer_entry(timer_clock::duration repeat_every, interval_policy repeat_policy,
                    std::weak_ptr<Owner> owner, F&& callback)
      : timer_entry(repeat_every, repeat_policy),
        owner_(std::move(owner)),
        callback_(std::in_place, std::forward<F>(callback)) {}

  bool invoke() override {
    // Held until the callback returns: the owner cannot die mid-callback.
    const std::shared_ptr<Owner> owner = owner_.lock();
    if (!owner) return false;
    if constexpr (std::is_invocable_v<Callback&, Owner&>) {
      std::invoke(*callback_, *owner);
    } else {
      std::invoke(*callback_);
    }
    return true;
  }
  void destroy_callback() noexcept override { callback_.reset(); }

 private:
  const std::weak_ptr<Owner> owner_;
  std::optional<Callback> callback_;
};

// The state machine shared by every executor: the deadline queue, the
// active list, cancel-and-wait, and running one dispatched entry.
// Executors take due entries off the queue and call run() for each.
class timer_core : public std::enable_shared_from_this<timer_core> {
 public:
  timer_core(const timer_core&) = delete;
  timer_core& operator=(const timer_core&) = delete;
  virtual ~timer_core() = default;

  void add(const std::shared_ptr<timer_entry>& entry, timer_clock::duration delay) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) throw timer_registry_closed();
    entry->deadline = saturating_add(timer_clock::now(), delay);
    entry->active_position = active_.insert(active_.end(), entry);
    try {
      enqueue_locked(entry);
    } catch (...) {
      active_.erase(entry->active_position);
      throw;
    }
  }

  bool cancel(const std::shared_ptr<timer_entry>& entry) {
    std::shared_ptr<timer_entry> callback_owner;
    bool was_active = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      was_active = retire_locked(*entry, callback_owner);
      if (is_running_elsewhere_locked(*entry)) {
        callback_finished_.wait(lock, [&] {
          return entry->state != timer_entry::phase::running;
        });
      }
    }
    if (callback_owner) callback_owner->destroy_callback();
    return was_active;
  }

  bool is_active(const timer_entry& entry) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return !entry.retired;
  }

  std::size_t cancel_all(bool and_close) {
    std::vector<std::shared_ptr<timer_entry>> callback_owners;
    std::vector<std::shared_ptr<timer_entry>> running_elsewhere;
    std::size_t cancelled = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (and_close) closed_ = true;
      callback_owners.reserve(active_.size());
      while (!active_.empty()) {
        const std::shared_ptr<timer_entry> entry = active_.front();
        std::shared_ptr<timer_entry> callback_owner;
        retire_locked(*entry, callback_owner);
        ++cancelled;
        if (callback_owner) callback_owners.push_back(std::move(callback_owner));
        if (is_running_elsewhere_locked(*entry)) running_elsewhere.push_back(entry);
      }
      callback_finished_.wait(lock, [&] {
        for (const auto& entry : running_elsewhere) {
          if (entry->state == timer_entry::phase::running) return false;
        }
        return true;
      });
    }
    for (const auto& entry : callback_owners) entry->destroy_callback();
    return cancelled;
  }

  bool closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
  }

  std::size_t active_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return active_.size();
  }

  void set_exception_handler(timer_exception_handler handler) {
    auto shared = handler ? std::make_shared<const timer_exception_handler>(std::move(handler))
                          : nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    exception_handler_ = std::move(shared);
  }

  // Runs a dispatched entry on the calling thread, unless it was cancelled
  // since it left the queue; re-queues a periodic one afterwards.
  void run(const std::shared_ptr<timer_entry>& entry) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (entry->state != timer_entry::phase::dispatched) return;
    entry->state = timer_entry::phase::running;
    entry->runner = std::this_thread::get_id();
    lock.unlock();

    bool owner_alive = true;
    try {
      owner_alive = entry->invoke();
    } catch (...) {
      report_exception(std::current_exception());
    }
    const auto finished_at = timer_clock::now();

    lock.lock();
    if (!entry->retired && owner_alive && entry->period > timer_clock::duration::zero()) {
      entry->deadline =
          next_fire_time(entry->deadline, entry->period, entry->policy, finished_at);
      entry->runner = std::thread::id();
      try {
        enqueue_locked(entry);
        return;
      } catch (...) {
        entry->state = timer_entry::phase::running;
        lock.unlock();
        report_exception(std::current_exception());
        lock.lock();
      }
    }
    if (!entry->retired) {
      entry->retired = true;
      active_.erase(entry->active_position);
    }
    lock.unlock();
    // Still `running`: cancellers wait until the captures are gone too.
    entry->destroy_callback();
    lock.lock();
    entry->state = timer_entry::phase::finished;
    entry->runner = std::thread::id();
    callback_finished_.notify_all();
  }

 protected:
  timer_core() = default;

  // The mutex is held. `deadline` is now the earliest in the queue.
  virtual void earliest_deadline_changed(timer_clock::time_point deadline) = 0;

  // The mutex is held. Takes the earliest entry off the queue if it is due.
  std::shared_ptr<timer_entry> pop_due_locked(timer_clock::time_point now) {
    if (queue_.empty() || queue_.begin()->first > now) return nullptr;
    std::shared_ptr<timer_entry> entry = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    entry->state = timer_entry::phase::dispatched;
    return entry;
  }

  std::optional<timer_clock::time_point> earliest_deadline_locked() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.begin()->first;
  }

  mutable std::mutex mutex_;

 private:
  void enqueue_locked(const std::shared_ptr<timer_entry>& entry) {
    // Equal deadlines keep their scheduling order: multimap inserts last.
    entry->queue_position = queue_.emplace(entry->deadline, entry);
    entry->state = timer_entry::phase::queued;
    if (entry->queue_position == queue_.begin()) {
      try {
        earliest_deadline_changed(entry->deadline);
      } catch (...) {
        queue_.erase(entry->queue_position);
        throw;
      }
    }
  }

  // Makes `entry` inactive. If nobody is running its callback, hands the
  // callback over to the caller (`callback_owner`) to destroy unlocked.
  bool retire_locked(timer_entry& entry, std::shared_ptr<timer_entry>& callback_owner) {
    if (entry.retired) return false;
    callback_owner = *entry.active_position;
    entry.retired = true;
    active_.erase(entry.active_position);
    switch (entry.state) {
      case timer_entry::phase::queued:
        queue_.erase(entry.queue_position);
        entry.state = timer_entry::phase::finished;
        break;
      case timer_entry::phase::dispatched:
        entry.state = timer_entry::phase::finished;  // run() will skip it
        break;
      case timer_entry::phase::running:
      case timer_entry::phase::finished:
        callback_owner.reset();  // the running thread destroys it
        break;
    }
    return true;
  }

  bool is_running_elsewhere_locked(const timer_entry& entry) const {
    return entry.state == timer_entry::phase::running &&
           entry.runner != std::this_thread::get_id();
  }

  void report_exception(std::exception_ptr error) noexcept {
    try {
      std::shared_ptr<const timer_exception_handler> handler;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        handler = exception_handler_;
      }
      if (handler) {
        (*handler)(error);
      } else {
        print_timer_exception(error);
      }
    } catch (...) {
      // A throwing handler must not take the scheduler down with it.
    }
  }

  timer_queue queue_;
  timer_list active_;
  std::condition_variable callback_finished_;
  bool closed_ = false;
  std::shared_ptr<const timer_exception_handler> exception_handler_;
};

// timer_registry's executor: one thread sleeping until the earliest deadline,
// then running everything due at that moment, in deadline order.
class thread_timer_core final : public timer_core {
 public:
  void run_scheduler() {
    std::vector<std::shared_ptr<timer_entry>> due;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      const auto earliest = earliest_deadline_locked();
      if (!earliest) {
        wake_.wait(lock);
        continue;
      }
      const auto now = timer_clock::now();
      if (now < *earliest) {
        wake_.wait_until(lock, *earliest);
        continue;
      }
      // A periodic timer re-queued during this batch waits for the next one,
      // so a timer that is always due cannot starve the others.
      while (std::shared_ptr<timer_entry> entry = pop_due_locked(now)) {
        due.push_back(std::move(entry));
      }
      lock.unlock();
      for (const std::shared_ptr<timer_entry>& entry : due) run(entry);
      due.clear();  // may drop the last references: done unlocked
      lock.lock();
    }
  }

  void stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }

 private:
  void earliest_deadline_changed(timer_clock::time_point) override { wake_.notify_one(); }

  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace detail

// ---------------------------------------------------------------------------
inline timer_handle& timer_handle::operator=(timer_handle&& other) noexcept {
  if (this != &other) {
    reset();
    core_ = std::move(other.core_);
    entry_ = std::move(other.entry_);
  }
  return *this;
}

inline bool timer_handle::cancel() noexcept {
  if (!entry_) return false;
  // Emptied first: the callback's destruction may reach this handle again.
  const std::shared_ptr<detail::timer_core> core = std::move(core_);
  const std::shared_ptr<detail::timer_entry> entry = std::move(entry_);
  return core->cancel(entry);
}

inline void timer_handle::release() noexcept {
  core_.reset();
  entry_.reset();
}

inline bool timer_handle::active() const noexcept {
  return entry_ != nullptr && core_->is_active(*entry_);
}

template <class Rep, class Period, class Callback>
timer_handle timer_service::set_timeout(std::chrono::duration<Rep, Period> delay,
                                        Callback&& callback) {
  using callback_type = std::decay_t<Callback>;
  static_assert(std::is_invocable_v<callback_type&>,
                "set_timeout: the callback must be callable with no arguments");
  return schedule(std::make_shared<detail::plain_timer_entry<callback_type>>(
                      timer_clock::duration::zero(), interval_policy::fixed_rate,
                      std::forward<Callback>(callback)),
                  detail::to_timer_duration(delay));
}

template <class Rep, class Period, class Owner, class Callback>
timer_handle timer_service::set_timeout(std::chrono::duration<Rep, Period> delay,
                                        std::weak_ptr<Owner> owner,
                                        Callback&& callback) {
  using callback_type = std::decay_t<Callback>;
  static_assert(std::is_invocable_v<callback_type&, Owner&> ||
                    std::is_invocable_v<callback_type&>,
                "set_timeout: the callback must be callable with Owner& or with "
                "no arguments");
  return schedule(std::make_shared<detail::owned_timer_entry<Owner, callback_type>>(
                      timer_clock::duration::zero(), interval_policy::fixed_rate,
                      std::move(owner), std::forward<Callback>(callback)),
                  detail::to_timer_duration(delay));
}

template <class Rep, class Period, class Callback>
timer_handle timer_service::set_interval(std::chrono::duration<Rep, Period> period,
                                         Callback&& callback, interval_policy policy) {
  using callback_type = std::decay_t<Callback>;
  static_assert(std::is_invocable_v<callback_type&>,
                "set_interval: the callback must be callable with no arguments");
  const auto tick = detail::to_timer_duration(period);
  if (tick <= timer_clock::duration::zero()) {
    throw std::invalid_argument("leakguard: set_interval needs a positive period");
  }
  return schedule(std::make_shared<detail::plain_timer_entry<callback_type>>(
                      tick, policy, std::forward<Callback>(callback)),
                  tick);
}

template <class Rep, class Period, class Owner, class Callback>
timer_handle timer_service::set_interval(std::chrono::duration<Rep, Period> period,
                                         std::weak_ptr<Owner> owner,
                                         Callback&& callback, interval_policy policy) {
  using callback_type = std::decay_t<Callback>;
  static_assert(std::is_invocable_v<callback_type&, Owner&> ||
                    std::is_invocable_v<callback_type&>,
                "set_interval: the callback must be callable with Owner& or with "
                "no arguments");
  const auto tick = detail::to_timer_duration(period);
  if (tick <= timer_clock::duration::zero()) {
    throw std::invalid_argument("leakguard: set_interval needs a positive period");
  }
  return schedule(std::make_shared<detail::owned_timer_entry<Owner, callback_type>>(
                      tick, policy, std::move(owner), std::forward<Callback>(callback)),
                  tick);
}

inline std::size_t timer_service::cancel_all() { return core_->cancel_all(false); }
inline std::size_t timer_service::close() { return core_->cancel_all(true); }
inline bool timer_service::closed() const { return core_->closed(); }
inline std::size_t timer_service::active_count() const { return core_->active_count(); }

inline void timer_service::set_exception_handler(timer_exception_handler handler) {
  core_->set_exception_handler(std::move(handler));
}

inline timer_handle timer_service::schedule(std::shared_ptr<detail::timer_entry> entry,
                                            timer_clock::duration delay) {
  core_->add(entry, delay);
  return timer_handle(core_, std::move(entry));
}

inline timer_registry::timer_registry()
    : timer_registry(std::make_shared<detail::thread_timer_core>()) {}

inline timer_registry::timer_registry(std::shared_ptr<detail::thread_timer_core> core)
    : timer_service(core), thread_core_(std::move(core)) {
  // The thread owns the core too, so it can finish safely when the registry
  // is destroyed from inside one of its own callbacks (see the destructor).
  scheduler_ = std::thread([core = thread_core_] { core->run_scheduler(); });
}

inline timer_registry::~timer_registry() {
  close();
  thread_core_->stop();
  if (scheduler_.get_id() == std::this_thread::get_id()) {
    scheduler_.detach();  // joining ourselves would deadlock
  } else {
    scheduler_.join();
  }
}

}  // namespace leakguard
