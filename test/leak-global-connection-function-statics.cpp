// RUN: %check_leakguard %s leak-global-connection %t -- -- -I%runtime_include
// RUN: %check_leakguard -check-suffixes=OFF %s leak-global-connection %t \
// RUN:   -- --config="{CheckOptions: [{key: leak-global-connection.FlagFunctionLocalStatics, value: false}]}" \
// RUN:   -- -I%runtime_include

// Rule 3: function-local static singletons of connection-like type, never
// closed: destroyed at exit(), in an order nobody controls. Off with
// FlagFunctionLocalStatics: false (the OFF run expects no warning at all).

#include "Inputs/connection_clients.h"
#include <leakguard/managed_singleton.hpp>
#include <memory>

class HttpClient {
public:
  explicit HttpClient(const char *Url);
  void get();
  void close();
};
class LazyClient {
public:
  constexpr LazyClient() = default;
};

pqxx::connection &database() {
  static pqxx::connection Db("host=db");
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: function-local static 'Db' holds connection-like 'pqxx::connection' that is never closed: it is destroyed at exit(), in an order nobody controls, possibly while other threads still use it [leak-global-connection]
  return Db;
}

struct Cache {
  static Cache &instance() {
    static Cache TheCache;
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: function-local static 'TheCache' holds connection-like 'Cache' that is never closed: {{.*}} ('Cache' holds connection-like 'sw::redis::Redis' through member 'redis_')
    return TheCache;
  }
  sw::redis::Redis redis_{"tcp://127.0.0.1:6379"};
};

std::shared_ptr<grpc::Channel> channel() {
  static auto Channel = grpc::CreateChannel("localhost:50051",
                                            grpc::InsecureChannelCredentials());
  // CHECK-MESSAGES: :[[@LINE-2]]:15: warning: function-local static 'Channel' holds connection-like 'grpc::Channel' that is never closed
  return Channel;
}

HttpClient &api() {
  static std::unique_ptr<HttpClient> Api =
      std::make_unique<HttpClient>("https://api.example.com");
  // CHECK-MESSAGES: :[[@LINE-2]]:38: warning: function-local static 'Api' holds connection-like 'HttpClient' that is never closed
  return *Api;
}

// The leaky-singleton idiom: never destroyed, but never closed either.
HttpClient &leaky() {
  static HttpClient *Leaky = new HttpClient("https://leaky.example.com");
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: function-local static pointer 'Leaky' owns connection-like 'HttpClient' created with 'new' and never deleted or closed [leak-global-connection]
  return *Leaky;
}
HttpClient &lazy() {
  static HttpClient *Lazy = nullptr;
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: function-local static pointer 'Lazy' owns connection-like 'HttpClient' created with 'new' and never deleted or closed
  if (!Lazy)
    Lazy = new HttpClient("https://lazy.example.com");
  return *Lazy;
}

// ---- Silent: closed explicitly ------------------------------------------------------------

// Through its accessor, by reference, by pointer, or by `*`.
HttpClient &closedByReference() {
  static HttpClient Client("https://a.example.com");
  return Client;
}
HttpClient *closedByPointer() {
  static HttpClient Client("https://b.example.com");
  return &Client;
}
std::shared_ptr<HttpClient> &closedBySmartPointer() {
  static std::shared_ptr<HttpClient> Client =
      std::make_shared<HttpClient>("https://c.example.com");
  return Client;
}
std::unique_ptr<HttpClient> &resetThroughAccessor() {
  static std::unique_ptr<HttpClient> Client =
      std::make_unique<HttpClient>("https://d.example.com");
  return Client;
}
// Through a cast, or a lambda called in the return (the static is found
// where hasDescendant looks).
HttpClient &closedThroughCast() {
  static HttpClient Client("https://h.example.com");
  return static_cast<HttpClient &>(Client);
}
HttpClient &closedThroughLambda() {
  static HttpClient Client("https://i.example.com");
  return []() -> HttpClient & { return Client; }();
}
void shutdownAll() {
  closedThroughCast().close();
  closedThroughLambda().close();
  closedByReference().close();
  closedByPointer()->close();
  closedBySmartPointer()->close();
  resetThroughAccessor().reset();
}

// Still flagged: closing a copy returned by value closes the copy.
HttpClient copyOf() {
  static HttpClient Client("https://k.example.com");
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: function-local static 'Client' holds connection-like 'HttpClient' that is never closed
  return Client;
}
void closeCopy() { copyOf().close(); }

// In the function itself.
HttpClient &closedInPlace(bool Stop) {
  static HttpClient Client("https://e.example.com");
  if (Stop)
    Client.close();
  return Client;
}
HttpClient &deletedInPlace(bool Stop) {
  static HttpClient *Client = new HttpClient("https://f.example.com");
  if (Stop)
    delete Client;
  return *Client;
}

// ---- Silent: other reasons ---------------------------------------------------------------------

// Constant-initialised: nothing is created before first use.
LazyClient &constantInitialised() {
  static LazyClient Client;
  return Client;
}
std::unique_ptr<HttpClient> &empty() {
  static std::unique_ptr<HttpClient> Client;
  return Client;
}

// The replacement.
HttpClient &managed() {
  static leakguard::managed_singleton<HttpClient> Client{
      [] { return std::make_unique<HttpClient>("https://g.example.com"); }};
  return *Client;
}

// Ownership of a factory's result is not visible.
sqlite3 *openDatabase();
sqlite3 *sqlite() {
  static sqlite3 *Db = openDatabase();
  return Db;
}

// Not static: per thread, or per call.
HttpClient &perThread() {
  thread_local HttpClient Client("https://h.example.com");
  return Client;
}

// A dependent type says nothing yet.
template <class T> T &dependent() {
  static T Object("https://i.example.com");
  return Object;
}

// main() is where the program decides lifetimes: its objects are the
// composition root, not hidden singletons.
int main() {
  static HttpClient Client("https://j.example.com");
  Client.get();
  return 0;
}
