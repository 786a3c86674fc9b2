// leakguard/event_emitter.hpp - listeners that go away with their owner.
//
// What it is for
//   Replaces a `std::vector<std::function<void(T)>>` listener list, or a
//   signal whose `connect()` result is thrown away: `on()` / `once()` return
//   a move-only `[[nodiscard]] subscription` that removes the listener when
//   it is destroyed or reset(), so a listener (and everything it captured)
//   lives exactly as long as whoever subscribed keeps the handle.
//   `remove_all_listeners()` is the shutdown call, and a max-listeners
//   warning (Node's MaxListenersExceededWarning) is the runtime sign of the
//   leak the check `leak-listener-not-removed` finds statically.
//
//     event_emitter<Args...>                one signal, emit(args...)
//     event_bus<Key, Args...>               Node-style named events,
//                                           emit(key, args...)
//     thread_safe_event_emitter<Args...>    the same, callable from any
//     thread_safe_event_bus<Key, Args...>   thread (see Thread-safety)
//     subscription_set                      many subscriptions, one clear()
//
//   The first two are aliases of basic_event_emitter<Policy, Args...> and
//   basic_event_bus<Policy, Key, Args...> with `single_threaded_policy`
//   (no locks, no atomics beyond shared_ptr's); the thread_safe_ ones use
//   `thread_safe_policy` (one std::mutex per emitter).
//
// Semantics
//   - A listener is any callable invocable as `f(const Args&...)`, move-only
//     ones included; its result is ignored. Listeners run in the order they
//     were added. An empty std::function or null function pointer is refused
//     with std::invalid_argument.
//   - Eager removal: when a listener is removed (subscription reset /
//     destroyed, remove_all_listeners(), a once() listener firing, the
//     emitter's destructor), its callable is destroyed at once - or, if that
//     very listener is running, as soon as its running call returns. Never at
//     "the next emit". Callables are never destroyed under an internal lock,
//     so their destructors may use the emitter.
//   - Reentrancy: a listener may emit, add listeners, remove itself or
//     others, call remove_all_listeners(), even destroy the emitter. A
//     listener removed during an emit is not called later in that emit; one
//     added during an emit is first called by the next emit. A once()
//     listener is removed before it is called, so a nested emit does not
//     call it again.
//   - An exception escaping a listener propagates out of emit(); the
//     listeners after it are not called in that emit (Node does the same).
//   - max-listeners (Node's semantics): counted per event (per emitter for
//     event_emitter); default `default_max_listeners` (10), 0 = unlimited.
//     When an on()/once() brings the count above the limit, one
//     `max_listeners_warning` (emitter name, event, count, limit) goes to the
//     emitter's sink (set_warning_sink), else to the process-wide sink
//     (set_default_warning_sink), else one line on stderr. It fires once per
//     event and is re-armed only when that event has no listeners left. The
//     listener is added either way; if the sink throws, on() removes it
//     again and rethrows.
//   - A subscription may outlive its emitter: it holds a weak reference and
//     then does nothing. Moving an emitter moves its listeners; the
//     subscriptions follow. A moved-from emitter is empty and usable.
//   - An event_bus drops an event's entry as soon as its last listener goes,
//     so emitting or subscribing with ever-new keys does not grow it.
//   - thread_safe_ only - cancel-and-wait: when a subscription's reset() /
//     destructor, remove_all_listeners() or the emitter's destructor returns,
//     the listeners it removed will not be called again by any thread - not
//     even by an emit already in flight that had not reached them yet - and
//     none of them is still running on another thread: an emit in flight
//     that is running one of them is waited for, and its callable is already
//     destroyed. So a class may keep a subscription whose listener captures
//     `this`, and destroy it first thing in its destructor. Exception: called
//     from inside a listener of the same emitter (or a destructor such a call
//     triggers), removal does not wait - the listener is simply not called
//     again, and its callable goes when its running calls return. Do not
//     remove while holding a lock a listener takes: that deadlocks, as
//     joining a thread would.
//
// Complexity (n = listeners of the event concerned)
//   single-threaded: on / once: amortized O(1), one allocation (node plus
//     callable; for event_bus a map node when the event is new).
//     emit: O(n), no allocation. reset: O(n) (a vector erase), O(1) during an
//     emit of that event (compacted when the emit ends).
//   thread-safe: on / once and reset: O(n) under the mutex (the listener
//     list is copy-on-write: a new list is allocated; on also allocates the
//     node). emit: O(1) under the mutex to
//     take the current list, then two short lock acquisitions per listener;
//     no allocation. Listeners run without any lock held.
//   Both: remove_all_listeners O(total listeners), listener_count O(1),
//   event_names O(events). An event_bus lookup is one std::unordered_map
//   lookup (Key needs std::hash<Key> and ==).
//
// Thread-safety
//   single_threaded_policy: like a standard container - use one emitter, and
//   the subscriptions of its listeners, from one thread at a time.
//   thread_safe_policy: every member of the emitter and of its subscriptions
//   may be called from any thread, concurrently, and from inside listeners.
//   As with any object, one subscription (or subscription_set) object must
//   not be used by two threads at once, and nothing may use an emitter while
//   it is being destroyed or moved.
//   Either way, a listener runs on the thread that called emit().
//
// References / invalidation
//   None are handed out. A subscription refers to its listener until it is
//   moved from, reset or released; after the emitter is gone it is inert.
//   The bytes of a removed node (not its callable) are returned when the
//   last subscription to it goes.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace leakguard {

