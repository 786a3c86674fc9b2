// leakguard/managed_singleton.hpp - a lazily created, explicitly shut down
// program-lifetime object (the replacement for connection globals).
//
// What it is for
//   `Client* g = new Client(args);` opens a connection during static
//   initialisation, in an order nobody controls, and never closes it;
//   `static Client c;` is destroyed at exit() while other threads may still
//   use it. `managed_singleton<Client>` instead
//     - creates the object on first use, with a factory, exactly once even
//       when many threads race to use it;
//     - is used like a pointer: `g->f()`, `(*g).f()`, `g.get()`;
//     - registers a step in a `shutdown_registry` (by default
//       `process_shutdown_registry()`) when the object is created, so
//       `shutdown_all` closes singletons in reverse creation order;
//     - on `shutdown()` calls `T::shutdown()`, else `T::close()`, else
//       `T::stop()` (the first that T has, callable without arguments), then
//       releases the object;
//     - is never destroyed implicitly: it has a constexpr constructor and a
//       trivial destructor, so a namespace-scope managed_singleton has no
//       dynamic initialisation and no exit-time destructor (as with
//       absl::NoDestructor). An object never shut down lives until the
//       process ends, still reachable, so leak checkers stay quiet.
//
//     leakguard::managed_singleton<Client> g{[] { return std::make_unique<Client>(args); }};
//     leakguard::managed_singleton<Client> h;   // std::make_unique<Client>()
//
//   A captureless factory returning exactly std::unique_ptr<T> keeps the
//   constructor constexpr (constant initialisation). Any other factory (a
//   lambda with captures, or returning std::unique_ptr<Derived>) must be
//   trivially copyable and at most four pointers in size, because the
//   singleton never runs a destructor; it makes the constructor non-constexpr.
//
// Errors
//   Using the object after shutdown throws `leakguard::singleton_shut_down`
//   (also when it was never created and shutdown began: no connection is
//   opened during shutdown). A factory that calls its own singleton throws
//   `singleton_recursive_creation` instead of deadlocking. Both derive from
//   `singleton_error` (a std::logic_error). A factory's exception propagates
//   to the caller and the next use tries again (as std::call_once does).
//
// Complexity
//   get / -> / *: one acquire load and one check once created; the first use
//   runs the factory plus O(1) registration. try_get: one mutex lock and a
//   shared_ptr copy. shutdown: O(steps in the registry) to unregister, plus
//   T's own close and destructor.
//
// Thread-safety
//   All members may be called concurrently except `reset_for_tests()`.
//   Threads waiting for another thread's factory block (no spinning).
//
// Lifetime of references
//   The pointer / reference from get(), -> and * is valid until shutdown()
//   (or the registry's step) releases the object: it does not keep it alive.
//   Code that may run concurrently with shutdown must use try_get(), whose
//   handle keeps the object alive (already closed, not yet destroyed) until
//   the handle is released; the last handle then destroys it.
//
// Storage
//   Meant for static storage duration (namespace scope, static members,
//   function-local statics). A managed_singleton with automatic or dynamic
//   storage (in a test) must be `reset_for_tests()` before it goes away, or
//   its small control block (and its object, if not shut down) leaks.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "leakguard/shutdown.hpp"

