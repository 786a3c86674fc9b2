// RUN: %check_leakguard %s leak-untracked-timer %t

// Rules 1 and 2 of leak-untracked-timer on asio timers (stand-in headers
// with the real names and signatures, Boost.Asio and standalone asio).

#include "Inputs/asio_timer.h"
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using boost::system::error_code;

void log(const char *);

// ---- Rule 1: a heap timer owned only by its handler. ---------------------

class Session : public std::enable_shared_from_this<Session> {
public:
  explicit Session(boost::asio::io_context &io) : io_(io) {}

  void startIdleTimeout() {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, 30s);
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: heap-allocated timer 'timer' is armed but never stored in a member or returned; nothing can cancel it [leak-untracked-timer]
    timer->async_wait([timer, self = shared_from_this()](const error_code &ec) {
      if (!ec)
        self->close();
    });
  }

  void startRawTimeout() {
    auto *timer = new boost::asio::deadline_timer(io_);
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: heap-allocated timer 'timer'
    timer->expires_from_now(boost::posix_time::seconds(5));
    timer->async_wait([timer, this](const error_code &) {
      close();
      delete timer;
    });
  }

  void startOwnedByUniquePtr() {
    auto timer = std::make_unique<boost::asio::system_timer>(io_);
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: heap-allocated timer 'timer'
    timer->async_wait([t = std::move(timer)](const error_code &) {});
  }

  void startStandalone(asio::io_context &io) {
    std::shared_ptr<asio::steady_timer> timer(new asio::steady_timer(io));
    // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: heap-allocated timer 'timer'
    timer->expires_after(1s);
    timer->async_wait(std::bind(&Session::onTimeout, shared_from_this(),
                                timer, std::placeholders::_1));
  }

  // Silent: kept in a member, so close() can cancel it.
  void startKeptTimeout() {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, 30s);
    timer->async_wait([this](const error_code &) { close(); });
    pending_ = timer;
  }

  // Silent: kept in a container member.
  void startListedTimeout() {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, 5s);
    timer->async_wait([timer](const error_code &) {});
    timers_.push_back(timer);
  }

  // Silent: kept in a map member, from inside the handler's setup.
  void startKeyedTimeout(int id) {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, 5s);
    byId_.emplace(id, timer);
    timer->async_wait([timer](const error_code &) {});
  }

  // Silent: returned to the caller, who owns it.
  std::shared_ptr<boost::asio::steady_timer> startReturnedTimeout() {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, 5s);
    timer->async_wait([timer](const error_code &) {});
    return timer;
  }

  // Silent: handed to a function that may keep it.
  void startTrackedTimeout() {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, 5s);
    timer->async_wait([timer](const error_code &) {});
    track(timer);
  }

  // Silent: a unique_ptr that stays local dies, and cancels, at the end of
  // the scope (a bug of another kind, not a leak).
  void startScopedTimeout() {
    auto timer = std::make_unique<boost::asio::steady_timer>(io_, 5s);
    timer->async_wait([](const error_code &) {});
  }

  // Silent: never armed.
  void makeUnarmedTimer() {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_);
    timer->expires_after(5s);
  }

  // Silent: the function itself cancels it.
  void startCancelledTimeout(bool quit) {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, 5s);
    timer->async_wait([timer](const error_code &) {});
    if (quit)
      timer->cancel();
  }

  // Silent: moved into a member.
  void startMovedTimeout() {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, 5s);
    timer->async_wait([](const error_code &) {});
    pending_ = std::move(timer);
  }

  // Silent: kept in a member aggregate, through its initializer list.
  void startHeldTimeout() {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, 5s);
    timer->async_wait([](const error_code &) {});
    holder_ = TimerHolder{timer};
  }

  // Silent: aliased by another local.
  void startAliasedTimeout() {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, 5s);
    timer->async_wait([](const error_code &) {});
    auto alias = timer;
  }

  // Silent: a raw timer kept in a raw member pointer.
  void startRawKeptTimeout() {
    auto *timer = new boost::asio::deadline_timer(io_);
    timer->async_wait([](const error_code &) {});
    raw_ = timer;
  }

  // Silent: cancelled through the object it points to.
  void startDereferencedTimeout(bool quit) {
    auto *timer = new boost::asio::deadline_timer(io_);
    timer->async_wait([](const error_code &) {});
    if (quit)
      (*timer).cancel();
  }

  void close();
  void onTimeout(std::shared_ptr<asio::steady_timer>, const asio::error_code &);
  void track(std::shared_ptr<boost::asio::steady_timer>);

