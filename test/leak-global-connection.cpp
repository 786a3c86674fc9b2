// RUN: %check_leakguard -std=c++20 %s leak-global-connection %t -- -- -I%runtime_include

// Rule 1: program-lifetime objects holding a connection, initialised
// dynamically (before main(), in an order nobody controls). The silencing
// rules, each with a silent case. Pointer fix-its are in
// leak-global-connection-fixes.cpp; every default type in -types.cpp.

#include "Inputs/connection_clients.h"
#include <cstdlib>
#include <leakguard/managed_singleton.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// ---- Connection-like by the name pattern ------------------------------------

class HttpClient {
public:
  explicit HttpClient(const char *Url);
  void get();
};
class UserSession {
public:
  UserSession();
};
class DataChannel {
public:
  DataChannel(int);
};
class ConnectionPool {
public:
  ConnectionPool(int Size);
};
class OrdersDatabase {
public:
  OrdersDatabase();
};
class RawSocket {
public:
  RawSocket();
};

HttpClient Api(std::getenv("API_URL"));
// CHECK-MESSAGES: :[[@LINE-1]]:12: warning: global 'Api' creates connection-like 'HttpClient' during static initialisation, before main() and in an order nobody controls [leak-global-connection]
UserSession CurrentSession;
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'CurrentSession' creates connection-like 'UserSession' during static initialisation
DataChannel Channel(7);
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'Channel' creates connection-like 'DataChannel'
ConnectionPool Pool{16};
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: global 'Pool' creates connection-like 'ConnectionPool'
static OrdersDatabase Orders;
// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: global 'Orders' creates connection-like 'OrdersDatabase'
namespace {
RawSocket Raw;
// CHECK-MESSAGES: :[[@LINE-1]]:11: warning: global 'Raw' creates connection-like 'RawSocket'
} // namespace

// ---- Connection-like through what a class holds -------------------------------

class OrderService {
  pqxx::connection db_;
  int retries_ = 3;

public:
  OrderService();
};
OrderService Service;
// CHECK-MESSAGES: :[[@LINE-1]]:14: warning: global 'Service' creates connection-like 'OrderService' during static initialisation, before main() and in an order nobody controls ('OrderService' holds connection-like 'pqxx::connection' through member 'db_') [leak-global-connection]

// Transitively: the first member on the path is named, with the connection
// at its end.
struct Backend {
  std::unique_ptr<HttpClient> client_;
  Backend();
};
struct Application {
  std::string name_;
  Backend backend_;
  Application();
};
Application App;
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'App' creates connection-like 'Application' during static initialisation, before main() and in an order nobody controls ('Application' holds connection-like 'HttpClient' through member 'backend_')

// Through a shared_ptr member.
struct Notifier {
  std::shared_ptr<grpc::Channel> channel_;
  Notifier();
};
Notifier Notify;
// CHECK-MESSAGES: :[[@LINE-1]]:10: warning: global 'Notify' creates connection-like 'Notifier' {{.*}} ('Notifier' holds connection-like 'grpc::Channel' through member 'channel_')

// A raw pointer to a C handle owns it (there is no other way to hold one).
struct Store {
  sqlite3 *db_ = nullptr;
  Store();
};
Store Storage;
// CHECK-MESSAGES: :[[@LINE-1]]:7: warning: global 'Storage' creates connection-like 'Store' {{.*}} ('Store' holds connection-like 'sqlite3' through member 'db_')

// Through a base class.
class ApiGateway : public httplib::Client {
public:
  ApiGateway() : httplib::Client("https://example.com") {}
};
ApiGateway Gateway;
// CHECK-MESSAGES: :[[@LINE-1]]:12: warning: global 'Gateway' creates connection-like 'ApiGateway' {{.*}} ('ApiGateway' derives from connection-like 'httplib::Client')