namespace leakguard {

/// Base of the errors a managed_singleton reports.
class singleton_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// The singleton was used after shutdown() (or after shutdown_all began,
/// when it had not been created yet).
class singleton_shut_down : public singleton_error {
 public:
  using singleton_error::singleton_error;
};

/// The singleton's factory used the singleton itself.
class singleton_recursive_creation : public singleton_error {
 public:
  using singleton_error::singleton_error;
};

/// Optional settings of a managed_singleton; all constant-initialisable.
struct singleton_options {
  /// Name of its shutdown step; nullptr means "managed_singleton<T>".
  const char* name = nullptr;
  /// Registry it registers in; nullptr means process_shutdown_registry().
  shutdown_registry* registry = nullptr;
  /// Priority of its shutdown step (higher runs first).
  int priority = 0;
  /// Time budget of its shutdown step (see shutdown_step_options).
  std::chrono::nanoseconds budget = std::chrono::nanoseconds::max();
};

namespace detail {

template <class T, class = void>
struct has_shutdown_member : std::false_type {};
template <class T>
struct has_shutdown_member<T, std::void_t<decltype(std::declval<T&>().shutdown())>> : std::true_type {};
template <class T, class = void>
struct has_close_member : std::false_type {};
template <class T>
struct has_close_member<T, std::void_t<decltype(std::declval<T&>().close())>> : std::true_type {};
template <class T, class = void>
struct has_stop_member : std::false_type {};
template <class T>
struct has_stop_member<T, std::void_t<decltype(std::declval<T&>().stop())>> : std::true_type {};

/// Calls the first of object.shutdown(), close(), stop() that T has.
template <class T>
void close_object(T& object) {
  if constexpr (has_shutdown_member<T>::value) {
    object.shutdown();
  } else if constexpr (has_close_member<T>::value) {
    object.close();
  } else if constexpr (has_stop_member<T>::value) {
    object.stop();
  }
}

template <class T>
std::unique_ptr<T> make_default() {
  static_assert(std::is_default_constructible_v<T>,
                "managed_singleton<T> without a factory needs a default-constructible T; "
                "pass a factory: managed_singleton<T> g{[] { return std::make_unique<T>(args); }}");
  return std::make_unique<T>();
}

/// "Client" for T = Client, from the compiler's function signature.
template <class T>
std::string type_name() {
#if defined(__clang__) || defined(__GNUC__)
  const std::string_view signature = __PRETTY_FUNCTION__;
  const std::size_t start = signature.find("T = ");
  if (start != std::string_view::npos) {
    const std::string_view rest = signature.substr(start + 4);
    return std::string(rest.substr(0, rest.find_first_of(";]")));
  }
#elif defined(_MSC_VER)
  const std::string_view signature = __FUNCSIG__;
  const std::size_t start = signature.find("type_name<");
  const std::size_t end = signature.rfind(">(void)");
  if (start != std::string_view::npos && end != std::string_view::npos && end > start + 10) {
    return std::string(signature.substr(start + 10, end - start - 10));
  }
#endif
  return "T";
}

/// Where threads wait for another thread's factory. One for all singletons:
/// creation is rare, and a shared one keeps managed_singleton trivially
/// destructible.
struct creation_parking {
  std::mutex mutex;
  std::condition_variable phase_changed;
};
inline creation_parking& singleton_creation_parking() {
  static creation_parking* const parking = new creation_parking();  // never destroyed
  return *parking;
}

inline const void* this_thread_marker() noexcept {
  static thread_local const char marker = 0;
  return &marker;
}

/// Owns the created object. Shared (by reference count) between the
/// singleton and its registry step, so neither can leave the other dangling.
template <class T>
class singleton_cell {
 public:
  explicit singleton_cell(std::unique_ptr<T> object) : raw_(object.get()), owner_(std::move(object)) {}

  T* get() const noexcept { return raw_.load(std::memory_order_acquire); }

  std::shared_ptr<T> pin() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return owner_;
  }

  /// Idempotent. New accesses fail from the moment it starts; the object is
  /// closed, then destroyed unless a try_get() handle still holds it.
  void close_and_release() {
    std::shared_ptr<T> closing;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!owner_) return;
      raw_.store(nullptr, std::memory_order_release);
      closing = std::move(owner_);
    }
    close_object(*closing);  // if it throws, `closing` is still released
  }

  void add_ref() noexcept { references_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (references_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  shutdown_registry* registry = nullptr;
  shutdown_registry::step_id step = 0;

 private:
  std::atomic<T*> raw_;
  mutable std::mutex mutex_;
  std::shared_ptr<T> owner_;
  std::atomic<long> references_{1};
};

/// Counted reference to a singleton_cell, held by the registry step.
template <class T>
class cell_reference {
 public:
  explicit cell_reference(singleton_cell<T>* cell) noexcept : cell_(cell) { cell_->add_ref(); }
  cell_reference(const cell_reference& other) noexcept : cell_(other.cell_) { cell_->add_ref(); }
  cell_reference& operator=(const cell_reference&) = delete;
  ~cell_reference() { cell_->release(); }
  singleton_cell<T>* operator->() const noexcept { return cell_; }

 private:
  singleton_cell<T>* cell_;
};

}  // namespace detail

/// A lazily created, explicitly shut down program-lifetime T.
template <class T>
class managed_singleton {
  static_assert(std::is_object_v<T> && !std::is_array_v<T>,
                "managed_singleton<T> needs a non-array object type");

  // The inline factory storage; see the generic constructor.
  static constexpr std::size_t factory_capacity = 4 * sizeof(void*);

  template <class Factory>
  static constexpr bool is_generic_factory =
      !std::is_convertible_v<Factory, std::unique_ptr<T> (*)()> &&
      !std::is_same_v<std::decay_t<Factory>, singleton_options> &&
      !std::is_same_v<std::decay_t<Factory>, managed_singleton> &&
      std::is_invocable_r_v<std::unique_ptr<T>, const Factory&>;

