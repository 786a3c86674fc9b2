// RUN: %check_leakguard %s leak-listener-not-removed %t -- -- -I%runtime_include

// The notes: where listeners are added, what captures, what to use instead.

#include <functional>
#include <string>
#include <vector>
#include "Inputs/boost_signals2.h"
#include "Inputs/qobject.h"
#include <leakguard/event_emitter.hpp>

class Hub {
  std::vector<std::function<void(const std::string &)>> listeners_;

public:
  void on(std::function<void(const std::string &)> Fn) {
    listeners_.push_back(std::move(Fn));
  }
  void once(std::function<void(const std::string &)> Fn) {
    listeners_.emplace_back(std::move(Fn));
  }
  void stop() {}
};
// CHECK-NOTES: :[[@LINE-12]]:7: warning: class 'Hub' keeps its listeners after shutdown: 'stop' does not remove 'listeners_' [leak-listener-not-removed]
// CHECK-NOTES: :[[@LINE-3]]:16: note: FIX-IT applied suggested code changes
// CHECK-NOTES: :[[@LINE-9]]:16: note: listeners are added here
// CHECK-NOTES: :[[@LINE-7]]:16: note: listeners are added here
// CHECK-NOTES: :[[@LINE-15]]:57: note: 'leakguard::event_emitter' removes every listener with remove_all_listeners(), and its on() returns a 'leakguard::subscription' that removes one
// CHECK-FIXES: {{^}}  void stop() { listeners_.clear(); }{{$}}

struct Feed {
  boost::signals2::signal<void(int)> ticks;
};

class Chart : public QObject {
  Feed *feed_ = nullptr;
  QPushButton *reset_ = nullptr;
  int last_ = 0;

public:
  void start() {
    feed_->ticks.connect([this](int V) { last_ = V; });
    // CHECK-NOTES: :[[@LINE-1]]:18: warning: subscription to 'feed_->ticks' is discarded while its listener captures 'this': nothing can remove the listener [leak-listener-not-removed]
    // CHECK-NOTES: :[[@LINE-2]]:27: note: the listener captures 'this' here
    // CHECK-NOTES: :[[@LINE-3]]:18: note: keep the handle: 'leakguard::event_emitter::on' returns a 'leakguard::subscription' that removes its listener when destroyed, and a 'leakguard::subscription_set' holds many
    connect(reset_, &QPushButton::clicked, [this](bool) { last_ = 0; });
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'QObject::connect' without a context object: the slot captures 'this' and stays connected as long as the sender lives [leak-listener-not-removed]
    // CHECK-NOTES: :[[@LINE-2]]:44: note: FIX-IT applied suggested code changes
    // CHECK-NOTES: :[[@LINE-3]]:45: note: the slot captures 'this' here
    // CHECK-NOTES: :[[@LINE-4]]:5: note: pass a context object (the 4-argument overload): Qt disconnects the slot when the context is destroyed
    // CHECK-FIXES: {{^}}    connect(reset_, &QPushButton::clicked, this, [this](bool) { last_ = 0; });{{$}}
  }
};

// An emitter base: the notes show where users of the class add listeners;
// no replacement note, it already is leakguard's emitter.
class Server : public leakguard::event_emitter<int> {
public:
  void stop() {}
};
// CHECK-NOTES: :[[@LINE-4]]:7: warning: class 'Server' keeps its listeners after shutdown: 'stop' does not remove those it inherits from 'leakguard::event_emitter<int>' [leak-listener-not-removed]
// CHECK-NOTES: :[[@LINE-3]]:16: note: FIX-IT applied suggested code changes
// CHECK-NOTES: :[[@LINE+7]]:32: note: listeners are added here
// CHECK-FIXES: {{^}}  void stop() { remove_all_listeners(); }{{$}}

struct App {
  Server server;
  leakguard::subscription_set subs;
  int n = 0;
  void init() { subs += server.on([this](int) { ++n; }); }
};