// A lambda's captures are its members.
auto OnRequest = [Client = std::make_shared<HttpClient>("https://example.com")] {
  Client->get();
};
// CHECK-MESSAGES: :[[@LINE-3]]:6: warning: global 'OnRequest' creates connection-like 'HttpClient' during static initialisation, before main() and in an order nobody controls (captured by the lambda)

// Silent: a raw pointer member to a class found by name usually observes
// (the owner is elsewhere).
struct Handler {
  UserSession *session_ = nullptr;
  Handler();
};
Handler RequestHandler;

// Silent: containers and other standard wrappers of connections are not
// connections themselves (a client registry is another check's job).
struct ConnectionRegistry {
  std::vector<pqxx::connection> idle_;
  std::weak_ptr<grpc::Channel> channel_;
  std::optional<UserSession> session_;
  ConnectionRegistry();
};
ConnectionRegistry Connections;

// Silent: a class that holds itself ends the search.
struct Node {
  std::unique_ptr<Node> next_;
  Node();
};
Node Head;

// ---- Static data members ---------------------------------------------------------

struct Registry {
  static pqxx::connection Db;
  static HttpClient *Client;
  inline static UserSession Session;
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: static member 'Session' creates connection-like 'UserSession'
  static pqxx::connection Unused;
};
pqxx::connection Registry::Db("host=db");
// CHECK-MESSAGES: :[[@LINE-1]]:28: warning: static member 'Db' creates connection-like 'pqxx::connection'
// Silent: constant-initialised; nothing assigns it.
HttpClient *Registry::Client = nullptr;

// ---- Silent: constant initialisation -------------------------------------------------

class LazyClient {
public:
  constexpr LazyClient() = default;
  void connect();
};
// A constexpr constructor opens nothing before main().
LazyClient Lazy;
constinit LazyClient Pinned;
constexpr LazyClient Literal;
// Null pointers and empty smart pointers are constant-initialised.
HttpClient *NoClientYet = nullptr;
std::unique_ptr<HttpClient> NoUniqueYet;
std::shared_ptr<pqxx::connection> NoSharedYet;
sqlite3 *NoDbYet;

// ---- Silent: managed_singleton is the fix ---------------------------------------------

leakguard::managed_singleton<HttpClient> Managed{
    [] { return std::make_unique<HttpClient>("https://example.com"); }};
leakguard::managed_singleton<pqxx::connection> ManagedDb;
struct HoldsManaged {
  leakguard::managed_singleton<pqxx::connection> db_;
  HoldsManaged();
};
HoldsManaged ManagedHolder;

// ---- Silent: not connection-like ------------------------------------------------------

// The default AllowedTypes: signal/slot connections and worker pools.
namespace QMetaObject {
class Connection {
public:
  Connection();
};
} // namespace QMetaObject
QMetaObject::Connection SlotConnection;
class ThreadPool {
public:
  explicit ThreadPool(int Threads);
};
ThreadPool Workers(4);
class MemoryPool {
public:
  MemoryPool();
};
MemoryPool Arena;
// The name pattern is case-sensitive and anchored at the end.
class ClientConfig {
public:
  ClientConfig();
};
ClientConfig Config;
class thread_pool_client_like {
public:
  thread_pool_client_like();
};
thread_pool_client_like LowerCase;
// Only a pointer level deep: a container of clients is another check's job.
std::string Name = std::getenv("NAME");

// ---- Silent: declarations without a definition -----------------------------------------

extern pqxx::connection ExternDb;
extern HttpClient *ExternClient;
void useExterns() { ExternClient = new HttpClient("x"); }

// ---- Silent: locals (only program-lifetime objects), templates ---------------------------

void locals() {
  HttpClient Local("https://example.com");
  auto Owned = std::make_unique<pqxx::connection>("host=db");
}

template <class T> struct Holder {
  static T Value;
};
template <class T> T Holder<T>::Value;
// The pattern is dependent; its instantiation is not reported.
template struct Holder<UserSession>;

// ---- Silent: main's locals -------------------------------------------------------------

int main() {
  static HttpClient MainClient("https://example.com");
  return 0;
}
