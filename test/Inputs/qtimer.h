// Minimal stand-ins for QObject / QTimer (Qt 5.15 / 6 signatures) for the
// leak-untracked-timer tests.
#ifndef LEAKGUARD_TEST_INPUTS_QTIMER_H
#define LEAKGUARD_TEST_INPUTS_QTIMER_H

#include <chrono>

namespace Qt {
enum TimerType { PreciseTimer, CoarseTimer, VeryCoarseTimer };
enum ConnectionType { AutoConnection, DirectConnection, QueuedConnection };
} // namespace Qt

class QMetaObject {
public:
  class Connection {};
};

class QObject {
public:
  explicit QObject(QObject *parent = nullptr);
  virtual ~QObject();
  void setParent(QObject *parent);
  QObject *parent() const;
  void deleteLater();

  // Defined: a lambda slot has internal linkage.
  template <typename Func1, typename Func2>
  static QMetaObject::Connection
  connect(const QObject *sender, Func1 signal, const QObject *context,
          Func2 slot, Qt::ConnectionType type = Qt::AutoConnection) {
    return {};
  }
  template <typename Func1, typename Func2>
  static QMetaObject::Connection connect(const QObject *sender, Func1 signal,
                                         Func2 slot) {
    return {};
  }
};

class QTimer : public QObject {
public:
  explicit QTimer(QObject *parent = nullptr);
  ~QTimer() override;

  void start(int msec);
  void start();
  void stop();
  void setInterval(int msec);
  void setSingleShot(bool singleShot);
  bool isActive() const;

  void timeout();

  static void singleShot(int msec, const QObject *receiver, const char *member);
  static void singleShot(int msec, Qt::TimerType timerType,
                         const QObject *receiver, const char *member);
  template <typename Functor>
  static void singleShot(int msec, Functor &&functor) {}
  template <typename Functor>
  static void singleShot(int msec, Qt::TimerType timerType, Functor &&functor) {}
  template <typename Functor>
  static void singleShot(int msec, const QObject *context, Functor &&functor) {}
  template <typename Functor>
  static void singleShot(int msec, Qt::TimerType timerType,
                         const QObject *context, Functor &&functor) {}
  template <typename Functor>
  static void singleShot(std::chrono::milliseconds interval,
                         Functor &&functor) {}
  template <typename Functor>
  static void singleShot(std::chrono::milliseconds interval,
                         const QObject *context, Functor &&functor) {}
};

#define SLOT(a) "1" #a

#endif
