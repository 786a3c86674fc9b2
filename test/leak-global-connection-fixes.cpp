// RUN: %check_leakguard %s leak-global-connection %t -- -- -I%runtime_include

// Fix-its of rules 1 and 2: a pointer or smart pointer global whose every
// use is `->`, `*` or `.get()` becomes a leakguard::managed_singleton made by
// a factory lambda (each use stays valid; the fixed file is compiled). All
// other shapes get the note only.

#include "Inputs/connection_clients.h"
#include <cstdlib>
#include <memory>
// CHECK-FIXES: #include <cstdlib>
// CHECK-FIXES-NEXT: #include <leakguard/managed_singleton.hpp>
// CHECK-FIXES-NEXT: #include <memory>

class HttpClient {
public:
  explicit HttpClient(const char *Url);
  void get();
  void close();
};
struct StatsClient {
  const char *Host;
  int Port;
  void send(int Value);
};
class BaseClient {
public:
  virtual ~BaseClient();
  virtual void get() = 0;
};
class RestClient : public BaseClient {
public:
  explicit RestClient(int Retries);
  void get() override;
};

// ---- Fixed ---------------------------------------------------------------------------------------

HttpClient *Api = new HttpClient("https://api.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'Api' creates connection-like 'HttpClient' during static initialisation, before main() and in an order nobody controls [leak-global-connection]
// CHECK-FIXES: leakguard::managed_singleton<HttpClient> Api{[] { return std::make_unique<HttpClient>("https://api.example.com"); }};
pqxx::connection *Db = new pqxx::connection;
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: global 'Db' creates connection-like 'pqxx::connection'
// CHECK-FIXES: leakguard::managed_singleton<pqxx::connection> Db{[] { return std::make_unique<pqxx::connection>(); }};

// An aggregate: std::make_unique cannot brace-initialise it in C++17.
StatsClient *Stats = new StatsClient{"stats", 8125};
// CHECK-MESSAGES: :[[@LINE-1]]:14: warning: global 'Stats' creates connection-like 'StatsClient'
// CHECK-FIXES: leakguard::managed_singleton<StatsClient> Stats{[] { return std::unique_ptr<StatsClient>(new StatsClient{"stats", 8125}); }};

std::unique_ptr<HttpClient> Unique =
    std::make_unique<HttpClient>(std::getenv("API_URL"));
// CHECK-MESSAGES: :[[@LINE-2]]:29: warning: global 'Unique' creates connection-like 'HttpClient'
// CHECK-FIXES: leakguard::managed_singleton<HttpClient> Unique{[] { return std::make_unique<HttpClient>(std::getenv("API_URL")); }};
std::shared_ptr<pqxx::connection> Shared =
    std::make_shared<pqxx::connection>("host=db");
// CHECK-MESSAGES: :[[@LINE-2]]:35: warning: global 'Shared' creates connection-like 'pqxx::connection'
// CHECK-FIXES: leakguard::managed_singleton<pqxx::connection> Shared{[] { return std::make_unique<pqxx::connection>("host=db"); }};
std::unique_ptr<HttpClient> Adopting(new HttpClient("https://adopt.example.com"));
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: global 'Adopting' creates connection-like 'HttpClient'
// CHECK-FIXES: leakguard::managed_singleton<HttpClient> Adopting{[] { return std::make_unique<HttpClient>("https://adopt.example.com"); }};

// A derived class: the lambda names the singleton's return type.
std::unique_ptr<BaseClient> Rest = std::make_unique<RestClient>(3);
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: global 'Rest' creates connection-like 'BaseClient'
// CHECK-FIXES: leakguard::managed_singleton<BaseClient> Rest{[]() -> std::unique_ptr<BaseClient> { return std::make_unique<RestClient>(3); }};

// Specifiers before the type stay; `auto` is spelled out.
static HttpClient *Internal = new HttpClient("https://internal.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: global 'Internal' creates connection-like 'HttpClient'
// CHECK-FIXES: static leakguard::managed_singleton<HttpClient> Internal{[] { return std::make_unique<HttpClient>("https://internal.example.com"); }};
namespace net {
auto *Deduced = new HttpClient("https://deduced.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:7: warning: global 'Deduced' creates connection-like 'HttpClient'
// CHECK-FIXES: leakguard::managed_singleton<HttpClient> Deduced{[] { return std::make_unique<HttpClient>("https://deduced.example.com"); }};
auto DeducedShared = std::make_shared<HttpClient>("https://shared.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:6: warning: global 'DeducedShared' creates connection-like 'HttpClient'
// CHECK-FIXES: leakguard::managed_singleton<HttpClient> DeducedShared{[] { return std::make_unique<HttpClient>("https://shared.example.com"); }};
HttpClient *const Constant = new HttpClient("https://const.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: global 'Constant' creates connection-like 'HttpClient'
// CHECK-FIXES: leakguard::managed_singleton<HttpClient> Constant{[] { return std::make_unique<HttpClient>("https://const.example.com"); }};
} // namespace net
const std::unique_ptr<HttpClient> ConstUnique = std::make_unique<HttpClient>("https://c.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:35: warning: global 'ConstUnique' creates connection-like 'HttpClient'
// CHECK-FIXES: const leakguard::managed_singleton<HttpClient> ConstUnique{[] { return std::make_unique<HttpClient>("https://c.example.com"); }};
inline HttpClient *InlineClient = new HttpClient("https://inline.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: global 'InlineClient' creates connection-like 'HttpClient'
// CHECK-FIXES: inline leakguard::managed_singleton<HttpClient> InlineClient{[] { return std::make_unique<HttpClient>("https://inline.example.com"); }};

void useFixed() {
  Api->get();
  (*Api).close();
  Db->close();
  Stats->send(1);
  Unique->get();
  Unique.get()->close();
  (*Shared).close();
  Adopting->get();
  Rest->get();
  Internal->get();
  net::Deduced->get();
  net::DeducedShared->get();
  net::Constant->get();
  ConstUnique->get();
  InlineClient->get();
}

// ---- Note only: a managed_singleton could not take the place ---------------------------------

// Compared with nullptr, tested, deleted, reset, passed on, reassigned.
HttpClient *Compared = new HttpClient("https://a.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'Compared' creates connection-like 'HttpClient'
// CHECK-FIXES: HttpClient *Compared = new HttpClient("https://a.example.com");
bool hasCompared() { return Compared != nullptr; }
std::unique_ptr<HttpClient> Tested = std::make_unique<HttpClient>("https://b.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: global 'Tested' creates connection-like 'HttpClient'
// CHECK-FIXES: std::unique_ptr<HttpClient> Tested = std::make_unique<HttpClient>("https://b.example.com");
bool hasTested() { return static_cast<bool>(Tested); }
HttpClient *Deleted = new HttpClient("https://c.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'Deleted' creates connection-like 'HttpClient'
// CHECK-FIXES: HttpClient *Deleted = new HttpClient("https://c.example.com");
void deleteIt() { delete Deleted; }
std::unique_ptr<HttpClient> ResetLater = std::make_unique<HttpClient>("https://d.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: global 'ResetLater' creates connection-like 'HttpClient'
// CHECK-FIXES: std::unique_ptr<HttpClient> ResetLater = std::make_unique<HttpClient>("https://d.example.com");
void resetIt() { ResetLater.reset(); }
void take(HttpClient *Client);
HttpClient *PassedOn = new HttpClient("https://e.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'PassedOn' creates connection-like 'HttpClient'
// CHECK-FIXES: HttpClient *PassedOn = new HttpClient("https://e.example.com");
void passIt() { take(PassedOn); }
HttpClient *Reassigned = new HttpClient("https://f.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'Reassigned' creates connection-like 'HttpClient'
// CHECK-FIXES: HttpClient *Reassigned = new HttpClient("https://f.example.com");
void reconnect() { Reassigned = new HttpClient("https://g.example.com"); }

// A declaration the rewrite cannot reach: several declarators, an earlier
// declaration, a static member's in-class declaration, a macro.
HttpClient *First = new HttpClient("https://h.example.com"), *Second = new HttpClient("https://i.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'First' creates connection-like 'HttpClient'
// CHECK-MESSAGES: :[[@LINE-2]]:63: warning: global 'Second' creates connection-like 'HttpClient'
// CHECK-FIXES: HttpClient *First = new HttpClient("https://h.example.com"), *Second = new HttpClient("https://i.example.com");
extern HttpClient *Declared;
HttpClient *Declared = new HttpClient("https://j.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'Declared' creates connection-like 'HttpClient'
// CHECK-FIXES: HttpClient *Declared = new HttpClient("https://j.example.com");
struct Registry {
  static HttpClient *Client;
};
HttpClient *Registry::Client = new HttpClient("https://k.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: static member 'Client' creates connection-like 'HttpClient'
// CHECK-FIXES: HttpClient *Registry::Client = new HttpClient("https://k.example.com");
#define DEFINE_CLIENT(Name, Url) HttpClient *Name = new HttpClient(Url)
DEFINE_CLIENT(FromMacro, "https://l.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: global 'FromMacro' creates connection-like 'HttpClient'
// CHECK-FIXES: DEFINE_CLIENT(FromMacro, "https://l.example.com");

// The object is const, or held with a custom deleter, or made by a
// factory whose ownership is not visible.
const HttpClient *ReadOnly = new HttpClient("https://m.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: global 'ReadOnly' creates connection-like 'HttpClient'
// CHECK-FIXES: const HttpClient *ReadOnly = new HttpClient("https://m.example.com");
struct CloseClient {
  void operator()(HttpClient *Client) const;
};
std::unique_ptr<HttpClient, CloseClient> CustomDeleter(new HttpClient("https://n.example.com"));
// CHECK-MESSAGES: :[[@LINE-1]]:42: warning: global 'CustomDeleter' creates connection-like 'HttpClient'
// CHECK-FIXES: std::unique_ptr<HttpClient, CloseClient> CustomDeleter(new HttpClient("https://n.example.com"));
HttpClient *makeClient();
HttpClient *Made = makeClient();
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'Made' creates connection-like 'HttpClient'
// CHECK-FIXES: HttpClient *Made = makeClient();

// A QObject with a parent: its parent deletes it, a managed_singleton would
// delete it again.
class QObject {
public:
  explicit QObject(QObject *Parent = nullptr);
};
class QWebSocket : public QObject {
public:
  explicit QWebSocket(QObject *Parent = nullptr);
  void open();
};
QObject *Root = new QObject;
QWebSocket *Parented = new QWebSocket(Root);
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global 'Parented' creates connection-like 'QWebSocket'
// CHECK-FIXES: QWebSocket *Parented = new QWebSocket(Root);

// A value object: `Client.get()` would have to become `Client->get()`.
HttpClient Value("https://o.example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:12: warning: global 'Value' creates connection-like 'HttpClient'
// CHECK-FIXES: HttpClient Value("https://o.example.com");

// Rule 2 (assigned later) is never rewritten: the assignment would stay.
HttpClient *Later = nullptr;
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: global pointer 'Later' owns connection-like 'HttpClient' created with 'new' and never deleted or closed in this translation unit
// CHECK-FIXES: HttpClient *Later = nullptr;
void initLater() { Later = new HttpClient("https://p.example.com"); }

void useNoteOnly() {
  Compared->get();
  Tested->get();
  Value.get();
  CustomDeleter->get();
  Parented->open();
}
