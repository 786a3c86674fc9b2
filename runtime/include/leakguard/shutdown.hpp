// leakguard/shutdown.hpp - ordered, deadline-bounded process shutdown.
//
// What it is for
//   A long-running server owns things that must be closed before it exits:
//   connection singletons, timer registries, emitters, listening servers.
//   `shutdown_registry` collects one named step per such thing and, on
//   `shutdown_all(time_limit)`, runs the steps in reverse registration order
//   (higher `priority` first), gives each step its own time budget, logs each
//   step through a settable sink, and returns a `shutdown_report`. It never
//   waits past the time limit: a step that overruns its budget is reported as
//   `timed_out` and abandoned (see "Abandoned steps").
//   `process_shutdown_registry()` is the process-wide instance every
//   `leakguard::managed_singleton` registers in. `shutdown_signal_watcher`
//   runs it when SIGINT / SIGTERM arrive (POSIX only).
//
// Complexity
//   add / try_add: amortised O(1).   remove: O(n) in registered steps.
//   shutdown_all: O(n log n) to order the steps, plus one helper thread
//   started per step (tens of microseconds each).
//
// Thread-safety
//   Every member function may be called concurrently, except the destructor
//   and `reset_for_tests()`, which must not overlap with any other call. A
//   step may itself call add / try_add / remove. Concurrent `shutdown_all`
//   calls do not run a step twice: a call made while another is running
//   waits for it (within its own time limit), then runs whatever was
//   registered since.
//
// Abandoned steps
//   Each step runs on a helper thread while `shutdown_all` waits for it with
//   a deadline. C++ offers no safe way to stop a thread, so a step that
//   overruns is abandoned: its thread is detached and keeps running the step
//   to completion. The thread owns the step's callable and the shared state it
//   reports to, so it never touches the registry or the caller's stack, and
//   it blocks asynchronous signals so it never receives SIGINT / SIGTERM.
//   If the process exits first, the thread simply ends with it. The callable
//   must therefore not rely on objects the caller destroys once shutdown_all
//   returns. `abandoned_steps()` counts steps still running;
//   `wait_for_abandoned_steps(timeout)` gives them extra time.
//
// References / invalidation
//   Step ids stay valid until the step runs, is removed, or
//   `reset_for_tests()` is called. `shutdown_report` is a plain value.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#define LEAKGUARD_HAS_POSIX_SIGNALS 1
#include <pthread.h>
#include <signal.h>
#include <cerrno>
#include <cstdlib>
#else
#define LEAKGUARD_HAS_POSIX_SIGNALS 0
#endif

namespace leakguard {

/// How one shutdown step ended.
enum class shutdown_outcome {
  ok,         ///< returned normally within its budget
  threw,      ///< threw an exception (or its helper thread could not start)
  timed_out,  ///< still running when its budget ran out; abandoned
  skipped,    ///< not started: the overall time limit had already passed
};

/// "ok", "threw", "timed out", "skipped".
inline const char* to_string(shutdown_outcome outcome) noexcept {
  switch (outcome) {
    case shutdown_outcome::ok: return "ok";
    case shutdown_outcome::threw: return "threw";
    case shutdown_outcome::timed_out: return "timed out";
    case shutdown_outcome::skipped: return "skipped";
  }
  return "unknown";
}

/// Per-step settings given at registration.
struct shutdown_step_options {
  /// Steps with a higher priority run first; equal priorities run in reverse
  /// registration order.
  int priority = 0;
  /// Longest this step may run. The step never gets more than what is left
  /// of the overall time limit; set a budget to keep one slow step from
  /// using up the time of the steps after it.
  std::chrono::nanoseconds budget = std::chrono::nanoseconds::max();
};

/// What happened to one step.
struct shutdown_step_result {
  std::string name;
  int priority = 0;
  shutdown_outcome outcome = shutdown_outcome::skipped;
  /// Time from the step's start until it finished or was abandoned.
  std::chrono::nanoseconds duration{};
  /// The budget it was given (zero when skipped).
  std::chrono::nanoseconds budget{};
  /// The exception's what() when outcome is `threw`.
  std::string error;
};

/// What one `shutdown_all` call did, steps in the order they ran.
struct shutdown_report {
  std::vector<shutdown_step_result> steps;
  std::chrono::nanoseconds total{};
  /// True when another `shutdown_all` call was still running when this
  /// call's time limit ran out (this call then ran no step).
  bool another_call_still_running = false;

