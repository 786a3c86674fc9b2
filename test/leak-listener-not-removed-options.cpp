// RUN: %check_leakguard %s leak-listener-not-removed %t -- \
// RUN:   --config="{CheckOptions: [{key: leak-listener-not-removed.ShutdownMethods, value: 'halt;quit'}, \
// RUN:     {key: leak-listener-not-removed.SignalTypes, value: '::mylib::Signal'}, \
// RUN:     {key: leak-listener-not-removed.EmitterBases, value: '::mylib::Emitter'}, \
// RUN:     {key: leak-listener-not-removed.SubscribeFunctions, value: '^listen$'}]}"

// The options: the application's own signal and emitter base, its own
// names for shutdown, and its own subscribing function.

#include <functional>
#include <vector>

namespace mylib {
template <typename... Args> class Signal {
public:
  template <typename F> int connect(F) { return 0; }
  void disconnect_all();
};

class Emitter {
public:
  template <typename F> int on(F) { return 0; }
  void removeAllListeners();
};
} // namespace mylib

class Source {
public:
  int listen(std::function<void()> Fn);
  int on(std::function<void()> Fn);
};

class Engine {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Engine' keeps its listeners after shutdown: 'halt' does not remove 'started_' and 'hooks_' [leak-listener-not-removed]
  mylib::Signal<int> started_;
  std::vector<std::function<void()>> hooks_;

public:
  int onStarted(std::function<void(int)> Fn) { return started_.connect(Fn); }
  void addHook(std::function<void()> Fn) { hooks_.push_back(Fn); }
  void halt() {}
  // CHECK-FIXES: {{^}}  void halt() { started_.disconnect_all(); hooks_.clear(); }{{$}}
  // Not a shutdown-like name under these options.
  void stop() { hooks_.clear(); }
};

class Service : public mylib::Emitter {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Service' keeps its listeners after shutdown: 'quit' does not remove those it inherits from 'mylib::Emitter' [leak-listener-not-removed]
public:
  void quit() {}
  // CHECK-FIXES: {{^}}  void quit() { removeAllListeners(); }{{$}}
};

// "stop" is no shutdown-like name here: no finding without halt / quit.
class OldNames {
  std::vector<std::function<void()>> hooks_;

public:
  void addHook(std::function<void()> Fn) { hooks_.push_back(Fn); }
  void stop() {}
};

class Client {
  Source *source_ = nullptr;
  mylib::Signal<> *signal_ = nullptr;
  int n_ = 0;

public:
  void start() {
    source_->listen([this] { ++n_; });
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: subscription to 'source_' is discarded while its listener captures 'this'
    signal_->connect([this] { ++n_; });
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: subscription to 'signal_' is discarded while its listener captures 'this'
    // `on` is not a subscribing name under these options.
    source_->on([this] { ++n_; });
  }
};
