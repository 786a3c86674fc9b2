// RUN: %check_leakguard -check-suffixes=,CLOSE %s leak-global-connection %t
// RUN: %check_leakguard -check-suffixes=,DISCONNECT %s leak-global-connection %t \
// RUN:   -- --config="{CheckOptions: [{key: leak-global-connection.ShutdownMethods, value: 'disconnect'}]}"
// RUN: %check_leakguard -check-suffixes=CUSTOM %s leak-global-connection %t \
// RUN:   -- --config="{CheckOptions: [{key: leak-global-connection.ConnectionTypes, value: 'acme::Link;acme::.*Pipe'}, {key: leak-global-connection.ConnectionNamePattern, value: ''}, {key: leak-global-connection.AllowedTypes, value: 'acme::BlessedPipe'}]}"
// RUN: %check_leakguard -check-suffixes=PATTERN %s leak-global-connection %t \
// RUN:   -- --config="{CheckOptions: [{key: leak-global-connection.ConnectionNamePattern, value: '^Remote|Pool$'}, {key: leak-global-connection.AllowedTypes, value: ''}]}"

// ConnectionTypes (qualified names or regular expressions, replacing the
// default list), ConnectionNamePattern (on the unqualified class name; empty
// turns it off), AllowedTypes (never connection-like; replaces the default
// list) and ShutdownMethods (calls that close a singleton).

namespace acme {
class Link {
public:
  Link();
};
class DataPipe {
public:
  DataPipe();
};
class BlessedPipe {
public:
  BlessedPipe();
};
} // namespace acme
class HttpClient {
public:
  HttpClient();
};
class RemoteLogger {
public:
  RemoteLogger();
};
class ThreadPool {
public:
  ThreadPool();
};

acme::Link Link;
// CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:12: warning: global 'Link' creates connection-like 'acme::Link'
acme::DataPipe Pipe;
// CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:16: warning: global 'Pipe' creates connection-like 'acme::DataPipe'
acme::BlessedPipe Blessed;
HttpClient Http;
// CHECK-MESSAGES: :[[@LINE-1]]:12: warning: global 'Http' creates connection-like 'HttpClient'
RemoteLogger Logger;
// CHECK-MESSAGES-PATTERN: :[[@LINE-1]]:14: warning: global 'Logger' creates connection-like 'RemoteLogger'
// Allowed by default (AllowedTypes lists worker pools); connection-like by
// its name once AllowedTypes is emptied.
ThreadPool Workers;
// CHECK-MESSAGES-PATTERN: :[[@LINE-1]]:12: warning: global 'Workers' creates connection-like 'ThreadPool'

// The default list is replaced, not extended: no pqxx in CUSTOM.
namespace pqxx {
class connection {
public:
  connection();
};
} // namespace pqxx
pqxx::connection Db;
// CHECK-MESSAGES: :[[@LINE-1]]:18: warning: global 'Db' creates connection-like 'pqxx::connection'
// CHECK-MESSAGES-PATTERN: :[[@LINE-2]]:18: warning: global 'Db' creates connection-like 'pqxx::connection'

// ShutdownMethods: `disconnect` closes only when configured, and then
// `close` no longer does.
class LinkClient {
public:
  LinkClient();
  void disconnect();
  void close();
};
LinkClient &disconnected() {
  static LinkClient Client;
  // CHECK-MESSAGES-CLOSE: :[[@LINE-1]]:21: warning: function-local static 'Client' holds connection-like 'LinkClient' that is never closed
  return Client;
}
LinkClient &closed() {
  static LinkClient Client;
  // CHECK-MESSAGES-DISCONNECT: :[[@LINE-1]]:21: warning: function-local static 'Client' holds connection-like 'LinkClient' that is never closed
  return Client;
}
void shutdown() {
  disconnected().disconnect();
  closed().close();
}