  /// True when every step ended `ok` and nothing was left running.
  bool ok() const noexcept {
    return !another_call_still_running &&
           std::all_of(steps.begin(), steps.end(), [](const shutdown_step_result& step) {
             return step.outcome == shutdown_outcome::ok;
           });
  }
  std::size_t count(shutdown_outcome outcome) const noexcept {
    return static_cast<std::size_t>(
        std::count_if(steps.begin(), steps.end(),
                      [outcome](const shutdown_step_result& step) { return step.outcome == outcome; }));
  }
};

namespace detail {

// Shared between a registry and the threads of its abandoned steps, so those
// threads can report completion even after the registry is gone.
struct abandoned_step_counter {
  std::mutex mutex;
  std::condition_variable all_finished;
  std::size_t running = 0;

  void one_finished() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      --running;
    }
    all_finished.notify_all();
  }
};

// Shared between shutdown_all and the helper thread running one step.
struct step_run {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  shutdown_outcome outcome = shutdown_outcome::ok;
  std::string error;
  std::shared_ptr<abandoned_step_counter> abandoned_counter;  // set on abandon

  void execute(std::function<void()>& step) noexcept {
    shutdown_outcome result = shutdown_outcome::ok;
    std::string message;
    try {
      step();
    } catch (const std::exception& e) {
      result = shutdown_outcome::threw;
      message = e.what();
    } catch (...) {
      result = shutdown_outcome::threw;
      message = "unknown exception";
    }
    // Whatever the step captured is released here, before "done", so an `ok`
    // step has fully finished its work (a captured object's destructor is
    // often the real close).
    try {
      step = nullptr;
    } catch (...) {
    }
    std::shared_ptr<abandoned_step_counter> counter;
    {
      std::lock_guard<std::mutex> lock(mutex);
      done = true;
      outcome = result;
      error = std::move(message);
      counter = abandoned_counter;
    }
    finished.notify_all();
    if (counter) counter->one_finished();
  }
};

inline std::string format_milliseconds(std::chrono::nanoseconds duration) {
  char text[48];
  std::snprintf(text, sizeof text, "%.3f ms",
                std::chrono::duration<double, std::milli>(duration).count());
  return text;
}

inline void write_to_stderr(std::string_view line) {
  std::fprintf(stderr, "leakguard: %.*s\n", static_cast<int>(line.size()), line.data());
}

// Starts `body` on a new thread that blocks asynchronous signals, so a
// process-directed SIGINT / SIGTERM is never delivered to a shutdown helper
// (least of all an abandoned one). Synchronous signals stay deliverable so a
// crash in a step still crashes visibly.
template <class Body>
std::thread start_thread_without_async_signals(Body&& body) {
#if LEAKGUARD_HAS_POSIX_SIGNALS
  sigset_t blocked;
  sigfillset(&blocked);
  for (int synchronous : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) {
    sigdelset(&blocked, synchronous);
  }
  sigset_t previous;
  pthread_sigmask(SIG_SETMASK, &blocked, &previous);
  struct restore_mask {
    sigset_t mask;
    ~restore_mask() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restore{previous};
  return std::thread(std::forward<Body>(body));
#else
  return std::thread(std::forward<Body>(body));
#endif
}

}  // namespace detail

/// Named shutdown steps, run in reverse registration order with a deadline.
class shutdown_registry {
 public:
  using step_id = std::uint64_t;
  /// Receives one line of text per event; called on the thread that runs
  /// shutdown_all, never on a helper thread.
  using log_sink = std::function<void(std::string_view line)>;

  /// Logs to stderr until `set_log_sink` says otherwise.
  shutdown_registry() : sink_(detail::write_to_stderr) {}
  shutdown_registry(const shutdown_registry&) = delete;
  shutdown_registry& operator=(const shutdown_registry&) = delete;
  /// Steps that never ran are destroyed without running; abandoned steps go
  /// on running on their own threads (see the header comment).
  ~shutdown_registry() = default;

  /// Registers `step` under `name`; returns an id for `remove`.
  step_id add(std::string name, std::function<void()> step, shutdown_step_options options = {}) {
    std::lock_guard<std::mutex> lock(mutex_);
    return add_locked(std::move(name), std::move(step), options);
  }
  step_id add(std::string name, std::function<void()> step, int priority) {
    shutdown_step_options options;
    options.priority = priority;
    return add(std::move(name), std::move(step), options);
  }

