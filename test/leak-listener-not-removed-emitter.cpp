// RUN: %check_leakguard %s leak-listener-not-removed %t -- -- -I%runtime_include

// Rule 1: a class that keeps listeners and has shutdown-like methods, none
// of which removes them. The fix-it inserts the removal at the top of the
// best-matching shutdown method.

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>
#include "Inputs/boost_signals2.h"
#include "Inputs/sigslot.h"
#include <leakguard/event_emitter.hpp>

// ---- Listener storage that shutdown leaves alone: each one is a finding. --

// The incident's shape: a map event -> callbacks, a stop() that only flips
// a flag.
class EventHub {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'EventHub' keeps its listeners after shutdown: 'stop' does not remove 'handlers_' [leak-listener-not-removed]
  std::map<std::string, std::vector<std::function<void(int)>>> handlers_;
  bool running_ = true;

public:
  void on(const std::string &Event, std::function<void(int)> Fn) {
    handlers_[Event].push_back(std::move(Fn));
  }
  void emit(const std::string &Event, int Value) {
    for (auto &Fn : handlers_[Event])
      Fn(Value);
  }
  void stop() {
    // Stop accepting events.
    running_ = false;
  }
  // CHECK-FIXES: {{^}}  void stop() {{{$}}
  // CHECK-FIXES-NEXT: {{^}}    handlers_.clear();{{$}}
  // CHECK-FIXES-NEXT: {{^}}    // Stop accepting events.{{$}}
};

// Several shutdown-like methods: the fix goes into the best match
// (ShutdownMethods order: shutdown before close).
class Dashboard {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Dashboard' keeps its listeners after shutdown: none of 'shutdown' and 'close' removes 'callbacks_' [leak-listener-not-removed]
  std::vector<std::function<void()>> callbacks_;
  int clients_ = 0;

public:
  void addListener(std::function<void()> Fn) { callbacks_.emplace_back(Fn); }
  void close() { clients_ = 0; }
  void shutdown() { close(); }
  // CHECK-FIXES: {{^}}  void shutdown() { callbacks_.clear(); close(); }{{$}}
};

// Function pointers, and an id next to each callback.
class Registry {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Registry' keeps its listeners after shutdown: 'dispose' does not remove 'plain_' and 'tagged_' [leak-listener-not-removed]
  std::vector<void (*)(int)> plain_;
  std::vector<std::pair<int, std::function<void()>>> tagged_;
  int next_ = 0;

public:
  void add(void (*Fn)(int)) { plain_.push_back(Fn); }
  int add(std::function<void()> Fn) {
    tagged_.emplace_back(++next_, std::move(Fn));
    return next_;
  }
  void dispose() {}
  // CHECK-FIXES: {{^}}  void dispose() { plain_.clear(); tagged_.clear(); }{{$}}
};

// Added to an element reached through at(): the map keeps it.
class KeyedHub {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'KeyedHub' keeps its listeners after shutdown: 'stop' does not remove 'byKey_' [leak-listener-not-removed]
  std::map<int, std::vector<std::function<void()>>> byKey_;

public:
  void on(int Key, std::function<void()> Fn) {
    byKey_.at(Key).push_back(std::move(Fn));
  }
  void stop() {}
  // CHECK-FIXES: {{^}}  void stop() { byKey_.clear(); }{{$}}
};

// Signals: the removal call is the one the signal type declares.
class Model {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Model' keeps its listeners after shutdown: 'close' does not remove 'changed_' and 'removed_' [leak-listener-not-removed]
  boost::signals2::signal<void(int)> changed_;
  sigslot::signal<int> removed_;

public:
  boost::signals2::connection onChanged(std::function<void(int)> Fn) {
    return changed_.connect(Fn);
  }
  sigslot::connection onRemoved(std::function<void(int)> Fn) {
    return removed_.connect(Fn);
  }
  void close() { }
  // CHECK-FIXES: {{^}}  void close() { changed_.disconnect_all_slots(); removed_.disconnect_all(); }{{$}}
};

// leakguard's own emitter as a member still needs remove_all_listeners()
// at shutdown: subscriptions held elsewhere keep their listeners.
class Feed {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Feed' keeps its listeners after shutdown: 'teardown' does not remove 'prices_' [leak-listener-not-removed]
  leakguard::event_emitter<double> prices_;

public:
  leakguard::subscription onPrice(std::function<void(const double &)> Fn) {
    return prices_.on(std::move(Fn));
  }
  void teardown();
};

void Feed::teardown() {
  int Unused = 0;
  (void)Unused;
}
// CHECK-FIXES: {{^}}void Feed::teardown() {{{$}}
// CHECK-FIXES-NEXT: {{^}}  prices_.remove_all_listeners();{{$}}
// CHECK-FIXES-NEXT: {{^}}  int Unused = 0;{{$}}

