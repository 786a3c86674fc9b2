// RUN: %check_leakguard %s leak-global-connection %t -- -- -I%runtime_include

// Against the real Boost.Asio headers: the default ConnectionTypes entries
// match the real class templates behind the typedefs, and the fixed file
// compiles.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <memory>

boost::asio::io_context Io;

// A value socket: note only.
boost::asio::ip::udp::socket Metrics(Io, boost::asio::ip::udp::v4());
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: global 'Metrics' creates connection-like 'boost::asio::ip::udp::socket' (aka 'basic_datagram_socket<{{(boost::asio::ip::)?}}udp>') during static initialisation, before main() and in an order nobody controls [leak-global-connection]

// A smart pointer used through `->`: rewritten, still referring to Io.
std::unique_ptr<boost::asio::ip::tcp::socket> Upstream =
    std::make_unique<boost::asio::ip::tcp::socket>(Io);
// CHECK-MESSAGES: :[[@LINE-2]]:47: warning: global 'Upstream' creates connection-like 'boost::asio::ip::tcp::socket' (aka 'basic_stream_socket<{{(boost::asio::ip::)?}}tcp>')
// CHECK-FIXES: leakguard::managed_singleton<boost::asio::ip::tcp::socket> Upstream{[] { return std::make_unique<boost::asio::ip::tcp::socket>(Io); }};

boost::asio::ip::tcp::acceptor &listener() {
  static boost::asio::ip::tcp::acceptor Acceptor(
      Io, boost::asio::ip::tcp::endpoint(boost::asio::ip::tcp::v4(), 8080));
  // CHECK-MESSAGES: :[[@LINE-2]]:41: warning: function-local static 'Acceptor' holds connection-like 'boost::asio::ip::tcp::acceptor' (aka 'basic_socket_acceptor<{{(boost::asio::ip::)?}}tcp>') that is never closed
  return Acceptor;
}

// Silent: closed on shutdown through its accessor.
boost::asio::ip::tcp::acceptor &adminListener() {
  static boost::asio::ip::tcp::acceptor Acceptor(Io);
  return Acceptor;
}
void stopAdmin() { adminListener().close(); }

bool isOpen() { return Upstream->is_open(); }