private:
  boost::asio::io_context &io_;
  std::shared_ptr<boost::asio::steady_timer> pending_;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> timers_;
  std::map<int, std::shared_ptr<boost::asio::steady_timer>> byId_;
  struct TimerHolder {
    std::shared_ptr<boost::asio::steady_timer> timer;
  };
  TimerHolder holder_;
  boost::asio::deadline_timer *raw_ = nullptr;
};

// ---- Rule 2a: re-arms itself and holds a shared_ptr to its object. -------

class HeartbeatMonitor
    : public std::enable_shared_from_this<HeartbeatMonitor> {
public:
  explicit HeartbeatMonitor(boost::asio::io_context &io) : heartbeat_(io) {}

  void schedule() {
    heartbeat_.expires_after(5s);
    heartbeat_.async_wait([self = shared_from_this()](const error_code &ec) {
      // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: periodic timer 'heartbeat_' re-arms itself and captures 'shared_from_this()' but is never cancelled; the object can never be destroyed [leak-untracked-timer]
      if (ec)
        return;
      self->beat();
      self->schedule();
    });
  }

private:
  void beat();
  boost::asio::steady_timer heartbeat_;
};

// Bound member function, re-arming directly.
class Poller : public std::enable_shared_from_this<Poller> {
public:
  explicit Poller(boost::asio::io_context &io) : poll_(io) {}
  void start() {
    poll_.expires_after(1s);
    poll_.async_wait(std::bind(&Poller::onPoll, shared_from_this(),
                               std::placeholders::_1));
    // CHECK-MESSAGES: :[[@LINE-2]]:11: warning: periodic timer 'poll_' re-arms itself and captures 'shared_from_this()' but is never cancelled
  }

private:
  void onPoll(const error_code &ec) {
    if (ec)
      return;
    poll_.expires_at(poll_.expiry() + 1s);
    poll_.async_wait(std::bind(&Poller::onPoll, shared_from_this(),
                               std::placeholders::_1));
  }
  boost::asio::steady_timer poll_;
};

// A captured copy of the owner, re-arming one level deep; a deadline timer
// held through a unique_ptr and boost::bind.
class Reporter : public std::enable_shared_from_this<Reporter> {
public:
  explicit Reporter(boost::asio::io_context &io)
      : flush_(std::make_unique<boost::asio::deadline_timer>(io)) {}

