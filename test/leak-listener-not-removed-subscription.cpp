// RUN: %check_leakguard %s leak-listener-not-removed %t -- -- -I%runtime_include

// Rule 2: a subscription whose handle is thrown away while the listener
// keeps something alive (`this`, a reference, a shared_ptr): nothing can
// ever remove it.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include "Inputs/boost_signals2.h"
#include "Inputs/sigslot.h"
#include <leakguard/event_emitter.hpp>

struct Price { double Value; };

struct Exchange {
  boost::signals2::signal<void(Price)> ticks;
  sigslot::signal<int> trades;
};

// A Node-style emitter of the application's own: `on` returns an id that
// `off` takes.
class EventSource {
public:
  int on(const std::string &Event, std::function<void()> Fn);
  int once(const std::string &Event, std::function<void()> Fn);
  void off(int Id);
  // Chaining returns the emitter itself, not a handle.
  EventSource &addListener(const std::string &Event, std::function<void()> Fn);
  // A success flag is no handle either.
  bool subscribe(const std::string &Topic, std::function<void()> Fn);
};

int subscribe(EventSource &Source, std::function<void()> Fn);

namespace asio {
struct endpoint {};
template <typename Socket, typename Condition>
endpoint connect(Socket &S, const endpoint &E, Condition C);
} // namespace asio

class Ticker : public std::enable_shared_from_this<Ticker> {
  Exchange &exchange_;
  EventSource *source_;
  leakguard::subscription_set subscriptions_;
  boost::signals2::scoped_connection kept_;
  double last_ = 0;

public:
  Ticker(Exchange &E, EventSource *S) : exchange_(E), source_(S) {}

  void start() {
    exchange_.ticks.connect([this](Price P) { last_ = P.Value; });
    // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: subscription to 'exchange_.ticks' is discarded while its listener captures 'this': nothing can remove the listener [leak-listener-not-removed]
    exchange_.trades.connect([=](int) { last_ = 0; });
    // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: subscription to 'exchange_.trades' is discarded while its listener captures 'this'
    source_->on("tick", [self = shared_from_this()] { self->last_ = 1; });
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: subscription to 'source_' is discarded while its listener captures the shared_ptr 'self'
  }

  // Through a smart pointer the emitter is named without the `->`.
  void follow(std::shared_ptr<EventSource> Shared) {
    Shared->on("tick", [this] { last_ = 2; });
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: subscription to 'Shared' is discarded while its listener captures 'this'
    source_->once("close", std::bind(&Ticker::stop, this));
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: subscription to 'source_' is discarded while its listener captures 'this'
    subscribe(*source_, [alias = this] { alias->stop(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: subscription made by 'subscribe' is discarded while its listener captures 'this' as 'alias'
  }

  void watch(leakguard::event_bus<std::string, int> &Bus, int &Counter) {
    // A discarded leakguard::subscription removes its listener at once (and
    // the compiler's [[nodiscard]] says so): that is not this leak.
    (void)Bus.on("x", [this](int) { last_ = 2; });
    auto Listener = [&Counter](Price) { ++Counter; };
    exchange_.ticks.connect(Listener);
    // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: subscription to 'exchange_.ticks' is discarded while its listener captures 'Counter' by reference
    exchange_.ticks.connect(std::function<void(Price)>([&](Price) { ++Counter; }));
    // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: subscription to 'exchange_.ticks' is discarded while its listener captures 'Counter' by reference
  }

  // ---- Silent. ----------------------------------------------------------

  void keepsTheHandles(leakguard::event_emitter<int> &Emitter) {
    // Stored: the owner can disconnect.
    kept_ = exchange_.ticks.connect([this](Price P) { last_ = P.Value; });
    int Id = source_->on("tick", [this] { last_ = 3; });
    source_->off(Id);
    subscriptions_ += Emitter.on([this](int) { last_ = 4; });
    // Kept forever on purpose, and said so.
    Emitter.on([this](int) { last_ = 5; }).release();
    // Explicitly discarded: a decision, not an oversight.
    (void)exchange_.ticks.connect([this](Price) { last_ = 6; });
  }

  void capturesNothingThatLingers() {
    // Capture-less and value-only listeners keep nothing alive.
    exchange_.ticks.connect([](Price) {});
    double Threshold = 3;
    exchange_.ticks.connect([Threshold](Price P) { (void)(P.Value > Threshold); });
    std::weak_ptr<Ticker> Weak = weak_from_this();
    exchange_.trades.connect([Weak](int) {
      if (auto Self = Weak.lock())
        Self->stop();
    });
  }

  void handlesThatAreNoHandles(int &Socket) {
    // Asio's connect takes a connect condition, called during the call.
    asio::connect(Socket, asio::endpoint{}, [this](auto...) { return last_ > 0; });
    // Chaining and success flags return no handle to keep.
    source_->addListener("tick", [this] { last_ = 7; });
    source_->subscribe("tick", [this] { last_ = 8; });
  }

  void stop() {}
};

// [*this] copies the object: a value capture.
struct Gauge {
  int Level = 0;
  void watch(Exchange &E) {
    E.trades.connect([*this](int) { (void)Level; });
  }
};

class Button {
  boost::signals2::signal<void()> clicked_;

public:
  boost::signals2::signal<void()> &clicked() { return clicked_; }
};

// The emitter lives inside the subscriber, or in the subscribing function:
// the listener goes with it.
class Panel {
  boost::signals2::signal<void()> clicked_;
  std::unique_ptr<Exchange> exchange_;
  Button ok_;
  Button *shared_ = nullptr;
  int clicks_ = 0;

public:
  Panel() {
    clicked_.connect([this] { ++clicks_; });
    exchange_->ticks.connect([this](Price) { ++clicks_; });
    // An accessor of a member held by value.
    ok_.clicked().connect([this] { ++clicks_; });
    // Through a raw pointer the owner is unknown.
    shared_->clicked().connect([this] { ++clicks_; });
    // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: subscription to 'shared_->clicked()' is discarded while its listener captures 'this'
  }
  void once() {
    sigslot::signal<int> Local;
    Local.connect([this](int) { ++clicks_; });
    Local(1);
    // A free subscribing function takes its emitter first.
    EventSource Source;
    subscribe(Source, [this] { ++clicks_; });
  }
};

// A subscribing API of a class that is itself an emitter, used from inside.
class SelfListener : public EventSource {
  int n_ = 0;

public:
  void init() { on("x", [this] { ++n_; }); }
};

// Suppressed on purpose.
void suppressed(Exchange &E, int &Counter) {
  E.ticks.connect([&Counter](Price) { ++Counter; }); // NOLINT(leak-listener-not-removed)
}
