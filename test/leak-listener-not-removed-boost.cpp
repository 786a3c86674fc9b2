// RUN: %check_leakguard %s leak-listener-not-removed %t

// One realistic case against the real <boost/signals2.hpp>: its slot_type
// conversion, its connect overloads (with a group) and scoped_connection.

#include <boost/signals2.hpp>
#include <functional>

struct Price { double Value; };

class Quotes {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: class 'Quotes' keeps its listeners after shutdown: 'stop' does not remove 'updated_' [leak-listener-not-removed]
  boost::signals2::signal<void(Price)> updated_;

public:
  boost::signals2::connection onUpdate(std::function<void(Price)> Fn) {
    return updated_.connect(Fn);
  }
  void stop() {}
  // CHECK-FIXES: {{^}}  void stop() { updated_.disconnect_all_slots(); }{{$}}
};

class Ticker {
  boost::signals2::signal<void(Price)> &ticks_;
  boost::signals2::scoped_connection kept_;
  double last_ = 0;

public:
  explicit Ticker(boost::signals2::signal<void(Price)> &Ticks) : ticks_(Ticks) {}
  void start() {
    ticks_.connect([this](Price P) { last_ = P.Value; });
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: subscription to 'ticks_' is discarded while its listener captures 'this'
    ticks_.connect(1, [this](Price P) { last_ = P.Value; });
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: subscription to 'ticks_' is discarded while its listener captures 'this'
    // Kept, or capturing nothing: silent.
    kept_ = ticks_.connect([this](Price P) { last_ = P.Value; });
    ticks_.connect([](Price) {});
  }
};