// Locking policies: the first template argument of basic_event_emitter and
// basic_event_bus. Only these two exist.
struct single_threaded_policy {};
struct thread_safe_policy {};

inline constexpr std::size_t default_max_listeners = 10;

// What a max-listeners sink receives (Node's MaxListenersExceededWarning).
struct max_listeners_warning {
  std::string emitter_name;      // as given to the emitter's constructor
  std::string event;             // the bus event, printed; "" for an emitter
  std::size_t listener_count = 0;  // listeners of that event now
  std::size_t max_listeners = 0;   // the limit it exceeds
  // One human-readable sentence, what the default sink prints.
  std::string message() const;
};

using max_listeners_warning_sink =
    std::function<void(const max_listeners_warning&)>;

// Sets the process-wide sink used by emitters without a sink of their own;
// returns the previous one. An empty sink restores the default (one line on
// stderr). Thread-safe. The sink runs on the thread that added the listener.
max_listeners_warning_sink set_default_warning_sink(
    max_listeners_warning_sink sink);

namespace detail {
class listener_handle;
struct subscription_access;
struct no_key {};
template <class Policy, class Key, class... Args>
class emitter_core;
}  // namespace detail

// Owns one listener. Destroying it, reset() or assigning over it removes the
// listener (waiting for a running call under thread_safe_policy, see
// "cancel-and-wait"); release() leaves it registered on purpose.
class [[nodiscard]] subscription {
 public:
  subscription() noexcept = default;
  subscription(subscription&& other) noexcept = default;
  // Removes the listener this subscription held before taking `other`'s.
  subscription& operator=(subscription&& other) noexcept;
  subscription(const subscription&) = delete;
  subscription& operator=(const subscription&) = delete;
  ~subscription() { reset(); }

  // Removes the listener (if still registered) and empties the handle.
  void reset() noexcept;
  // Leaves the listener registered for the emitter's whole life (or until
  // remove_all_listeners / a once() firing) and empties the handle. This is
  // the explicit form of discarding the handle; prefer keeping it.
  void release() noexcept { listener_.reset(); }
  // True while the listener is registered: not removed, not yet fired if it
  // was added with once(), and its emitter is alive.
  bool active() const noexcept;
  explicit operator bool() const noexcept { return active(); }

 private:
  friend struct detail::subscription_access;
  friend class subscription_set;
  explicit subscription(std::weak_ptr<detail::listener_handle> listener) noexcept
      : listener_(std::move(listener)) {}

  std::weak_ptr<detail::listener_handle> listener_;
};

// Holds the subscriptions of an object that subscribes to many things;
// clear() (or destruction) removes them all, newest first. Adding prunes
// subscriptions that already ended (fired once() listeners, dead emitters)
// from time to time, so a long-lived set does not grow without bound. Not
// thread-safe itself; the subscriptions in it may belong to any emitters.
class subscription_set {
 public:
  subscription_set() = default;
  subscription_set(subscription_set&& other) noexcept = default;
  // Clears this set before taking `other`'s subscriptions.
  subscription_set& operator=(subscription_set&& other) noexcept;
  subscription_set(const subscription_set&) = delete;
  subscription_set& operator=(const subscription_set&) = delete;
  ~subscription_set() { clear(); }

  // Amortized O(1). If storing throws, `s` is destroyed: its listener is
  // removed rather than leaked.
  void add(subscription s);
  subscription_set& operator+=(subscription s) {
    add(std::move(s));
    return *this;
  }
  // Removes every held listener, newest first. For shutdown.
  void clear() noexcept;
  // Drops the subscriptions whose listener is no longer registered; returns
  // how many. O(size()).
  std::size_t prune() noexcept;
  // Subscriptions held, including ended ones not pruned yet.
  std::size_t size() const noexcept { return subscriptions_.size(); }
  bool empty() const noexcept { return subscriptions_.empty(); }

 private:
  static constexpr std::size_t first_prune_at = 16;
  std::vector<subscription> subscriptions_;
  std::size_t prune_at_ = first_prune_at;
};

// One signal: every listener receives each emit(args...).
template <class Policy, class... Args>
class basic_event_emitter {
  using core_type = detail::emitter_core<Policy, void, Args...>;

 public:
  using policy_type = Policy;

  basic_event_emitter() : basic_event_emitter(std::string()) {}
  // `name` identifies the emitter in max-listeners warnings.
  explicit basic_event_emitter(std::string name)
      : core_(std::make_shared<core_type>(std::move(name))) {}
  basic_event_emitter(basic_event_emitter&& other) noexcept = default;
  // Removes this emitter's listeners, then takes over `other`'s.
  basic_event_emitter& operator=(basic_event_emitter&& other) noexcept {
    if (this != &other) {
      remove_all_listeners();
      core_ = std::move(other.core_);
    }
    return *this;
  }
  basic_event_emitter(const basic_event_emitter&) = delete;
  basic_event_emitter& operator=(const basic_event_emitter&) = delete;
  ~basic_event_emitter() { remove_all_listeners(); }

