// RUN: %check_leakguard %s leak-listener-not-removed %t

// Rule 3: Qt's three-argument QObject::connect(sender, &S::signal, functor)
// has no context object, so the slot stays connected as long as the sender
// lives, whatever its captures point to. The fix passes `this` as the
// context (the four-argument overload) inside a QObject's member function.

#include <memory>
#include "Inputs/qobject.h"

struct Session {
  int Requests = 0;
};

class Downloader : public QObject {
  QNetworkReply *reply_ = nullptr;
  QPushButton *cancel_ = nullptr;
  QPushButton own_;
  int done_ = 0;

public:
  void start() {
    connect(reply_, &QNetworkReply::finished, [this] { ++done_; });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'QObject::connect' without a context object: the slot captures 'this' and stays connected as long as the sender lives [leak-listener-not-removed]
    // CHECK-FIXES: {{^}}    connect(reply_, &QNetworkReply::finished, this, [this] { ++done_; });{{$}}
    QObject::connect(cancel_, &QPushButton::clicked, [&](bool) { ++done_; });
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'QObject::connect' without a context object: the slot captures 'this'
    // CHECK-FIXES: {{^}}    QObject::connect(cancel_, &QPushButton::clicked, this, [&](bool) { ++done_; });{{$}}
  }

  void track(std::shared_ptr<Session> S) {
    connect(reply_, &QNetworkReply::finished, [S] { ++S->Requests; });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'QObject::connect' without a context object: the slot captures the shared_ptr 'S'
    // CHECK-FIXES: {{^}}    connect(reply_, &QNetworkReply::finished, this, [S] { ++S->Requests; });{{$}}
  }

  // A static member function has no `this` to pass: no fix.
  static void attach(QNetworkReply *Reply, int &Counter) {
    connect(Reply, &QNetworkReply::finished, [&Counter] { ++Counter; });
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'QObject::connect' without a context object: the slot captures 'Counter' by reference
  }

  // ---- Silent. ----------------------------------------------------------

  void silent(QNetworkReply *Other) {
    // The four-argument overload: disconnected with the context.
    connect(reply_, &QNetworkReply::finished, this, [this] { ++done_; });
    // The sender is this object, or lives inside it.
    connect(this, &Downloader::progress, [this] { ++done_; });
    connect(&own_, &QPushButton::clicked, [this](bool) { ++done_; });
    // Capture-less or value-only slots keep nothing alive.
    connect(Other, &QNetworkReply::finished, [] {});
    int Snapshot = done_;
    connect(Other, &QNetworkReply::finished, [Snapshot] { (void)Snapshot; });
    // The connection is kept: it can be disconnected.
    QMetaObject::Connection C =
        connect(Other, &QNetworkReply::finished, [this] { ++done_; });
    QObject::disconnect(C);
    // String-based connect has no functor.
    QObject::connect(Other, "2finished()", "1onFinished()");
  }
  void progress();
};

// Outside a QObject there is no obvious context: no fix.
void wire(QPushButton *Button, int &Clicks) {
  QObject::connect(Button, &QPushButton::clicked, [&Clicks](bool) { ++Clicks; });
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'QObject::connect' without a context object: the slot captures 'Clicks' by reference
}

// Inside a lambda `this` may not be captured: no fix.
class Window : public QObject {
  QPushButton *ok_ = nullptr;
  int n_ = 0;

public:
  void later() {
    auto Wire = [this] {
      connect(ok_, &QPushButton::clicked, [this](bool) { ++n_; });
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'QObject::connect' without a context object: the slot captures 'this'
    };
    Wire();
  }
};

// Suppressed on purpose.
void suppressed(QPushButton *Button, int &Clicks) {
  QObject::connect(Button, &QPushButton::clicked, [&Clicks](bool) { ++Clicks; }); // NOLINT(leak-listener-not-removed)
}
