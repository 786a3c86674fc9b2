// RUN: %check_leakguard %s leak-untracked-timer %t

// Rules 1 and 2 of leak-untracked-timer against the real Boost.Asio
// headers, to make sure the stand-ins in Inputs/ tell the truth.
// (Not deadline_timer: Boost.DateTime's MPL does not build with clang 19.)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

using boost::system::error_code;

class Heartbeat : public std::enable_shared_from_this<Heartbeat> {
public:
  explicit Heartbeat(boost::asio::io_context &io) : timer_(io) {}

  void start() {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([self = shared_from_this()](const error_code &ec) {
      // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: periodic timer 'timer_' re-arms itself and captures 'shared_from_this()' but is never cancelled; the object can never be destroyed [leak-untracked-timer]
      if (!ec)
        self->start();
    });
  }

  void startIdleTimeout(boost::asio::io_context &io) {
    auto idle = std::make_shared<boost::asio::steady_timer>(
        io, std::chrono::seconds(30));
    // CHECK-MESSAGES: :[[@LINE-2]]:10: warning: heap-allocated timer 'idle' is armed but never stored in a member or returned; nothing can cancel it [leak-untracked-timer]
    idle->async_wait([idle](const error_code &) {});
  }

private:
  boost::asio::steady_timer timer_;
};

// Silent: stop() cancels the timer; the bound handler re-arms it.
class Sweeper {
public:
  explicit Sweeper(boost::asio::io_context &io) : sweep_(io) {}
  void arm() {
    sweep_.expires_after(std::chrono::minutes(1));
    sweep_.async_wait(
        std::bind(&Sweeper::onSweep, this, std::placeholders::_1));
  }
  void stop() { sweep_.cancel(); }

private:
  void onSweep(const error_code &ec) {
    if (!ec)
      arm();
  }
  boost::asio::system_timer sweep_;
};