  template <class Listener>
  [[nodiscard]] subscription on(Listener&& listener) {
    return core().add(detail::no_key{}, std::forward<Listener>(listener),
                      /*once=*/false);
  }
  // Called at most once, by the next emit; removed before it is called.
  template <class Listener>
  [[nodiscard]] subscription once(Listener&& listener) {
    return core().add(detail::no_key{}, std::forward<Listener>(listener),
                      /*once=*/true);
  }
  // Calls every listener; true if at least one was called.
  bool emit(const Args&... args) {
    // A local owner keeps the state alive if a listener destroys *this.
    const std::shared_ptr<core_type> core = core_;
    return core ? core->emit(detail::no_key{}, args...) : false;
  }
  void remove_all_listeners() noexcept {
    // A local owner: a destroyed callable may destroy *this.
    if (const std::shared_ptr<core_type> core = core_) core->remove_all();
  }
  std::size_t listener_count() const noexcept {
    return core_ ? core_->listener_count(detail::no_key{}) : 0;
  }
  // 0 = unlimited. Takes effect at the next on() / once().
  void set_max_listeners(std::size_t limit) { core().set_max_listeners(limit); }
  std::size_t max_listeners() const noexcept {
    return core_ ? core_->max_listeners() : default_max_listeners;
  }
  // An empty sink restores the process-wide one.
  void set_warning_sink(max_listeners_warning_sink sink) {
    core().set_warning_sink(std::move(sink));
  }
  std::string_view name() const noexcept {
    return core_ ? std::string_view(core_->name()) : std::string_view();
  }

 private:
  core_type& core() {
    if (!core_) core_ = std::make_shared<core_type>(std::string());
    return *core_;
  }

  std::shared_ptr<core_type> core_;
};

// Named events: listeners subscribe to one Key; emit(key, args...) calls the
// listeners of that key. Key needs std::hash<Key> and operator==.
template <class Policy, class Key, class... Args>
class basic_event_bus {
  static_assert(!std::is_void_v<Key> && !std::is_reference_v<Key>,
                "basic_event_bus: Key must be an object type");
  static_assert(std::is_invocable_r_v<std::size_t, std::hash<Key>, const Key&>,
                "basic_event_bus: Key needs a std::hash<Key> specialization");
  using core_type = detail::emitter_core<Policy, Key, Args...>;

 public:
  using policy_type = Policy;
  using key_type = Key;

  basic_event_bus() : basic_event_bus(std::string()) {}
  explicit basic_event_bus(std::string name)
      : core_(std::make_shared<core_type>(std::move(name))) {}
  basic_event_bus(basic_event_bus&& other) noexcept = default;
  basic_event_bus& operator=(basic_event_bus&& other) noexcept {
    if (this != &other) {
      remove_all_listeners();
      core_ = std::move(other.core_);
    }
    return *this;
  }
  basic_event_bus(const basic_event_bus&) = delete;
  basic_event_bus& operator=(const basic_event_bus&) = delete;
  ~basic_event_bus() { remove_all_listeners(); }

  template <class Listener>
  [[nodiscard]] subscription on(const Key& event, Listener&& listener) {
    return core().add(event, std::forward<Listener>(listener), /*once=*/false);
  }
  template <class Listener>
  [[nodiscard]] subscription once(const Key& event, Listener&& listener) {
    return core().add(event, std::forward<Listener>(listener), /*once=*/true);
  }
  // Calls the listeners of `event`; true if at least one was called.
  bool emit(const Key& event, const Args&... args) {
    const std::shared_ptr<core_type> core = core_;
    return core ? core->emit(event, args...) : false;
  }
  void remove_all_listeners() noexcept {
    if (const std::shared_ptr<core_type> core = core_) core->remove_all();
  }
  void remove_all_listeners(const Key& event) noexcept {
    if (const std::shared_ptr<core_type> core = core_) core->remove_all(event);
  }
  std::size_t listener_count(const Key& event) const noexcept {
    return core_ ? core_->listener_count(event) : 0;
  }
  // The events that have listeners now, in no particular order.
  std::vector<Key> event_names() const {
    return core_ ? core_->event_names() : std::vector<Key>();
  }
  // Per event; 0 = unlimited.
  void set_max_listeners(std::size_t limit) { core().set_max_listeners(limit); }
  std::size_t max_listeners() const noexcept {
    return core_ ? core_->max_listeners() : default_max_listeners;
  }
  void set_warning_sink(max_listeners_warning_sink sink) {
    core().set_warning_sink(std::move(sink));
  }
  std::string_view name() const noexcept {
    return core_ ? std::string_view(core_->name()) : std::string_view();
  }

 private:
  core_type& core() {
    if (!core_) core_ = std::make_shared<core_type>(std::string());
    return *core_;
  }

  std::shared_ptr<core_type> core_;
};

template <class... Args>
using event_emitter = basic_event_emitter<single_threaded_policy, Args...>;
template <class... Args>
using thread_safe_event_emitter =
    basic_event_emitter<thread_safe_policy, Args...>;
template <class Key, class... Args>
using event_bus = basic_event_bus<single_threaded_policy, Key, Args...>;
template <class Key, class... Args>
using thread_safe_event_bus = basic_event_bus<thread_safe_policy, Key, Args...>;