// A class that is an emitter: every user of the class can add listeners.
class Server : public leakguard::event_emitter<int> {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Server' keeps its listeners after shutdown: 'shutdown' does not remove those it inherits from 'leakguard::event_emitter<int>' [leak-listener-not-removed]
public:
  void shutdown() {
  }
  // CHECK-FIXES: {{^}}  void shutdown() {{{$}}
  // CHECK-FIXES-NEXT: {{^}}    remove_all_listeners();{{$}}
  // CHECK-FIXES-NEXT: {{^}}  }{{$}}
};

class Bus : public leakguard::event_bus<std::string, int> {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Bus' keeps its listeners after shutdown: 'stop' does not remove those it inherits from 'leakguard::event_bus<std::string, int>' [leak-listener-not-removed]
public:
  void stop() { flush(); }
  // CHECK-FIXES: {{^}}  void stop() { remove_all_listeners(); flush(); }{{$}}
  void flush() {}
};

// Shutdown still tells the listeners (a "close" event) or runs them
// (shutdown hooks): the removal goes last, or nowhere if a return could
// skip it.
class Notifier {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Notifier' keeps its listeners after shutdown: 'close' does not remove 'listeners_' [leak-listener-not-removed]
  std::vector<std::function<void(const std::string &)>> listeners_;
  bool open_ = true;

public:
  void on(std::function<void(const std::string &)> Fn) {
    listeners_.push_back(std::move(Fn));
  }
  void emit(const std::string &Event) {
    for (auto &Fn : listeners_)
      Fn(Event);
  }
  void close() {
    emit("close");
    open_ = false;
  }
  // CHECK-FIXES: {{^}}  void close() {{{$}}
  // CHECK-FIXES-NEXT: {{^}}    emit("close");{{$}}
  // CHECK-FIXES-NEXT: {{^}}    open_ = false;{{$}}
  // CHECK-FIXES-NEXT: {{^}}    listeners_.clear();{{$}}
  // CHECK-FIXES-NEXT: {{^}}  }{{$}}
};

class ShutdownHooks {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'ShutdownHooks' keeps its listeners after shutdown: 'shutdown' does not remove 'hooks_' [leak-listener-not-removed]
  std::vector<std::function<void()>> hooks_;

public:
  void add(std::function<void()> Hook) { hooks_.push_back(std::move(Hook)); }
  void shutdown() { for (auto &Hook : hooks_) Hook(); }
  // CHECK-FIXES: {{^}}  void shutdown() { for (auto &Hook : hooks_) Hook(); hooks_.clear(); }{{$}}
};

class Station : public leakguard::event_emitter<int> {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Station' keeps its listeners after shutdown: 'stop' does not remove those it inherits from 'leakguard::event_emitter<int>' [leak-listener-not-removed]
  bool stopped_ = false;

public:
  void stop() {
    if (stopped_)
      return;
    stopped_ = true;
    emit(-1);
  }
  // No fix-it: the early return would skip a removal placed last.
  // CHECK-FIXES: {{^}}  void stop() {{{$}}
  // CHECK-FIXES-NEXT: {{^}}    if (stopped_){{$}}
};

// Class templates are reported once, through their pattern.
template <typename T> class TypedHub {
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: class 'TypedHub' keeps its listeners after shutdown: 'stop' does not remove 'listeners_' [leak-listener-not-removed]
  std::vector<std::function<void(const T &)>> listeners_;

public:
  void subscribe(std::function<void(const T &)> Fn) {
    listeners_.push_back(std::move(Fn));
  }
  void stop() {}
  // CHECK-FIXES: {{^}}  void stop() { listeners_.clear(); }{{$}}
};
template class TypedHub<int>;
template class TypedHub<std::string>;

// A dependent emitter base needs `this->` to find the removal.
template <typename T> class TypedServer : public leakguard::event_emitter<T> {
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: class 'TypedServer' keeps its listeners after shutdown: 'stop' does not remove those it inherits from 'leakguard::event_emitter<T>' [leak-listener-not-removed]
public:
  void stop() {}
  // CHECK-FIXES: {{^}}  void stop() { this->remove_all_listeners(); }{{$}}
};
template class TypedServer<int>;

template <typename T> class TypedFeed {
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: class 'TypedFeed' keeps its listeners after shutdown: 'close' does not remove 'updates_' [leak-listener-not-removed]
  leakguard::event_emitter<T> updates_;

public:
  leakguard::subscription onUpdate(std::function<void(const T &)> Fn) {
    return updates_.on(std::move(Fn));
  }
  void close() {}
  // CHECK-FIXES: {{^}}  void close() { updates_.remove_all_listeners(); }{{$}}
};
template class TypedFeed<double>;

// ---- Silent: shutdown removes the listeners. ------------------------------

