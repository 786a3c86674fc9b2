// RUN: %check_leakguard %s leak-global-connection %t

// Every entry of the default ConnectionTypes, spelled as the real libraries
// spell them (see Inputs/connection_clients.h). Initialised by factories or
// held by value, so no fix-it applies here.

#include "Inputs/connection_clients.h"
#include <cstdlib>

boost::asio::io_context Io;
boost::asio::ssl::context Tls(boost::asio::ssl::context::tlsv12_client);

boost::asio::ip::tcp::socket TcpSocket(Io);
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: global 'TcpSocket' creates connection-like 'boost::asio::ip::tcp::socket' (aka 'basic_stream_socket<{{(boost::asio::ip::)?}}tcp>') during static initialisation, before main() and in an order nobody controls [leak-global-connection]
boost::asio::ip::udp::socket UdpSocket(Io);
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: global 'UdpSocket' creates connection-like 'boost::asio::ip::udp::socket' (aka 'basic_datagram_socket<{{(boost::asio::ip::)?}}udp>')
boost::asio::ip::tcp::acceptor Acceptor(Io);
// CHECK-MESSAGES: :[[@LINE-1]]:32: warning: global 'Acceptor' creates connection-like 'boost::asio::ip::tcp::acceptor' (aka 'basic_socket_acceptor<{{(boost::asio::ip::)?}}tcp>')
boost::asio::ssl::stream<boost::asio::ip::tcp::socket> TlsStream(Io, Tls);
// CHECK-MESSAGES: :[[@LINE-1]]:56: warning: global 'TlsStream' creates connection-like 'boost::asio::ssl::stream<boost::asio::ip::tcp::socket>' (aka '{{(boost::asio::ssl::)?}}stream<basic_stream_socket<{{(boost::asio::ip::)?}}tcp>>')
boost::beast::tcp_stream BeastStream(Io);
// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: global 'BeastStream' creates connection-like 'boost::beast::tcp_stream' (aka 'basic_stream<asio::ip::tcp>')
boost::beast::websocket::stream<boost::beast::tcp_stream> WebSocketStream(Io);
// CHECK-MESSAGES: :[[@LINE-1]]:59: warning: global 'WebSocketStream' creates connection-like 'boost::beast::websocket::stream<boost::beast::tcp_stream>' (aka '{{(boost::beast::websocket::)?}}stream<basic_stream<asio::ip::tcp>>')
pqxx::connection Postgres(std::getenv("DATABASE_URL"));
// CHECK-MESSAGES: :[[@LINE-1]]:18: warning: global 'Postgres' creates connection-like 'pqxx::connection'
sqlite3 *openDatabase();
sqlite3 *Sqlite = openDatabase();
// CHECK-MESSAGES: :[[@LINE-1]]:10: warning: global 'Sqlite' creates connection-like 'sqlite3'
MYSQL *MySql = mysql_init(nullptr);
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: global 'MySql' creates connection-like 'MYSQL' (aka '{{(struct )?}}st_mysql')
redisContext *Redis = redisConnect("127.0.0.1", 6379);
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: global 'Redis' creates connection-like 'redisContext'
redisAsyncContext *redisAsyncConnect(const char *Ip, int Port);
redisAsyncContext *AsyncRedis = redisAsyncConnect("127.0.0.1", 6379);
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: global 'AsyncRedis' creates connection-like 'redisAsyncContext'
sw::redis::Redis RedisPlusPlus("tcp://127.0.0.1:6379");
// CHECK-MESSAGES: :[[@LINE-1]]:18: warning: global 'RedisPlusPlus' creates connection-like 'sw::redis::Redis'
mongocxx::client Mongo{mongocxx::uri{"mongodb://localhost"}};
// CHECK-MESSAGES: :[[@LINE-1]]:18: warning: global 'Mongo' creates connection-like 'mongocxx::client'
// mongocxx 4 declares its ABI-stable classes in v1.
namespace mongocxx {
namespace v1 {
class pool {
public:
  pool();
};
} // namespace v1
} // namespace mongocxx
mongocxx::v1::pool MongoPool;
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: global 'MongoPool' creates connection-like 'mongocxx::v1::pool'
std::shared_ptr<grpc::Channel> Grpc =
    grpc::CreateChannel("localhost:50051", grpc::InsecureChannelCredentials());
// CHECK-MESSAGES: :[[@LINE-2]]:32: warning: global 'Grpc' creates connection-like 'grpc::Channel'
httplib::Client Http("https://example.com");
// CHECK-MESSAGES: :[[@LINE-1]]:17: warning: global 'Http' creates connection-like 'httplib::Client'
CURL *Curl = curl_easy_init();
// CHECK-MESSAGES: :[[@LINE-1]]:7: warning: global 'Curl' creates connection-like 'CURL' (aka 'void')
CURLM *CurlMulti = curl_multi_init();
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: global 'CurlMulti' creates connection-like 'CURLM' (aka 'void')
ix::WebSocket IxWebSocket;
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: global 'IxWebSocket' creates connection-like 'ix::WebSocket'
zmq::context_t ZmqContext;
zmq::socket_t ZmqSocket(ZmqContext, zmq::socket_type::req);
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: global 'ZmqSocket' creates connection-like 'zmq::socket_t'
drogon::orm::DbClientPtr Drogon =
    drogon::orm::DbClient::newPgClient("host=127.0.0.1", 1);
// CHECK-MESSAGES: :[[@LINE-2]]:26: warning: global 'Drogon' creates connection-like 'drogon::orm::DbClient'

// Silent: the contexts, credentials and options around the connections are
// not connections (Io and Tls above, ZmqContext).
std::shared_ptr<grpc::ChannelCredentials> Credentials =
    grpc::InsecureChannelCredentials();
mongocxx::uri MongoUri{"mongodb://localhost"};