// ---------------------------------------------------------------------------
// Implementation details.
namespace detail {

// What a subscription sees of its listener, whatever the emitter type.
class listener_handle {
 public:
  virtual ~listener_handle() = default;
  virtual void unsubscribe() noexcept = 0;
  virtual bool subscribed() const noexcept = 0;
};

struct subscription_access {
  static subscription make(std::weak_ptr<listener_handle> listener) noexcept {
    return subscription(std::move(listener));
  }
};

enum class callable_state : unsigned char { alive, destroying, destroyed };

// One registered listener. Its bookkeeping fields belong to the core (under
// its mutex for thread_safe_policy); the callable lives in the derived class
// so that it can be destroyed long before the node itself.
template <class Core, class KeyT, class... Args>
class listener_node : public listener_handle {
 public:
  listener_node(std::weak_ptr<Core> core, const KeyT& event_key, bool is_once)
      : key(event_key), once(is_once), core_(std::move(core)) {}

  void unsubscribe() noexcept final {
    if (const std::shared_ptr<Core> core = core_.lock()) core->remove(*this);
  }
  bool subscribed() const noexcept final {
    const std::shared_ptr<Core> core = core_.lock();
    return core && core->is_subscribed(*this);
  }
  virtual void invoke(const Args&... args) = 0;
  virtual void destroy_callable() noexcept = 0;

  const KeyT key;
  const bool once;
  bool removed = false;
  std::uint32_t running = 0;  // calls in progress: nested emits, other threads
  callable_state callable = callable_state::alive;  // thread_safe_policy only
  // Links nodes whose callables remove_all() still has to destroy
  // (single_threaded_policy only).
  std::shared_ptr<listener_node> next_buried;

 private:
  std::weak_ptr<Core> core_;
};

template <class Core, class KeyT, class Callable, class... Args>
class listener_node_impl final : public listener_node<Core, KeyT, Args...> {
 public:
  template <class Listener>
  listener_node_impl(std::weak_ptr<Core> core, const KeyT& event_key,
                     bool is_once, Listener&& listener)
      : listener_node<Core, KeyT, Args...>(std::move(core), event_key, is_once),
        callable_(std::in_place, std::forward<Listener>(listener)) {}

  void invoke(const Args&... args) override {
    static_cast<void>(std::invoke(*callable_, args...));
  }
  void destroy_callable() noexcept override { callable_.reset(); }

 private:
  std::optional<Callable> callable_;
};

template <class T>
struct is_std_function : std::false_type {};
template <class Signature>
struct is_std_function<std::function<Signature>> : std::true_type {};

// Creates the node, refusing listeners that would fail only at emit time.
template <class Node, class Core, class KeyT, class... Args, class Listener>
std::shared_ptr<Node> make_listener_node(std::weak_ptr<Core> core,
                                         const KeyT& key, bool once,
                                         Listener&& listener) {
  using callable_type = std::decay_t<Listener>;
  static_assert(std::is_constructible_v<callable_type, Listener&&>,
                "leakguard: the listener must be move- or copy-constructible");
  static_assert(std::is_invocable_v<callable_type&, const Args&...>,
                "leakguard: the listener must be callable with the emitter's "
                "arguments (as const Args&...)");
  if constexpr (std::is_pointer_v<callable_type> ||
                std::is_member_pointer_v<callable_type> ||
                is_std_function<callable_type>::value) {
    if (!listener) {
      throw std::invalid_argument("leakguard: cannot add an empty listener");
    }
  }
  return std::make_shared<
      listener_node_impl<Core, KeyT, callable_type, Args...>>(
      std::move(core), key, once, std::forward<Listener>(listener));
}

// --- max-listeners warnings -------------------------------------------------

template <class T, class = void>
struct is_streamable : std::false_type {};
template <class T>
struct is_streamable<T, std::void_t<decltype(std::declval<std::ostream&>()
                                             << std::declval<const T&>())>>
    : std::true_type {};

template <class Key>
std::string describe_event(const Key& key) {
  if constexpr (std::is_same_v<Key, no_key>) {
    return std::string();
  } else if constexpr (std::is_convertible_v<const Key&, std::string_view>) {
    return std::string(std::string_view(key));
  } else if constexpr (std::is_enum_v<Key>) {
    return std::to_string(
        static_cast<long long>(static_cast<std::underlying_type_t<Key>>(key)));
  } else if constexpr (std::is_arithmetic_v<Key>) {
    return std::to_string(key);
  } else if constexpr (is_streamable<Key>::value) {
    std::ostringstream text;
    text << key;
    return text.str();
  } else {
    return "(unprintable event key)";
  }
}

// Node's rule: warn when the count passes the limit, once per event.
template <class Key>
std::optional<max_listeners_warning> check_max_listeners(
    std::size_t listeners, std::size_t limit, bool& warned,
    const std::string& emitter_name, const Key& key) {
  if (limit == 0 || listeners <= limit || warned) return std::nullopt;
  warned = true;
  return max_listeners_warning{emitter_name, describe_event(key), listeners,
                               limit};
}

struct default_sink_slot {
  std::mutex mutex;
  max_listeners_warning_sink sink;
};

inline default_sink_slot& default_sink() {
  static default_sink_slot slot;
  return slot;
}

inline void deliver_warning(const max_listeners_warning& warning,
                            const max_listeners_warning_sink& own_sink) {
  if (own_sink) {
    own_sink(warning);
    return;
  }
  max_listeners_warning_sink fallback;
  {
    default_sink_slot& slot = default_sink();
    std::lock_guard<std::mutex> lock(slot.mutex);
    fallback = slot.sink;
  }
  if (fallback) {
    fallback(warning);
  } else {
    std::fprintf(stderr, "leakguard: warning: %s\n", warning.message().c_str());
  }
}

// --- per-event storage --------------------------------------------------------

// Maps an event key to its listener list; the no_key specialization is the
// single list of an event_emitter. An entry whose list is unused() (no live
// listeners, not being iterated) is erased, so keys never accumulate.
template <class KeyT, class List>
class event_lists {
 public:
  // The stored key stays valid (unordered_map nodes are stable) for as long
  // as the entry is not erased.
  std::pair<const KeyT*, List*> find_entry(const KeyT& key) noexcept {
    const auto it = map_.find(key);
    if (it == map_.end()) return {nullptr, nullptr};
    return {&it->first, &it->second};
  }
  List* find(const KeyT& key) noexcept { return find_entry(key).second; }
  const List* find(const KeyT& key) const noexcept {
    const auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  List& get_or_create(const KeyT& key) { return map_.try_emplace(key).first->second; }
  void erase_if_unused(const KeyT& key) noexcept {
    const auto it = map_.find(key);
    if (it != map_.end() && it->second.unused()) map_.erase(it);
  }
  void erase_all_unused() noexcept {
    for (auto it = map_.begin(); it != map_.end();) {
      it = it->second.unused() ? map_.erase(it) : std::next(it);
    }
  }
  template <class Visit>
  void for_each(Visit&& visit) {
    for (auto& entry : map_) visit(entry.second);
  }
  void swap(event_lists& other) noexcept { map_.swap(other.map_); }
  std::vector<KeyT> keys() const {
    std::vector<KeyT> keys;
    keys.reserve(map_.size());
    for (const auto& entry : map_) {
      if (entry.second.live > 0) keys.push_back(entry.first);
    }
    return keys;
  }

 private:
  std::unordered_map<KeyT, List> map_;
};

template <class List>
class event_lists<no_key, List> {
 public:
  std::pair<const no_key*, List*> find_entry(const no_key&) noexcept {
    return {&key_, &list_};
  }
  List* find(const no_key&) noexcept { return &list_; }
  const List* find(const no_key&) const noexcept { return &list_; }
  List& get_or_create(const no_key&) noexcept { return list_; }
  // Re-arms the warning, as erasing a bus entry does.
  void erase_if_unused(const no_key&) noexcept {
    if (list_.unused()) list_ = List();
  }
  void erase_all_unused() noexcept { erase_if_unused(no_key{}); }
  template <class Visit>
  void for_each(Visit&& visit) {
    visit(list_);
  }
  void swap(event_lists& other) noexcept { std::swap(list_, other.list_); }