  /// As `add`, but refuses (returns nullopt) once a shutdown_all has begun:
  /// for things that must not come into existence during shutdown.
  std::optional<step_id> try_add(std::string name, std::function<void()> step,
                                 shutdown_step_options options = {}) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (started_) return std::nullopt;
    return add_locked(std::move(name), std::move(step), options);
  }

  /// Unregisters a step that has not started; false if it is unknown, has
  /// run, or is running.
  bool remove(step_id id) {
    std::function<void()> removed;  // destroyed outside the lock
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = std::find_if(steps_.begin(), steps_.end(),
                                [id](const registered_step& step) { return step.id == id; });
      if (found == steps_.end()) return false;
      removed = std::move(found->run);
      steps_.erase(found);
    }
    return true;
  }

  /// Number of steps waiting to run.
  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return steps_.size();
  }

  /// True once any shutdown_all has begun (until reset_for_tests).
  bool shutdown_started() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return started_;
  }

  /// Replaces the log sink; an empty function silences logging.
  void set_log_sink(log_sink sink) {
    std::lock_guard<std::mutex> lock(mutex_);
    sink_ = std::move(sink);
  }

  /// Runs every registered step and unregisters it; returns within about
  /// `time_limit` whatever the steps do. Safe to call again: later calls run
  /// only steps registered since.
  shutdown_report shutdown_all(std::chrono::nanoseconds time_limit);

  /// Steps abandoned by a timed-out shutdown_all that are still running.
  std::size_t abandoned_steps() const {
    std::lock_guard<std::mutex> lock(abandoned_->mutex);
    return abandoned_->running;
  }

  /// Waits up to `timeout` for abandoned steps to finish; true if none is
  /// left running.
  bool wait_for_abandoned_steps(std::chrono::nanoseconds timeout) const {
    std::unique_lock<std::mutex> lock(abandoned_->mutex);
    return abandoned_->all_finished.wait_for(lock, timeout,
                                             [this] { return abandoned_->running == 0; });
  }

  /// Drops every step without running it and forgets that shutdown started,
  /// so a test can use the registry (and `process_shutdown_registry()`)
  /// again. Must not overlap with any other call.
  void reset_for_tests() {
    std::vector<registered_step> dropped;
    std::lock_guard<std::mutex> lock(mutex_);
    dropped.swap(steps_);
    started_ = false;
  }

 private:
  struct registered_step {
    step_id id;
    std::string name;
    std::function<void()> run;
    shutdown_step_options options;
  };

  step_id add_locked(std::string name, std::function<void()> step, shutdown_step_options options) {
    const step_id id = next_id_++;
    steps_.push_back(registered_step{id, std::move(name), std::move(step), options});
    return id;
  }

  static shutdown_step_result run_step(registered_step& step, std::chrono::steady_clock::time_point deadline,
                                       const std::shared_ptr<detail::abandoned_step_counter>& abandoned);

  mutable std::mutex mutex_;
  std::condition_variable idle_;  // signalled when a shutdown_all finishes
  std::vector<registered_step> steps_;
  step_id next_id_ = 1;  // also the registration order
  bool started_ = false;
  bool running_ = false;
  log_sink sink_;
  std::shared_ptr<detail::abandoned_step_counter> abandoned_ =
      std::make_shared<detail::abandoned_step_counter>();
};

/// The process-wide registry. Never destroyed, so it can be used from any
/// thread until the process ends, including during static destruction.
inline shutdown_registry& process_shutdown_registry() {
  static shutdown_registry* const registry = new shutdown_registry();
  return *registry;
}

inline shutdown_step_result shutdown_registry::run_step(
    registered_step& step, std::chrono::steady_clock::time_point deadline,
    const std::shared_ptr<detail::abandoned_step_counter>& abandoned) {
  using clock = std::chrono::steady_clock;
  shutdown_step_result result;
  result.name = step.name;
  result.priority = step.options.priority;

  const clock::time_point start = clock::now();
  if (start >= deadline) {
    result.outcome = shutdown_outcome::skipped;
    return result;
  }
  result.budget = std::min<std::chrono::nanoseconds>(deadline - start, step.options.budget);
  if (result.budget <= std::chrono::nanoseconds::zero()) {
    result.outcome = shutdown_outcome::skipped;
    result.budget = {};
    return result;
  }

  auto run = std::make_shared<detail::step_run>();
  std::thread helper;
  try {
    helper = detail::start_thread_without_async_signals(
        [run, body = std::move(step.run)]() mutable { run->execute(body); });
  } catch (const std::exception& e) {
    result.outcome = shutdown_outcome::threw;
    result.error = std::string("not run: could not start a helper thread: ") + e.what();
    result.duration = clock::now() - start;
    return result;
  }

  std::unique_lock<std::mutex> lock(run->mutex);
  const bool finished = run->finished.wait_until(lock, start + result.budget, [&] { return run->done; });
  result.duration = clock::now() - start;
  if (finished) {
    result.outcome = run->outcome;
    result.error = run->error;
    lock.unlock();
    helper.join();
  } else {
    {
      std::lock_guard<std::mutex> counter_lock(abandoned->mutex);
      ++abandoned->running;
    }
    run->abandoned_counter = abandoned;
    lock.unlock();
    helper.detach();
    result.outcome = shutdown_outcome::timed_out;
  }
  return result;
}

