// RUN: %check_leakguard %s leak-untracked-timer %t

// Rule 6 of leak-untracked-timer (QTimer::singleShot without a context
// object, with its fix-it) and rule 1 on QTimer (a parentless QTimer that
// is started and never stored), against stand-in Qt declarations.

#include "Inputs/qtimer.h"
#include <chrono>
#include <functional>

void log(const char *);

class Dashboard : public QObject {
public:
  void refreshLater() {
    QTimer::singleShot(100, [this] { refresh(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'QTimer::singleShot' without a context object: the callback captures 'this' and runs even if that is destroyed first [leak-untracked-timer]
    // CHECK-FIXES: QTimer::singleShot(100, this, [this] { refresh(); });
  }

  void pollSoon() const {
    QTimer::singleShot(0, Qt::PreciseTimer, [=] { poll(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'QTimer::singleShot' without a context object: the callback captures 'this'
    // CHECK-FIXES: QTimer::singleShot(0, Qt::PreciseTimer, this, [=] { poll(); });
  }

  void retryIn(std::chrono::seconds delay) {
    QTimer::singleShot(delay, std::bind(&Dashboard::refresh, this));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'QTimer::singleShot' without a context object: the callback captures 'this'
    // CHECK-FIXES: QTimer::singleShot(delay, this, std::bind(&Dashboard::refresh, this));
  }

  // Inside a lambda `this` may not be a QObject's: a note, no fix-it.
  void deferred() {
    auto later = [this] {
      QTimer::singleShot(10, [this] { refresh(); });
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'QTimer::singleShot' without a context object: the callback captures 'this'
    };
    later();
  }

  // Rule 1: a parentless QTimer that is started and never stored.
  void startBlinking() {
    auto *blink = new QTimer;
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: heap-allocated timer 'blink' is armed but never stored in a member or returned; nothing can cancel it [leak-untracked-timer]
    connect(blink, &QTimer::timeout, this, &Dashboard::refresh);
    blink->start(500);
  }

  // Silent: a context object; Qt drops the call if it is destroyed.
  void refreshWithContext() {
    QTimer::singleShot(100, this, [this] { refresh(); });
    QTimer::singleShot(100, Qt::CoarseTimer, this, [this] { refresh(); });
  }

  // Silent: the receiver / slot form has its context.
  void refreshBySlot() { QTimer::singleShot(100, this, SLOT(refresh())); }

  // Silent: nothing captured that could dangle.
  void logLater(const char *message) {
    QTimer::singleShot(100, [] { log("tick"); });
    QTimer::singleShot(100, [message] { log(message); });
  }

  // Silent: the timer has a parent, which deletes it.
  void startParented() {
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &Dashboard::refresh);
    timer->start(1000);
  }

  // Silent: kept in a member, so it can be stopped.
  void startKept() {
    auto *timer = new QTimer;
    timer->start(1000);
    poll_ = timer;
  }

  // Silent: never started.
  void makeIdle() {
    auto *timer = new QTimer;
    timer->setInterval(1000);
  }

  void refresh();
  void poll() const;

private:
  QTimer *poll_ = nullptr;
};

// Not a QObject: a note, no fix-it (there is no 'this' to give Qt).
class Cache {
public:
  void expireLater() {
    QTimer::singleShot(60000, [this] { entries_ = 0; });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'QTimer::singleShot' without a context object: the callback captures 'this'
  }

private:
  int entries_ = 0;
};

// A local captured by reference: a note, no fix-it.
void countLater() {
  int fired = 0;
  QTimer::singleShot(10, [&fired] { ++fired; });
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'QTimer::singleShot' without a context object: the callback captures 'fired' by reference
}