 private:
  no_key key_;
  List list_;
};

// Marks the current thread as inside an emit of a given core, so that
// removal from a listener does not wait for itself (thread_safe_policy).
struct emit_frame {
  const void* core;
  const emit_frame* outer;
};
inline thread_local const emit_frame* innermost_emit_frame = nullptr;

class emit_scope {
 public:
  explicit emit_scope(const void* core) noexcept
      : frame_{core, innermost_emit_frame} {
    innermost_emit_frame = &frame_;
  }
  emit_scope(const emit_scope&) = delete;
  emit_scope& operator=(const emit_scope&) = delete;
  ~emit_scope() { innermost_emit_frame = frame_.outer; }

 private:
  emit_frame frame_;
};

inline bool is_emitting_on_this_thread(const void* core) noexcept {
  for (const emit_frame* frame = innermost_emit_frame; frame != nullptr;
       frame = frame->outer) {
    if (frame->core == core) return true;
  }
  return false;
}

template <class Policy, class Key, class... Args>
class emitter_core {
  static_assert(std::is_same_v<Policy, single_threaded_policy> ||
                    std::is_same_v<Policy, thread_safe_policy>,
                "leakguard: the policy must be single_threaded_policy or "
                "thread_safe_policy");
};

// --- single_threaded_policy ---------------------------------------------------
//
// Each event has a vector of nodes. An emit walks it by index up to the size
// it had when the emit began (so listeners added meanwhile wait for the next
// emit) and marks the list busy: removals meanwhile only flag the node
// ("tombstone"), and the last emit to finish compacts the vector. Node
// addresses are stable, so a running listener's node survives reallocation.
template <class Key, class... Args>
class emitter_core<single_threaded_policy, Key, Args...>
    : public std::enable_shared_from_this<
          emitter_core<single_threaded_policy, Key, Args...>> {
 public:
  using key_type = std::conditional_t<std::is_void_v<Key>, no_key, Key>;
  using node_type = listener_node<emitter_core, key_type, Args...>;

  explicit emitter_core(std::string name) : name_(std::move(name)) {}

  template <class Listener>
  subscription add(const key_type& key, Listener&& listener, bool once) {
    std::shared_ptr<node_type> node =
        make_listener_node<node_type, emitter_core, key_type, Args...>(
            this->weak_from_this(), key, once,
            std::forward<Listener>(listener));
    list_type& list = lists_.get_or_create(key);
    try {
      list.nodes.push_back(node);
    } catch (...) {
      lists_.erase_if_unused(key);
      throw;
    }
    ++list.live;
    const std::optional<max_listeners_warning> warning = check_max_listeners(
        list.live, max_listeners_, list.warned, name_, key);
    // Built before the sink runs: if the sink throws, it removes the node.
    subscription result = subscription_access::make(std::move(node));
    if (warning) {
      const max_listeners_warning_sink sink = sink_;  // the sink may destroy us
      deliver_warning(*warning, sink);
    }
    return result;
  }

  bool emit(const key_type& key, const Args&... args) {
    const auto [stored_key, list] = lists_.find_entry(key);
    if (list == nullptr || list->live == 0) return false;
    busy_scope busy(*this, *list, *stored_key);
    const std::size_t count = list->nodes.size();
    bool called = false;
    for (std::size_t i = 0; i < count; ++i) {
      node_type& node = *list->nodes[i];
      if (node.removed) continue;
      if (node.once) {
        node.removed = true;
        --list->live;
      }
      running_scope running(node);
      called = true;
      node.invoke(args...);
    }
    return called;
  }

  void remove(node_type& node) noexcept {
    if (node.removed) return;
    node.removed = true;
    // A node not yet removed is always in the current list of its key.
    list_type& list = *lists_.find(node.key);
    --list.live;
    if (list.busy == 0) {
      // The caller (a subscription) holds a reference: erasing is safe.
      const auto it =
          std::find_if(list.nodes.begin(), list.nodes.end(),
                       [&](const auto& held) { return held.get() == &node; });
      list.nodes.erase(it);
      lists_.erase_if_unused(node.key);
    }
    // The emitter is consistent again: the callable's destructor may use it.
    if (node.running == 0) node.destroy_callable();
  }

  // Nodes are first all flagged and chained (no user code runs), then their
  // callables are destroyed; destructors reentering the emitter then see a
  // consistent state, and listeners they add are kept.
  void remove_all() noexcept {
    std::shared_ptr<node_type> buried;
    lists_.for_each([&](list_type& list) { bury(list, buried); });
    lists_.erase_all_unused();
    destroy_buried(std::move(buried));
  }

  void remove_all(const key_type& key) noexcept {
    list_type* list = lists_.find(key);
    if (list == nullptr) return;
    std::shared_ptr<node_type> buried;
    bury(*list, buried);
    lists_.erase_if_unused(key);
    destroy_buried(std::move(buried));
  }

  bool is_subscribed(const node_type& node) const noexcept {
    return !node.removed;
  }
  std::size_t listener_count(const key_type& key) const noexcept {
    const list_type* list = lists_.find(key);
    return list == nullptr ? 0 : list->live;
  }
  std::vector<key_type> event_names() const { return lists_.keys(); }
  void set_max_listeners(std::size_t limit) noexcept { max_listeners_ = limit; }
  std::size_t max_listeners() const noexcept { return max_listeners_; }
  void set_warning_sink(max_listeners_warning_sink sink) noexcept {
    sink_ = std::move(sink);
  }
  const std::string& name() const noexcept { return name_; }

 private:
  struct list_type {
    std::vector<std::shared_ptr<node_type>> nodes;
    std::size_t live = 0;     // nodes not removed
    std::uint32_t busy = 0;   // emits / remove_all walking `nodes`
    bool warned = false;
    bool unused() const noexcept { return live == 0 && busy == 0; }
  };

  class busy_scope {
   public:
    busy_scope(emitter_core& core, list_type& list, const key_type& key) noexcept
        : core_(core), list_(list), key_(key) {
      ++list_.busy;
    }
    busy_scope(const busy_scope&) = delete;
    busy_scope& operator=(const busy_scope&) = delete;
    ~busy_scope() {
      if (--list_.busy != 0) return;
      // Removed nodes' callables are gone (or owned by a burial chain), so
      // dropping them here runs no user code.
      list_.nodes.erase(
          std::remove_if(list_.nodes.begin(), list_.nodes.end(),
                         [](const auto& node) { return node->removed; }),
          list_.nodes.end());
      core_.lists_.erase_if_unused(key_);
    }

   private:
    emitter_core& core_;
    list_type& list_;
    const key_type& key_;
  };

  class running_scope {
   public:
    explicit running_scope(node_type& node) noexcept : node_(node) {
      ++node_.running;
    }
    running_scope(const running_scope&) = delete;
    running_scope& operator=(const running_scope&) = delete;
    ~running_scope() {
      if (--node_.running == 0 && node_.removed) node_.destroy_callable();
    }

   private:
    node_type& node_;
  };

  static void bury(list_type& list, std::shared_ptr<node_type>& buried) noexcept {
    for (const std::shared_ptr<node_type>& node : list.nodes) {
      // Already-removed nodes were dealt with by whoever removed them.
      if (node->removed) continue;
      node->removed = true;
      node->next_buried = std::move(buried);
      buried = node;
    }
    list.live = 0;
    // A busy list keeps its tombstones until its emits finish.
    if (list.busy == 0) list.nodes.clear();
  }

  static void destroy_buried(std::shared_ptr<node_type> buried) noexcept {
    while (buried) {
      const std::shared_ptr<node_type> node = std::move(buried);
      buried = std::move(node->next_buried);
      if (node->running == 0) node->destroy_callable();
    }
  }

  std::string name_;
  std::size_t max_listeners_ = default_max_listeners;
  max_listeners_warning_sink sink_;
  event_lists<key_type, list_type> lists_;
};

// --- thread_safe_policy -------------------------------------------------------
//
// Each event's listener list is an immutable vector behind a shared_ptr
// (copy-on-write): an emit copies the pointer under the mutex and walks that
// snapshot without it, so on / reset never disturb a walk in progress. Each
// node's `removed`, `running` and `callable` fields are read and written
// under the mutex; removal waits on `callable_destroyed_`.
template <class Key, class... Args>
class emitter_core<thread_safe_policy, Key, Args...>
    : public std::enable_shared_from_this<
          emitter_core<thread_safe_policy, Key, Args...>> {
 public:
  using key_type = std::conditional_t<std::is_void_v<Key>, no_key, Key>;
  using node_type = listener_node<emitter_core, key_type, Args...>;

  explicit emitter_core(std::string name) : name_(std::move(name)) {}

  template <class Listener>
  subscription add(const key_type& key, Listener&& listener, bool once) {
    // The callable is moved in, and on failure destroyed, outside the lock.
    std::shared_ptr<node_type> node =
        make_listener_node<node_type, emitter_core, key_type, Args...>(
            this->weak_from_this(), key, once,
            std::forward<Listener>(listener));
    std::optional<max_listeners_warning> warning;
    max_listeners_warning_sink sink;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      list_type* existing = lists_.find(key);
      std::shared_ptr<node_vector> next = copy_live(existing, 1);
      next->push_back(node);
      list_type& list = existing != nullptr ? *existing : lists_.get_or_create(key);
      list.snapshot = std::move(next);
      ++list.live;
      warning = check_max_listeners(list.live, max_listeners_, list.warned,
                                    name_, key);
      if (warning) sink = sink_;
    }
    // Built before the sink runs: if the sink throws, it removes the node.
    subscription result = subscription_access::make(std::move(node));
    if (warning) deliver_warning(*warning, sink);
    return result;
  }