inline shutdown_report shutdown_registry::shutdown_all(std::chrono::nanoseconds time_limit) {
  using clock = std::chrono::steady_clock;
  const clock::time_point start = clock::now();
  // Far enough for any real shutdown, near enough that adding it to now()
  // cannot overflow.
  constexpr std::chrono::nanoseconds longest_wait = std::chrono::hours(24 * 365);
  const clock::time_point deadline = start + std::min(time_limit, longest_wait);

  shutdown_report report;
  std::vector<registered_step> steps;
  log_sink sink;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    started_ = true;
    sink = sink_;
    if (!idle_.wait_until(lock, deadline, [this] { return !running_; })) {
      report.another_call_still_running = true;
    } else {
      running_ = true;
      steps.swap(steps_);
    }
  }
  auto log = [&sink](const std::string& line) {
    if (!sink) return;
    try {
      sink(line);
    } catch (...) {
      // A failing logger must not stop the shutdown.
    }
  };

  if (report.another_call_still_running) {
    report.total = clock::now() - start;
    log("shutdown: another shutdown_all is still running after " +
        detail::format_milliseconds(report.total) + "; giving up");
    return report;
  }

  struct mark_idle {
    shutdown_registry& registry;
    ~mark_idle() {
      {
        std::lock_guard<std::mutex> lock(registry.mutex_);
        registry.running_ = false;
      }
      registry.idle_.notify_all();
    }
  } idle_on_exit{*this};

  std::sort(steps.begin(), steps.end(), [](const registered_step& a, const registered_step& b) {
    if (a.options.priority != b.options.priority) return a.options.priority > b.options.priority;
    return a.id > b.id;
  });
  log("shutdown: starting " + std::to_string(steps.size()) + " step(s), time limit " +
      detail::format_milliseconds(std::min(time_limit, longest_wait)));

  report.steps.reserve(steps.size());
  for (registered_step& step : steps) {
    if (clock::now() < deadline) {
      log("shutdown: step '" + step.name + "' starting");
    }
    shutdown_step_result result = run_step(step, deadline, abandoned_);
    std::string line = "shutdown: step '" + step.name + "' " + to_string(result.outcome);
    switch (result.outcome) {
      case shutdown_outcome::ok:
        line += " in " + detail::format_milliseconds(result.duration);
        break;
      case shutdown_outcome::threw:
        line += " after " + detail::format_milliseconds(result.duration) + ": " + result.error;
        break;
      case shutdown_outcome::timed_out:
        line += " after " + detail::format_milliseconds(result.duration) + " (budget " +
                detail::format_milliseconds(result.budget) + "); abandoned, still running";
        break;
      case shutdown_outcome::skipped:
        line += ": time limit already passed";
        break;
    }
    log(line);
    report.steps.push_back(std::move(result));
  }

  report.total = clock::now() - start;
  log("shutdown: finished in " + detail::format_milliseconds(report.total) + ": " +
      std::to_string(report.count(shutdown_outcome::ok)) + " ok, " +
      std::to_string(report.count(shutdown_outcome::threw)) + " threw, " +
      std::to_string(report.count(shutdown_outcome::timed_out)) + " timed out, " +
      std::to_string(report.count(shutdown_outcome::skipped)) + " skipped");
  return report;
}

#if LEAKGUARD_HAS_POSIX_SIGNALS

/// Settings of a `shutdown_signal_watcher`.
struct signal_shutdown_options {
  /// Signals that trigger the shutdown.
  std::vector<int> signals{SIGINT, SIGTERM};
  /// Passed to shutdown_all.
  std::chrono::nanoseconds time_limit = std::chrono::seconds(5);
  /// Registry to shut down; nullptr means process_shutdown_registry().
  shutdown_registry* registry = nullptr;
  /// Called on the watcher thread after shutdown_all returns.
  std::function<void(int signal, const shutdown_report& report)> on_shutdown;
  /// After shutdown (and on_shutdown), end the process the way the signal
  /// would have by default (killed by that signal), without running static
  /// destructors. When false the watcher waits for the next signal and the
  /// program decides when to exit (e.g. from on_shutdown).
  bool exit_after_shutdown = true;
};