class ClearsOnStop {
  std::vector<std::function<void()>> listeners_;

public:
  void on(std::function<void()> Fn) { listeners_.push_back(std::move(Fn)); }
  void stop() { listeners_.clear(); }
};

// Through a member function shutdown calls (followed one level deep).
class ClearsThroughHelper {
  std::map<int, std::function<void()>> byId_;
  boost::signals2::signal<void()> done_;

public:
  void on(int Id, std::function<void()> Fn) { byId_.emplace(Id, std::move(Fn)); }
  boost::signals2::connection onDone(std::function<void()> Fn) {
    return done_.connect(Fn);
  }
  void removeAllListeners() {
    byId_.clear();
    done_.disconnect_all_slots();
  }
  void shutdown() { removeAllListeners(); }
};

// Assignment and std::swap replace the contents: removal too.
class ReplacesOnClose {
  std::vector<std::function<void()>> a_;
  std::vector<std::function<void()>> b_;

public:
  void add(std::function<void()> Fn) {
    a_.push_back(Fn);
    b_.push_back(Fn);
  }
  void close() {
    a_ = {};
    std::vector<std::function<void()>> Old;
    std::swap(b_, Old);
  }
};

// Every shutdown-like method counts: one of them removing is enough.
class OneOfTwo {
  std::vector<std::function<void()>> listeners_;

public:
  void on(std::function<void()> Fn) { listeners_.push_back(std::move(Fn)); }
  void stop() {}
  void dispose() { listeners_.clear(); }
};

class RemovesInheritedOnStop : public leakguard::event_emitter<int> {
public:
  void stop() { remove_all_listeners(); }
};

class RemovesInheritedThroughHelper : public leakguard::event_emitter<int> {
  void reset() { remove_all_listeners(); }

public:
  void shutdown() { reset(); }
};

// A derived class's shutdown clears the protected storage of its base.
class BaseWithStorage {
protected:
  std::vector<std::function<void()>> listeners_;

public:
  void on(std::function<void()> Fn) { listeners_.push_back(std::move(Fn)); }
  virtual void stop() {}
  virtual ~BaseWithStorage() = default;
};
class DerivedClears : public BaseWithStorage {
public:
  void stop() override {
    listeners_.clear();
    BaseWithStorage::stop();
  }
};

// ---- Silent: nothing lingers after shutdown, or we cannot tell. -----------

// No shutdown-like method: the destructor frees the listeners.
class NoShutdown {
  std::vector<std::function<void()>> listeners_;

public:
  void on(std::function<void()> Fn) { listeners_.push_back(std::move(Fn)); }
};

// One handler per event type, assigned like configuration: a handler table
// that a restartable client keeps across stop() / start().
class SseClient {
  std::map<std::string, std::function<void(const std::string &)>> handlers_;

public:
  SseClient &onEvent(const std::string &Type,
                     std::function<void(const std::string &)> Fn) {
    handlers_[Type] = std::move(Fn);
    return *this;
  }
  void onOpen(std::function<void(const std::string &)> Fn) {
    handlers_.insert_or_assign("open", std::move(Fn));
  }
  void start() {}
  void stop() {}
};

// Filled once, in the constructor: a fixed set, nothing added later.
class FixedAtConstruction {
  std::vector<std::function<void()>> hooks_;

public:
  FixedAtConstruction() { hooks_.push_back([] {}); }
  void stop() {}
};

// Nothing ever adds to it.
class NeverAdded {
  std::vector<std::function<void()>> hooks_;

public:
  void run() {
    for (auto &Hook : hooks_)
      Hook();
  }
  void stop() {}
};

// The shutdown method is defined in another translation unit: it may
// remove them.
class DefinedElsewhere {
  std::vector<std::function<void()>> listeners_;

public:
  void on(std::function<void()> Fn) { listeners_.push_back(std::move(Fn)); }
  void stop();
};

// A queue of pending callbacks, drained by run(): not a listener list.
class TaskQueue {
  std::vector<std::function<void()>> pending_;

public:
  void post(std::function<void()> Task) { pending_.push_back(std::move(Task)); }
  void run() {
    std::vector<std::function<void()>> Ready;
    Ready.swap(pending_);
    for (auto &Task : Ready)
      Task();
  }
  void stop() {}
};

// Not callables.
class Counters {
  std::vector<int> counts_;

public:
  void add(int N) { counts_.push_back(N); }
  void stop() {}
};

// A static "stop" is no shutdown of the object.
class StaticStop {
  std::vector<std::function<void()>> listeners_;

public:
  void on(std::function<void()> Fn) { listeners_.push_back(std::move(Fn)); }
  static void stop() {}
};

// Suppressed on purpose.
class Suppressed { // NOLINT(leak-listener-not-removed)
  std::vector<std::function<void()>> listeners_;

public:
  void on(std::function<void()> Fn) { listeners_.push_back(std::move(Fn)); }
  void stop() {}
};