  bool emit(const key_type& key, const Args&... args) {
    std::shared_ptr<const node_vector> snapshot;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (const list_type* list = lists_.find(key)) snapshot = list->snapshot;
    }
    if (!snapshot) return false;
    const emit_scope scope(this);
    bool called = false;
    for (const std::shared_ptr<node_type>& node : *snapshot) {
      if (!claim(*node)) continue;
      running_scope running(*this, *node);
      called = true;
      node->invoke(args...);
    }
    return called;
  }

  void remove(node_type& node) noexcept {
    std::unique_lock<std::mutex> lock(mutex_);
    unlink_locked(node);
    settle_locked(lock, node);
  }

  void remove_all() noexcept {
    event_lists<key_type, list_type> taken;  // destroyed after the unlock
    std::unique_lock<std::mutex> lock(mutex_);
    lists_.swap(taken);
    // Flag every node before waiting for any, so that no emit starts one of
    // them while we wait for another.
    taken.for_each([](list_type& list) { mark_removed(list); });
    taken.for_each([&](list_type& list) { settle_all_locked(lock, list); });
  }

  void remove_all(const key_type& key) noexcept {
    list_type taken;
    std::unique_lock<std::mutex> lock(mutex_);
    list_type* list = lists_.find(key);
    if (list == nullptr) return;
    std::swap(taken, *list);
    lists_.erase_if_unused(key);
    mark_removed(taken);
    settle_all_locked(lock, taken);
  }