namespace detail {

struct signal_watcher_state {
  sigset_t signals;
  int wake_signal;
  signal_shutdown_options options;
  std::atomic<bool> stopping{false};

  void run() {
    for (;;) {
      int received = 0;
      if (sigwait(&signals, &received) != 0) return;  // only fails for an invalid set
      if (stopping.load(std::memory_order_acquire)) return;
      shutdown_registry& registry = options.registry ? *options.registry : process_shutdown_registry();
      const shutdown_report report = registry.shutdown_all(options.time_limit);
      if (options.on_shutdown) {
        try {
          options.on_shutdown(received, report);
        } catch (...) {
          // Nothing useful can be done with it on this thread.
        }
      }
      if (stopping.load(std::memory_order_acquire)) return;
      if (options.exit_after_shutdown) die_by(received);
    }
  }

  [[noreturn]] static void die_by(int received) {
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    sigaction(received, &default_action, nullptr);
    sigset_t only_this;
    sigemptyset(&only_this);
    sigaddset(&only_this, received);
    pthread_sigmask(SIG_UNBLOCK, &only_this, nullptr);
    raise(received);  // thread-directed: delivered here, now unblocked
    std::_Exit(128 + received);  // the signal's default action was not fatal
  }
};

}  // namespace detail

/// Runs a registry's shutdown_all when one of `options.signals` arrives.
///
/// How: the constructor blocks those signals in the calling thread and
/// starts a watcher thread that takes them with sigwait(). No code runs in
/// signal-handler context, so the shutdown steps may do anything (lock,
/// allocate, log). Threads inherit the blocked mask, so create the watcher
/// in main() before starting other threads; a thread that has the signals
/// unblocked may still receive them and die by their default action (or
/// run a handler the program installed).
///
/// stop() (also run by the destructor) wakes the watcher with a
/// thread-directed signal and joins it. If stop() runs on the thread that
/// created the watcher, that thread's previous signal mask is restored;
/// threads started meanwhile keep the signals blocked.
///
/// Create at most one watcher per signal at a time.
class shutdown_signal_watcher {
 public:
  explicit shutdown_signal_watcher(signal_shutdown_options options = {})
      : state_(std::make_shared<detail::signal_watcher_state>()) {
    if (options.signals.empty()) throw std::invalid_argument("shutdown_signal_watcher: no signals given");
    sigemptyset(&state_->signals);
    for (int signal_number : options.signals) {
      if (sigaddset(&state_->signals, signal_number) != 0) {
        throw std::invalid_argument("shutdown_signal_watcher: invalid signal " + std::to_string(signal_number));
      }
    }
    state_->wake_signal = options.signals.front();
    state_->options = std::move(options);
    if (const int error = pthread_sigmask(SIG_BLOCK, &state_->signals, &previous_mask_)) {
      throw std::system_error(error, std::generic_category(), "shutdown_signal_watcher: pthread_sigmask");
    }
    creator_ = std::this_thread::get_id();
    try {
      thread_ = std::thread([state = state_] { state->run(); });
    } catch (...) {
      pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
      throw;
    }
  }
  shutdown_signal_watcher(const shutdown_signal_watcher&) = delete;
  shutdown_signal_watcher& operator=(const shutdown_signal_watcher&) = delete;
  ~shutdown_signal_watcher() { stop(); }

  /// Stops watching; waits for a shutdown the watcher is running to finish.
  /// Idempotent. From on_shutdown (the watcher thread itself) it only asks
  /// the watcher to end after the callback returns.
  void stop() noexcept {
    if (!thread_.joinable()) return;
    state_->stopping.store(true, std::memory_order_release);
    if (std::this_thread::get_id() == thread_.get_id()) {
      thread_.detach();  // the thread owns its state; it ends after on_shutdown
      return;
    }
    pthread_kill(thread_.native_handle(), state_->wake_signal);
    thread_.join();
    if (std::this_thread::get_id() == creator_) {
      pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
    }
  }

 private:
  std::shared_ptr<detail::signal_watcher_state> state_;
  sigset_t previous_mask_{};
  std::thread::id creator_;
  std::thread thread_;
};

#endif  // LEAKGUARD_HAS_POSIX_SIGNALS

}  // namespace leakguard
