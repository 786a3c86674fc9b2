// leaky-server: the incident's server in C++, with all four leak shapes.
// Usage: leaky-server [port]   (0 or none: any free port, printed on stdout)
#include "connection_pool_manager.hpp"
#include "dashboard.hpp"
#include "line_server.hpp"
#include "memory_monitor.hpp"

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>

int main(int argc, char** argv) {
  const unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 0;
  try {
    asio::io_context io;
    auto dashboard = std::make_shared<leaky::Dashboard>(io);
    auto pool = std::make_shared<leaky::ConnectionPoolManager>(io, 4, 32);
    leaky::MemoryMonitor monitor(io, std::chrono::milliseconds(250));
    leaky::Services services{pool, dashboard, &monitor};
    leaky::LineServer server(io, port, services);

    pool->attach_dashboard(*dashboard);
    pool->start();
    dashboard->start();
    monitor.start();
    server.start();

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const std::error_code& error, int signal_number) {
      if (error) return;
      std::printf("signal %d: shutting down\n", signal_number);
      std::fflush(stdout);
      server.stop();
      dashboard->shutdown();
      pool->stop();
      io.stop();
    });

    std::printf("LISTENING %u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    io.run();
    std::printf("stopped\n");
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "leaky-server: %s\n", error.what());
    return 1;
  }
}