  bool is_subscribed(const node_type& node) const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    return !node.removed;
  }
  std::size_t listener_count(const key_type& key) const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    const list_type* list = lists_.find(key);
    return list == nullptr ? 0 : list->live;
  }
  std::vector<key_type> event_names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lists_.keys();
  }
  void set_max_listeners(std::size_t limit) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    max_listeners_ = limit;
  }
  std::size_t max_listeners() const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    return max_listeners_;
  }
  void set_warning_sink(max_listeners_warning_sink sink) noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      sink_.swap(sink);
    }
    // `sink` now holds the old one: user code, destroyed unlocked.
  }
  const std::string& name() const noexcept { return name_; }

 private:
  using node_vector = std::vector<std::shared_ptr<node_type>>;

  struct list_type {
    std::shared_ptr<const node_vector> snapshot;  // null when empty
    std::size_t live = 0;  // nodes not removed
    bool warned = false;
    bool unused() const noexcept { return live == 0; }
  };

  class running_scope {
   public:
    running_scope(emitter_core& core, node_type& node) noexcept
        : core_(core), node_(node) {}
    running_scope(const running_scope&) = delete;
    running_scope& operator=(const running_scope&) = delete;
    ~running_scope() { core_.finish(node_); }

   private:
    emitter_core& core_;
    node_type& node_;
  };

  // A new vector of the list's live nodes, with room for `extra` more.
  static std::shared_ptr<node_vector> copy_live(const list_type* list,
                                                std::size_t extra) {
    auto next = std::make_shared<node_vector>();
    next->reserve((list != nullptr ? list->live : 0) + extra);
    if (list != nullptr && list->snapshot) {
      for (const std::shared_ptr<node_type>& node : *list->snapshot) {
        if (!node->removed) next->push_back(node);
      }
    }
    return next;
  }

  // Under the lock: skips removed nodes; a once() node is removed before its
  // call, so that exactly one emit calls it.
  bool claim(node_type& node) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (node.removed) return false;
    if (node.once) unlink_locked(node);
    ++node.running;
    return true;
  }

  void finish(node_type& node) noexcept {
    std::unique_lock<std::mutex> lock(mutex_);
    --node.running;
    if (node.removed && node.running == 0 &&
        node.callable == callable_state::alive) {
      destroy_callable_locked(lock, node);
    }
  }

  // Takes the node out of its event's list. Every caller holds a reference
  // to the node, so dropping the list's reference destroys nothing.
  void unlink_locked(node_type& node) noexcept {
    if (node.removed) return;
    node.removed = true;
    // A node not yet removed is always in the current list of its key.
    list_type& list = *lists_.find(node.key);
    if (--list.live == 0) {
      lists_.erase_if_unused(node.key);
      return;
    }
    try {
      list.snapshot = copy_live(&list, 0);
    } catch (const std::bad_alloc&) {
      // The node stays in the vector as a tombstone (emits skip removed
      // nodes) until the next successful copy drops it.
    }
  }

  static void mark_removed(list_type& list) noexcept {
    if (list.snapshot) {
      for (const std::shared_ptr<node_type>& node : *list.snapshot) {
        node->removed = true;
      }
    }
    list.live = 0;
  }

  // Cancel-and-wait for one removed node: unless this thread is inside an
  // emit of this core (it could be waiting for itself), wait until no call
  // runs and nobody is destroying the callable; then destroy it if needed.
  void settle_locked(std::unique_lock<std::mutex>& lock,
                     node_type& node) noexcept {
    if (!is_emitting_on_this_thread(this)) {
      callable_destroyed_.wait(lock, [&] {
        return node.running == 0 &&
               node.callable != callable_state::destroying;
      });
    }
    if (node.running == 0 && node.callable == callable_state::alive) {
      destroy_callable_locked(lock, node);
    }
  }

  void settle_all_locked(std::unique_lock<std::mutex>& lock,
                         const list_type& list) noexcept {
    if (!list.snapshot) return;
    for (const std::shared_ptr<node_type>& node : *list.snapshot) {
      settle_locked(lock, *node);
    }
  }

  // Never under the lock: the destructor may use this emitter.
  void destroy_callable_locked(std::unique_lock<std::mutex>& lock,
                               node_type& node) noexcept {
    node.callable = callable_state::destroying;
    lock.unlock();
    node.destroy_callable();
    lock.lock();
    node.callable = callable_state::destroyed;
    callable_destroyed_.notify_all();
  }

  const std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable callable_destroyed_;
  std::size_t max_listeners_ = default_max_listeners;
  max_listeners_warning_sink sink_;
  event_lists<key_type, list_type> lists_;
};

}  // namespace detail

