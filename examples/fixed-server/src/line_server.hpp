// The TCP front end: one line per request.
//   QUERY <sql>   -> "OK <rows> <cached 0|1> <first row>"
//   STATS         -> one line of JSON: memory probe and component sizes
//   WATCH         -> dashboard events are pushed as "EVENT <kind> <payload>"
//   PING          -> "PONG";   QUIT -> closes the connection
#pragma once

#include "connection_pool_manager.hpp"
#include "dashboard.hpp"
#include "memory_monitor.hpp"

#include <leakguard/event_emitter.hpp>
#include <leakguard/memory_probe.hpp>
#include <leakguard/timer_registry.hpp>

#include <asio/buffer.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fixed {

struct Services {
  std::shared_ptr<ConnectionPoolManager> pool;
  std::shared_ptr<Dashboard> dashboard;
  MemoryMonitor* monitor = nullptr;
  leakguard::timer_service* timers = nullptr;
  std::uint64_t requests = 0;
};

// The api client is created on first use; STATS does not create it.
inline std::size_t api_reported() { return g_api.is_live() ? g_api->reported() : 0; }

inline std::string stats_line(const Services& services) {
  const leakguard::memory_probe_result probe = leakguard::try_take_memory_snapshot();
  return "{\"requests\":" + std::to_string(services.requests) +
         ",\"memory\":" + (probe ? probe->to_json() : "null") +
         ",\"pool\":" + services.pool->stats_json() + ",\"dashboard\":" + services.dashboard->stats_json() +
         ",\"monitor\":" + services.monitor->stats_json() + ",\"timers_active\":" + std::to_string(services.timers->active_count()) +
         ",\"api_reported\":" + std::to_string(api_reported()) +
         "}";
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  using CloseHandler = std::function<void(std::uint64_t client_id)>;

  Session(asio::ip::tcp::socket socket, Services& services, CloseHandler on_close)
      : socket_(std::move(socket)), services_(services), on_close_(std::move(on_close)) {}

  std::uint64_t client_id() const { return client_id_; }

  void start() {
    std::error_code ignored;
    const auto peer = socket_.remote_endpoint(ignored);
    client_id_ = services_.dashboard->client_connected(peer.address().to_string() + ":" + std::to_string(peer.port()));
    // The session owns its subscription: the listener goes when the session closes.
    dashboard_subscription_ = services_.dashboard->subscribe(
        [this](const DashboardEvent& event) { on_dashboard_event(event); });
    read_line();
  }

  void close() {
    if (!socket_.is_open()) return;
    std::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    dashboard_subscription_.reset();
    services_.dashboard->client_disconnected(client_id_);
    if (on_close_) on_close_(client_id_);
  }

 private:
  void read_line() {
    asio::async_read_until(socket_, input_, '\n',
                           [self = shared_from_this()](const std::error_code& error, std::size_t) {
                             if (error) return self->close();
                             std::istream stream(&self->input_);
                             std::string line;
                             std::getline(stream, line);
                             if (!line.empty() && line.back() == '\r') line.pop_back();
                             if (self->handle(line)) self->read_line();
                           });
  }

  // Returns false when the connection should end.
  bool handle(const std::string& line) {
    ++services_.requests;
    services_.dashboard->client_request(client_id_);
    if (line.rfind("QUERY ", 0) == 0) {
      bool cached = false;
      const QueryResult result = services_.pool->query(line.substr(6), cached);
      send("OK " + std::to_string(result.rows.size()) + " " + (cached ? "1 " : "0 ") +
           (result.rows.empty() ? std::string() : result.rows.front()));
    } else if (line == "STATS") {
      send(stats_line(services_));
    } else if (line == "WATCH") {
      watching_ = true;
      send("OK watching");
    } else if (line == "PING") {
      send("PONG");
    } else if (line == "QUIT") {
      quit_ = true;
      send("BYE");
      return false;
    } else {
      send("ERR unknown command");
    }
    return true;
  }

  void on_dashboard_event(const DashboardEvent& event) {
    if (watching_ && socket_.is_open()) send("EVENT " + event.kind + " " + event.payload);
  }

  void send(std::string line) {
    outbox_.push_back(std::move(line) + "\n");
    if (outbox_.size() == 1) write_next();
  }

  void write_next() {
    asio::async_write(socket_, asio::buffer(outbox_.front()),
                      [self = shared_from_this()](const std::error_code& error, std::size_t) {
                        self->outbox_.pop_front();
                        if (error) return self->close();
                        if (!self->outbox_.empty()) {
                          self->write_next();
                        } else if (!self->reading()) {
                          self->close();
                        }
                      });
  }

  bool reading() const { return socket_.is_open() && !quit_; }

  asio::ip::tcp::socket socket_;
  Services& services_;
  asio::streambuf input_;
  std::deque<std::string> outbox_;
  std::uint64_t client_id_ = 0;
  bool watching_ = false;
  bool quit_ = false;
  CloseHandler on_close_;
  leakguard::subscription dashboard_subscription_;
};

class LineServer {
 public:
  LineServer(asio::io_context& io, unsigned short port, Services& services)
      : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)), services_(services) {}

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  void start() { accept_next(); }

  void stop() {
    std::error_code ignored;
    acceptor_.close(ignored);
  }

  // Shutdown: closes every open session; returns how many.
  std::size_t close_sessions() {
    std::vector<std::shared_ptr<Session>> open;
    for (auto& entry : sessions_) {
      if (auto session = entry.second.lock()) open.push_back(std::move(session));
    }
    for (auto& session : open) session->close();  // each close() erases its entry
    sessions_.clear();
    return open.size();
  }

  std::size_t open_sessions() const { return sessions_.size(); }

 private:
  void accept_next() {
    acceptor_.async_accept([this](const std::error_code& error, asio::ip::tcp::socket socket) {
      if (error) return;  // closed by stop()
      auto session = std::make_shared<Session>(std::move(socket), services_,
                                               [this](std::uint64_t id) { sessions_.erase(id); });
      session->start();
      sessions_.emplace(session->client_id(), session);
      accept_next();
    });
  }

  asio::ip::tcp::acceptor acceptor_;
  Services& services_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
};

}  // namespace fixed
