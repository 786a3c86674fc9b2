// Stand-ins for real connection client libraries, for leak-global-connection.
// Names, namespaces and typedefs are spelled as in the real headers (boost
// 1.74 asio / beast, libpqxx 7, sqlite3.h, mysql.h, hiredis, redis-plus-plus,
// mongocxx 3.10, grpcpp, cpp-httplib, curl.h, IXWebSocket, cppzmq, drogon);
// bodies are minimal. Marked as a system header, as the real ones are.
#pragma clang system_header
#pragma once

#include <memory>
#include <string>

// ---- boost::asio / boost::beast -------------------------------------------
namespace boost {
namespace asio {
class any_io_executor {};
class io_context {
public:
  io_context() {}
  any_io_executor get_executor() { return {}; }
};
template <class Protocol, class Executor = any_io_executor>
class basic_socket {
public:
  explicit basic_socket(io_context &) {}
  void close() {}
};
template <class Protocol, class Executor = any_io_executor>
class basic_stream_socket : public basic_socket<Protocol, Executor> {
public:
  explicit basic_stream_socket(io_context &Io)
      : basic_socket<Protocol, Executor>(Io) {}
};
template <class Protocol, class Executor = any_io_executor>
class basic_datagram_socket : public basic_socket<Protocol, Executor> {
public:
  explicit basic_datagram_socket(io_context &Io)
      : basic_socket<Protocol, Executor>(Io) {}
};
template <class Protocol, class Executor = any_io_executor>
class basic_socket_acceptor {
public:
  explicit basic_socket_acceptor(io_context &) {}
  void close() {}
};
namespace ip {
class tcp {
public:
  typedef basic_stream_socket<tcp> socket;
  typedef basic_socket_acceptor<tcp> acceptor;
};
class udp {
public:
  typedef basic_datagram_socket<udp> socket;
};
} // namespace ip
namespace ssl {
class context {
public:
  enum method { tlsv12_client };
  explicit context(method) {}
};
template <typename Stream>
class stream {
public:
  template <typename Arg> stream(Arg &&, context &) {}
};
} // namespace ssl
} // namespace asio

namespace beast {
class unlimited_rate_policy {};
template <class Protocol, class Executor = asio::any_io_executor,
          class RatePolicy = unlimited_rate_policy>
class basic_stream {
public:
  explicit basic_stream(asio::io_context &) {}
  void close() {}
};
using tcp_stream = basic_stream<asio::ip::tcp>;
namespace websocket {
template <class NextLayer, bool deflateSupported = true>
class stream {
public:
  template <class... Args> explicit stream(Args &&...) {}
  void close(int) {}
};
} // namespace websocket
} // namespace beast
} // namespace boost

// ---- libpqxx 7 ---------------------------------------------------------------
namespace pqxx {
class connection {
public:
  connection() {}
  explicit connection(const char *Options) {}
  explicit connection(const std::string &Options) {}
  void close() {}
};
} // namespace pqxx

// ---- SQLite ------------------------------------------------------------------
extern "C" {
typedef struct sqlite3 sqlite3;
int sqlite3_open(const char *filename, sqlite3 **ppDb);
int sqlite3_close(sqlite3 *);
}

// ---- MySQL / MariaDB Connector/C ---------------------------------------------
extern "C" {
typedef struct st_mysql {
  unsigned int port;
} MYSQL;
MYSQL *mysql_init(MYSQL *mysql);
void mysql_close(MYSQL *sock);
}

// ---- hiredis -----------------------------------------------------------------
extern "C" {
typedef struct redisContext {
  int err;
} redisContext;
typedef struct redisAsyncContext {
  redisContext c;
} redisAsyncContext;
redisContext *redisConnect(const char *ip, int port);
void redisFree(redisContext *c);
}

// ---- redis-plus-plus ---------------------------------------------------------
namespace sw {
namespace redis {
class Redis {
public:
  explicit Redis(const std::string &uri) {}
};
} // namespace redis
} // namespace sw

// ---- mongocxx (3.10: declared in v_noabi, exported by using-declarations) ----
namespace mongocxx {
namespace v_noabi {
class uri {
public:
  uri() {}
  explicit uri(const char *) {}
};
class client {
public:
  client() noexcept {}
  explicit client(const uri &) {}
};
} // namespace v_noabi
using ::mongocxx::v_noabi::client;
using ::mongocxx::v_noabi::uri;
} // namespace mongocxx

// ---- gRPC --------------------------------------------------------------------
namespace grpc {
class ChannelCredentials {};
std::shared_ptr<ChannelCredentials> InsecureChannelCredentials();
class Channel final {
public:
  ~Channel() {}
};
std::shared_ptr<Channel>
CreateChannel(const std::string &target,
              const std::shared_ptr<ChannelCredentials> &creds);
} // namespace grpc

// ---- cpp-httplib ---------------------------------------------------------------
namespace httplib {
class ClientImpl {
public:
  explicit ClientImpl(const std::string &host) {}
  virtual ~ClientImpl() {}
  void stop() {}
};
class Client {
public:
  explicit Client(const std::string &scheme_host_port) {}
  Client(const std::string &host, int port) {}
  void stop() {}
};
} // namespace httplib

// ---- libcurl (without CURL_STRICTER, CURL and CURLM are void) -----------------
extern "C" {
typedef void CURL;
typedef void CURLM;
CURL *curl_easy_init(void);
void curl_easy_cleanup(CURL *curl);
CURLM *curl_multi_init(void);
}

// ---- IXWebSocket ---------------------------------------------------------------
namespace ix {
class WebSocket {
public:
  WebSocket() {}
  void setUrl(const std::string &url) {}
  void stop() {}
};
} // namespace ix

// ---- cppzmq --------------------------------------------------------------------
namespace zmq {
enum class socket_type : int { req = 3 };
class context_t {
public:
  context_t() {}
};
namespace detail {
class socket_base {
public:
  void close() noexcept {}
};
} // namespace detail
class socket_t : public detail::socket_base {
public:
  socket_t() noexcept {}
  socket_t(context_t &context, socket_type type) {}
};
} // namespace zmq

// ---- drogon ---------------------------------------------------------------------
namespace drogon {
namespace orm {
class DbClient {
public:
  virtual ~DbClient() {}
  static std::shared_ptr<DbClient> newPgClient(const std::string &connInfo,
                                               size_t connNum);
};
using DbClientPtr = std::shared_ptr<DbClient>;
} // namespace orm
} // namespace drogon