// --- out-of-line definitions ------------------------------------------------

inline std::string max_listeners_warning::message() const {
  std::string text = "possible listener leak: ";
  text += std::to_string(listener_count);
  text += " listeners";
  if (!event.empty()) text += " for event '" + event + "'";
  text += emitter_name.empty() ? std::string(" on an unnamed emitter")
                               : " on emitter '" + emitter_name + "'";
  text += " exceed max_listeners (" + std::to_string(max_listeners) + ")";
  text += "; keep each subscription and reset it when done, or raise the "
          "limit with set_max_listeners()";
  return text;
}

inline max_listeners_warning_sink set_default_warning_sink(
    max_listeners_warning_sink sink) {
  detail::default_sink_slot& slot = detail::default_sink();
  std::lock_guard<std::mutex> lock(slot.mutex);
  slot.sink.swap(sink);
  return sink;
}

inline subscription& subscription::operator=(subscription&& other) noexcept {
  if (this != &other) {
    reset();
    listener_ = std::move(other.listener_);
  }
  return *this;
}

inline void subscription::reset() noexcept {
  const std::shared_ptr<detail::listener_handle> listener = listener_.lock();
  listener_.reset();
  if (listener) listener->unsubscribe();
}

inline bool subscription::active() const noexcept {
  const std::shared_ptr<detail::listener_handle> listener = listener_.lock();
  return listener && listener->subscribed();
}

inline subscription_set& subscription_set::operator=(
    subscription_set&& other) noexcept {
  if (this != &other) {
    clear();
    subscriptions_ = std::move(other.subscriptions_);
    other.subscriptions_.clear();
    prune_at_ = std::exchange(other.prune_at_, first_prune_at);
  }
  return *this;
}

inline void subscription_set::add(subscription s) {
  if (subscriptions_.size() >= prune_at_) {
    prune();
    // Next sweep after the set doubles: amortized O(1) per add.
    prune_at_ = std::max(first_prune_at, 2 * subscriptions_.size());
  }
  subscriptions_.push_back(std::move(s));
}

inline void subscription_set::clear() noexcept {
  // Swapped out first: a destroyed callable may touch this set.
  std::vector<subscription> doomed;
  doomed.swap(subscriptions_);
  prune_at_ = first_prune_at;
  while (!doomed.empty()) doomed.pop_back();
}

inline std::size_t subscription_set::prune() noexcept {
  // Released rather than reset: resetting an ended subscription could wait
  // for its last (once) call still running on another thread.
  for (subscription& s : subscriptions_) {
    if (!s.active()) s.release();
  }
  const auto ended = std::remove_if(
      subscriptions_.begin(), subscriptions_.end(),
      [](const subscription& s) { return s.listener_.expired(); });
  const auto dropped =
      static_cast<std::size_t>(std::distance(ended, subscriptions_.end()));
  subscriptions_.erase(ended, subscriptions_.end());
  return dropped;
}

}  // namespace leakguard
