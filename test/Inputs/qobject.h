// Minimal stand-in for QObject's connect overloads (Qt 5.15 / 6) for the
// leak-listener-not-removed tests. Signals are plain member functions.
#ifndef LEAKGUARD_TEST_INPUTS_QOBJECT_H
#define LEAKGUARD_TEST_INPUTS_QOBJECT_H

namespace Qt {
enum ConnectionType { AutoConnection, DirectConnection, QueuedConnection };
} // namespace Qt

class QMetaObject {
public:
  class Connection {
  public:
    Connection();
    ~Connection();
  };
};

class QObject {
public:
  explicit QObject(QObject *parent = nullptr);
  virtual ~QObject();

  // Defined: a local lambda type has no linkage.
  // Functor slot, no context object: stays connected while the sender lives.
  template <typename Sender, typename Func1, typename Func2>
  static QMetaObject::Connection connect(const Sender *, Func1, Func2 &&) {
    return {};
  }
  // Functor slot with a context object: disconnected when it is destroyed.
  template <typename Sender, typename Func1, typename Func2>
  static QMetaObject::Connection
  connect(const Sender *, Func1, const QObject *, Func2 &&,
          Qt::ConnectionType = Qt::AutoConnection) {
    return {};
  }
  // String-based (SIGNAL / SLOT).
  QMetaObject::Connection connect(const QObject *sender, const char *signal,
                                  const char *method,
                                  Qt::ConnectionType type = Qt::AutoConnection) const;
  static bool disconnect(const QMetaObject::Connection &connection);
};

class QPushButton : public QObject {
public:
  explicit QPushButton(QObject *parent = nullptr);
  void clicked(bool checked = false);
};

class QNetworkReply : public QObject {
public:
  void finished();
};

#endif