 public:
  using element_type = T;
  using factory_function = std::unique_ptr<T>();
  /// Keeps the object alive (not open) while held; empty after shutdown.
  using handle = std::shared_ptr<T>;

  /// Creates the object with std::make_unique<T>() on first use.
  constexpr managed_singleton() noexcept : managed_singleton(&detail::make_default<T>) {}
  constexpr explicit managed_singleton(singleton_options options) noexcept
      : managed_singleton(&detail::make_default<T>, options) {}

  /// Creates the object with `factory()` on first use. Constant-initialises
  /// a global when `factory` is a captureless lambda returning exactly
  /// std::unique_ptr<T> (or a function of that type).
  constexpr explicit managed_singleton(factory_function* factory, singleton_options options = {}) noexcept
      : plain_factory_(factory), options_(options) {}

  /// Any other factory returning something convertible to std::unique_ptr<T>.
  /// Stored inline, never destroyed: it must be trivially copyable and small.
  template <class Factory, class = std::enable_if_t<is_generic_factory<Factory>>>
  explicit managed_singleton(Factory factory, singleton_options options = {}) noexcept
      : erased_invoke_(&invoke_stored<Factory>), options_(options) {
    static_assert(std::is_trivially_copyable_v<Factory> && std::is_trivially_destructible_v<Factory>,
                  "managed_singleton: the factory must be trivially copyable (capture by reference or "
                  "pointer), because a managed_singleton never runs a destructor");
    static_assert(sizeof(Factory) <= factory_capacity && alignof(Factory) <= alignof(std::max_align_t),
                  "managed_singleton: the factory captures too much; capture one pointer or reference");
    ::new (static_cast<void*>(factory_storage_)) Factory(factory);
  }

  managed_singleton(const managed_singleton&) = delete;
  managed_singleton& operator=(const managed_singleton&) = delete;
  // The destructor is trivial on purpose: see "Storage" above.

  /// The object, created on first use. Throws singleton_shut_down after
  /// shutdown; lets the factory's exceptions through.
  T* get() const {
    if (detail::singleton_cell<T>* cell = cell_.load(std::memory_order_acquire)) {
      if (T* object = cell->get()) return object;
      throw_shut_down();
    }
    detail::singleton_cell<T>* cell = ensure_created();
    T* object = cell ? cell->get() : nullptr;
    if (!object) throw_shut_down();
    return object;
  }
  T* operator->() const { return get(); }
  T& operator*() const { return *get(); }

  /// The object, created on first use, as a handle that keeps it alive; an
  /// empty handle after shutdown. Lets the factory's exceptions through.
  handle try_get() const {
    detail::singleton_cell<T>* cell = cell_.load(std::memory_order_acquire);
    if (!cell) cell = ensure_created();
    return cell ? cell->pin() : handle();
  }

  /// True when the object exists and has not been shut down.
  bool is_live() const noexcept {
    const detail::singleton_cell<T>* cell = cell_.load(std::memory_order_acquire);
    return cell && cell->get();
  }

  /// True after shutdown() or the registry's step ran (or, never created,
  /// after use was refused because shutdown had begun).
  bool is_shut_down() const noexcept {
    if (phase_.load(std::memory_order_acquire) == phase_shut_down) return true;
    const detail::singleton_cell<T>* cell = cell_.load(std::memory_order_acquire);
    return cell && !cell->get();
  }

  /// Closes and releases the object (see the header comment) and removes
  /// its registry step. Never created: later use throws. Idempotent; a
  /// concurrent second call may return before the first finished closing.
  /// Lets T's close exception through (the object is released anyway).
  void shutdown() {
    for (;;) {
      unsigned char phase = phase_.load(std::memory_order_acquire);
      switch (phase) {
        case phase_empty:
          if (phase_.compare_exchange_strong(phase, phase_shut_down, std::memory_order_acq_rel)) return;
          continue;
        case phase_creating:
          wait_for_creation();
          continue;
        case phase_created: {
          detail::singleton_cell<T>* cell = cell_.load(std::memory_order_acquire);
          cell->registry->remove(cell->step);
          cell->close_and_release();
          return;
        }
        default:  // phase_shut_down
          return;
      }
    }
  }

  /// Shuts down (if needed) and returns to the never-created state, so the
  /// next use runs the factory again. For tests only: must not overlap with
  /// any other use of this singleton. Lets T's close exception through
  /// after resetting.
  void reset_for_tests() {
    std::exception_ptr close_error;
    try {
      shutdown();
    } catch (...) {
      close_error = std::current_exception();
    }
    if (detail::singleton_cell<T>* cell = cell_.exchange(nullptr, std::memory_order_acq_rel)) cell->release();
    phase_.store(phase_empty, std::memory_order_release);
    if (close_error) std::rethrow_exception(close_error);
  }