  void arm() {
    auto self = shared_from_this();
    flush_->async_wait([self](const error_code &) { self->tick(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: periodic timer 'flush_' re-arms itself and captures 'self' but is never cancelled
  }

  void tick() {
    flush_->expires_from_now(boost::posix_time::seconds(10));
    arm();
  }

private:
  std::unique_ptr<boost::asio::deadline_timer> flush_;
};

namespace boost::beast {
template <class Handler, class... Args>
auto bind_front_handler(Handler &&handler, Args &&...args) {
  return [](auto &&...) {};
}
} // namespace boost::beast

// Bound with Beast's bind_front_handler, as in Beast's examples.
class PingSession : public std::enable_shared_from_this<PingSession> {
public:
  void onTimer(const error_code &ec) {
    if (ec)
      return;
    ping_.expires_after(15s);
    ping_.async_wait(boost::beast::bind_front_handler(&PingSession::onTimer,
                                                      shared_from_this()));
    // CHECK-MESSAGES: :[[@LINE-2]]:11: warning: periodic timer 'ping_' re-arms itself and captures 'shared_from_this()' but is never cancelled
  }

private:
  boost::asio::steady_timer ping_;
};

// Through an asio handler adaptor, on standalone asio.
class Sampler : public std::enable_shared_from_this<Sampler> {
public:
  explicit Sampler(asio::io_context &io) : io_(io), sample_(io) {}
  void next() {
    sample_.expires_after(100ms);
    sample_.async_wait(asio::bind_executor(
        io_.get_executor(), [this, self = shared_from_this()](
                                const asio::error_code &) { next(); }));
    // CHECK-MESSAGES: :[[@LINE-3]]:13: warning: periodic timer 'sample_' re-arms itself and captures 'shared_from_this()' but is never cancelled
  }

private:
  asio::io_context &io_;
  asio::steady_timer sample_;
};

// Cancelling in the destructor does not help: the cycle keeps the
// destructor from ever running.
class DestructorCancelled
    : public std::enable_shared_from_this<DestructorCancelled> {
public:
  ~DestructorCancelled() { timer_.cancel(); }
  void schedule() {
    timer_.async_wait([self = shared_from_this()](const error_code &ec) {
      // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: periodic timer 'timer_' re-arms itself and captures 'shared_from_this()' but is never cancelled
      if (!ec)
        self->schedule();
    });
  }

private:
  boost::asio::steady_timer timer_;
};

// Silent: stop() cancels it.
class CancelledHeartbeat
    : public std::enable_shared_from_this<CancelledHeartbeat> {
public:
  void schedule() {
    timer_.expires_after(1s);
    timer_.async_wait([self = shared_from_this()](const error_code &ec) {
      if (!ec)
        self->schedule();
    });
  }
  void stop() { timer_.cancel(); }

private:
  boost::asio::steady_timer timer_;
};

// Silent: shutdown() cancels it through a helper (followed one level deep).
class HelperCancelled : public std::enable_shared_from_this<HelperCancelled> {
public:
  void schedule() {
    timer_.async_wait([self = shared_from_this()](const error_code &ec) {
      if (!ec)
        self->schedule();
    });
  }
  void shutdown() { cancelTimers(); }

private:
  void cancelTimers() { timer_.cancel_one(); }
  boost::asio::steady_timer timer_;
};

// Silent: moving the expiry outside the re-arming path cancels the wait.
class ExpiryCancelled : public std::enable_shared_from_this<ExpiryCancelled> {
public:
  void schedule() {
    timer_.expires_after(1s);
    timer_.async_wait([self = shared_from_this()](const error_code &ec) {
      if (!ec)
        self->schedule();
    });
  }
  void halt() {
    timer_.expires_at(boost::asio::steady_timer::time_point::min());
  }

private:
  boost::asio::steady_timer timer_;
};

// Silent: stop() sets a flag the handler tests before re-arming, so the
// cycle ends at the next tick.
class FlagStopped : public std::enable_shared_from_this<FlagStopped> {
public:
  void schedule() {
    timer_.expires_after(1s);
    timer_.async_wait([self = shared_from_this()](const error_code &ec) {
      if (ec || self->stopped_.load())
        return;
      self->schedule();
    });
  }
  void stop() { stopped_.store(true); }

private:
  std::atomic<bool> stopped_{false};
  boost::asio::steady_timer timer_;
};

// Silent: the handler holds a weak_ptr, so the object can go away.
class WeakHeartbeat : public std::enable_shared_from_this<WeakHeartbeat> {
public:
  void schedule() {
    timer_.async_wait([weak = weak_from_this()](const error_code &ec) {
      if (auto self = weak.lock(); self && !ec)
        self->schedule();
    });
  }

private:
  boost::asio::steady_timer timer_;
};

// Silent: a one-shot (the handler does not re-arm).
class OneShot : public std::enable_shared_from_this<OneShot> {
public:
  void start() {
    timer_.async_wait([self = shared_from_this()](const error_code &) {
      self->done();
    });
  }
  void done();

private:
  boost::asio::steady_timer timer_;
};

// ---- Rule 2b: re-arms itself capturing 'this'; shutdown forgets it. ------

class MetricsCollector {
public:
  explicit MetricsCollector(boost::asio::io_context &io) : collect_(io) {}
  void start() {
    collect_.expires_after(5s);
    collect_.async_wait([this](const error_code &ec) {
      // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: periodic timer 'collect_' re-arms itself and captures 'this' but is not cancelled by 'stop'; it keeps firing after shutdown [leak-untracked-timer]
      if (!ec) {
        sample();
        start();
      }
    });
  }
  void stop() { running_ = false; }

private:
  void sample();
  bool running_ = true;
  boost::asio::steady_timer collect_;
};

class Cleaner {
public:
  void arm() {
    sweep_.async_wait(boost::bind(&Cleaner::onSweep, this,
                                  boost::asio::placeholders::error));
    // CHECK-MESSAGES: :[[@LINE-2]]:12: warning: periodic timer 'sweep_' re-arms itself and captures 'this' but is not cancelled by 'shutdown' or 'close'; it keeps firing after shutdown
  }
  void shutdown() { log("shutting down"); }
  void close() { log("closed"); }

private:
  void onSweep(const error_code &) {
    sweep_.expires_from_now(boost::posix_time::seconds(60));
    arm();
  }
  boost::asio::deadline_timer sweep_;
};

// A class template is reported once, through its pattern.
template <class Sink> class Flusher {
public:
  void start() {
    flush_.async_wait([this](const error_code &) {
      // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: periodic timer 'flush_' re-arms itself and captures 'this' but is not cancelled by 'stop'
      sink_.flush();
      start();
    });
  }
  void stop() {}

private:
  Sink sink_;
  boost::asio::steady_timer flush_;
};
struct FileSink { void flush(); };
struct NetSink { void flush(); };
template class Flusher<FileSink>;
template class Flusher<NetSink>;

// Silent: no shutdown-like method; the timer dies with its object, whose
// destructor cancels it.
class Ticker {
public:
  void start() {
    tick_.async_wait([this](const error_code &ec) {
      if (!ec)
        start();
    });
  }

private:
  boost::asio::steady_timer tick_;
};

// Silent: stop() cancels it.
class StoppedTicker {
public:
  void start() {
    tick_.async_wait([this](const error_code &ec) {
      if (!ec)
        start();
    });
  }
  void stop() { tick_.cancel(); }

private:
  boost::asio::steady_timer tick_;
};

// Silent: shutdown() clears the flag the re-arming path tests.
class GuardedTicker {
public:
  void start() {
    if (!running_)
      return;
    tick_.async_wait([this](const error_code &ec) {
      if (!ec)
        start();
    });
  }
  void shutdown() { running_ = false; }

private:
  bool running_ = true;
  boost::asio::steady_timer tick_;
};

// Silent: close() is defined in another translation unit and may cancel it.
class RemoteClosed {
public:
  void start() {
    tick_.async_wait([this](const error_code &ec) {
      if (!ec)
        start();
    });
  }
  void close();

private:
  boost::asio::steady_timer tick_;
};

// Silent: dispose() resets the timer held through a pointer.
class Disposed {
public:
  void start() {
    tick_->async_wait([this](const error_code &ec) {
      if (!ec)
        start();
    });
  }
  void dispose() { tick_.reset(); }

private:
  std::unique_ptr<boost::asio::steady_timer> tick_;
};

// Silent: stop() stops the event loop; no handler runs after that.
class LoopStopped {
public:
  explicit LoopStopped(boost::asio::io_context &io) : io_(io), tick_(io) {}
  void start() {
    tick_.async_wait([this](const error_code &ec) {
      if (!ec)
        start();
    });
  }
  void stop() { io_.stop(); }

private:
  boost::asio::io_context &io_;
  boost::asio::steady_timer tick_;
};

// Silent: in main() the program ends within the timer variable's scope.
int main() {
  boost::asio::io_context io;
  auto timer = std::make_shared<boost::asio::steady_timer>(io, 1s);
  timer->async_wait([timer](const error_code &) {});
  io.run();
}
