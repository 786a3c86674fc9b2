// RUN: %check_leakguard %s leak-global-connection %t

// Rule 2: a raw global pointer that is assigned `new ConnectionLike(...)`
// after static initialisation and never deleted or closed in the
// translation unit. (A pointer initialised with `new` is rule 1, in
// leak-global-connection-fixes.cpp.)

#include "Inputs/connection_clients.h"
#include <memory>

class MetricsClient {
public:
  explicit MetricsClient(const char *Url);
  void send(int Value);
  void close();
};

MetricsClient *Metrics = nullptr;
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: global pointer 'Metrics' owns connection-like 'MetricsClient' created with 'new' and never deleted or closed in this translation unit [leak-global-connection]
void initMetrics() { Metrics = new MetricsClient("udp://stats:8125"); }
void report(int Value) { Metrics->send(Value); }

struct Clients {
  static pqxx::connection *Db;
};
pqxx::connection *Clients::Db;
// CHECK-MESSAGES: :[[@LINE-1]]:28: warning: static member pointer 'Db' owns connection-like 'pqxx::connection' created with 'new' and never deleted or closed in this translation unit [leak-global-connection]
void connect() { Clients::Db = new pqxx::connection("host=db"); }

// Connection-like through a member.
struct Uploader {
  httplib::Client http_;
  Uploader();
};
Uploader *TheUploader;
// CHECK-MESSAGES: :[[@LINE-1]]:11: warning: global pointer 'TheUploader' owns connection-like 'Uploader' created with 'new' and never deleted or closed in this translation unit ('Uploader' holds connection-like 'httplib::Client' through member 'http_')
void startUploads() { TheUploader = new Uploader; }

// ---- Silent: a shutdown path exists -------------------------------------------------------

// Deleted.
MetricsClient *Deleted = nullptr;
void initDeleted() { Deleted = new MetricsClient("udp://a"); }
void shutdownDeleted() {
  delete Deleted;
  Deleted = nullptr;
}

// Closed through a shutdown-like method, by `->` or by `*`.
MetricsClient *Closed = nullptr;
void initClosed() { Closed = new MetricsClient("udp://b"); }
void shutdownClosed() { Closed->close(); }
MetricsClient *ClosedByStar = nullptr;
void initClosedByStar() { ClosedByStar = new MetricsClient("udp://c"); }
void shutdownClosedByStar() { (*ClosedByStar).close(); }

// Adopted by a smart pointer, which deletes it.
MetricsClient *Adopted = nullptr;
void initAdopted() { Adopted = new MetricsClient("udp://d"); }
void shutdownAdopted() { std::unique_ptr<MetricsClient> Owner(Adopted); }
MetricsClient *Reset = nullptr;
std::unique_ptr<MetricsClient> ResetOwner;
void initReset() {
  Reset = new MetricsClient("udp://e");
  ResetOwner.reset(Reset);
}

// Its address escapes: whoever receives it may delete it.
void registerForCleanup(MetricsClient **Slot);
MetricsClient *Escaped = nullptr;
void initEscaped() {
  Escaped = new MetricsClient("udp://f");
  registerForCleanup(&Escaped);
}

// ---- Silent: not an owning `new` ------------------------------------------------------------

// A QObject given a parent is deleted by its parent.
class QObject {
public:
  explicit QObject(QObject *Parent = nullptr);
};
class QTcpSocket : public QObject {
public:
  explicit QTcpSocket(QObject *Parent = nullptr);
};
QObject *Application = nullptr;
QTcpSocket *Parented = nullptr;
void initParented() { Parented = new QTcpSocket(Application); }
// Without a parent, nobody deletes it.
QTcpSocket *Orphan = nullptr;
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global pointer 'Orphan' owns connection-like 'QTcpSocket' created with 'new' and never deleted or closed in this translation unit
void initOrphan() { Orphan = new QTcpSocket; }
QTcpSocket *NullParent = nullptr;
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global pointer 'NullParent' owns connection-like 'QTcpSocket'
void initNullParent() { NullParent = new QTcpSocket(nullptr); }

MetricsClient *makeMetricsClient();
MetricsClient *Borrowed = nullptr;
void initBorrowed() { Borrowed = makeMetricsClient(); }
int *Counter = nullptr;
void initCounter() { Counter = new int(0); }

// Only declared here: its definition (and maybe its delete) is elsewhere.
extern MetricsClient *Elsewhere;
void initElsewhere() { Elsewhere = new MetricsClient("udp://g"); }

// Smart pointers delete what they own; their exit-time destruction is not
// this rule's concern.
std::unique_ptr<MetricsClient> Unique;
void initUnique() { Unique = std::make_unique<MetricsClient>("udp://h"); }