 private:
  enum : unsigned char { phase_empty, phase_creating, phase_created, phase_shut_down };

  template <class Factory>
  static std::unique_ptr<T> invoke_stored(const void* storage) {
    return (*std::launder(static_cast<const Factory*>(storage)))();
  }

  shutdown_registry& registry() const {
    return options_.registry ? *options_.registry : process_shutdown_registry();
  }

  std::string step_name() const {
    return options_.name ? std::string(options_.name) : "managed_singleton<" + detail::type_name<T>() + ">";
  }

  [[noreturn]] void throw_shut_down() const {
    throw singleton_shut_down("leakguard: " + step_name() + " used after shutdown");
  }

  // Waits until the thread running the factory finishes.
  void wait_for_creation() const {
    if (creating_thread_.load(std::memory_order_relaxed) == detail::this_thread_marker()) {
      throw singleton_recursive_creation("leakguard: the factory of " + step_name() + " uses " +
                                         step_name() + " itself");
    }
    detail::creation_parking& parking = detail::singleton_creation_parking();
    std::unique_lock<std::mutex> lock(parking.mutex);
    parking.phase_changed.wait(lock,
                               [this] { return phase_.load(std::memory_order_acquire) != phase_creating; });
  }

  void finish_creation(unsigned char phase) const {
    creating_thread_.store(nullptr, std::memory_order_relaxed);
    phase_.store(phase, std::memory_order_release);
    detail::creation_parking& parking = detail::singleton_creation_parking();
    // Taking the lock orders this store before a waiter's predicate check,
    // so no waiter sleeps through the notification.
    { std::lock_guard<std::mutex> lock(parking.mutex); }
    parking.phase_changed.notify_all();
  }

  // The cell once created; nullptr when shut down before creation.
  detail::singleton_cell<T>* ensure_created() const {
    for (;;) {
      unsigned char phase = phase_.load(std::memory_order_acquire);
      switch (phase) {
        case phase_created:
          return cell_.load(std::memory_order_acquire);
        case phase_shut_down:
          return nullptr;
        case phase_creating:
          wait_for_creation();
          continue;
        default:  // phase_empty
          if (phase_.compare_exchange_strong(phase, phase_creating, std::memory_order_acq_rel)) {
            creating_thread_.store(detail::this_thread_marker(), std::memory_order_relaxed);
            return create();
          }
          continue;
      }
    }
  }

  detail::singleton_cell<T>* create() const {
    shutdown_registry& target = registry();
    if (target.shutdown_started()) {
      finish_creation(phase_shut_down);
      return nullptr;
    }
    detail::singleton_cell<T>* cell = nullptr;
    try {
      std::unique_ptr<T> object = plain_factory_ ? plain_factory_() : erased_invoke_(factory_storage_);
      if (!object) throw singleton_error("leakguard: the factory of " + step_name() + " returned null");
      cell = new detail::singleton_cell<T>(std::move(object));
      cell->registry = &target;
      shutdown_step_options step_options;
      step_options.priority = options_.priority;
      step_options.budget = options_.budget;
      const detail::cell_reference<T> step_reference(cell);
      const std::optional<shutdown_registry::step_id> step =
          target.try_add(step_name(), [step_reference] { step_reference->close_and_release(); }, step_options);
      if (!step) {
        // Shutdown began while the factory ran: this object must not outlive it.
        try {
          cell->close_and_release();
        } catch (...) {
        }
        cell->release();
        finish_creation(phase_shut_down);
        return nullptr;
      }
      cell->step = *step;
    } catch (...) {
      if (cell) {
        // The object exists but could not be registered: close it here.
        try {
          cell->close_and_release();
        } catch (...) {
        }
        cell->release();
      }
      finish_creation(phase_empty);
      throw;
    }
    cell_.store(cell, std::memory_order_release);
    finish_creation(phase_created);
    return cell;
  }

  factory_function* plain_factory_ = nullptr;
  std::unique_ptr<T> (*erased_invoke_)(const void*) = nullptr;
  alignas(std::max_align_t) unsigned char factory_storage_[factory_capacity] = {};
  singleton_options options_;
  // Mutable: creation on first use happens behind const, pointer-like access.
  mutable std::atomic<detail::singleton_cell<T>*> cell_{nullptr};
  mutable std::atomic<unsigned char> phase_{phase_empty};
  mutable std::atomic<const void*> creating_thread_{nullptr};
};

}  // namespace leakguard
