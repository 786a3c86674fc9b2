// The live dashboard: tracks the clients connected to the server, and lets
// other components (the pool, the client sessions) subscribe to its events.
// Every second it publishes a "refresh" event with a summary.
#pragma once

#include "query_types.hpp"

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace leaky {

struct ClientInfo {
  std::string peer;
  Clock::time_point connected_at;
  Clock::time_point last_seen;
  std::uint64_t requests = 0;
  bool connected = true;
};

class Dashboard {
 public:
  using Listener = std::function<void(const DashboardEvent&)>;

  explicit Dashboard(asio::io_context& io, std::chrono::milliseconds refresh_every = std::chrono::seconds(1))
      : refresh_timer_(io), refresh_every_(refresh_every) {}

  void start() { schedule_refresh(); }

  // Returns the listener's index, for log lines.
  std::size_t subscribe(Listener listener) {
    listeners_.push_back(std::move(listener));
    return listeners_.size() - 1;
  }

  void publish(const DashboardEvent& event) {
    for (std::size_t i = 0; i < listeners_.size(); ++i) listeners_[i](event);
  }

  std::uint64_t client_connected(const std::string& peer) {
    const std::uint64_t id = next_client_id_++;
    const auto now = Clock::now();
    clients_.emplace(id, ClientInfo{peer, now, now, 0, true});
    ++connected_;
    publish({"client_connected", "{\"id\":" + std::to_string(id) + "}"});
    return id;
  }

  void client_request(std::uint64_t id) {
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    ++it->second.requests;
    it->second.last_seen = Clock::now();
  }

  // Kept in the table (greyed out) so the history view can show it.
  void client_disconnected(std::uint64_t id) {
    auto it = clients_.find(id);
    if (it == clients_.end() || !it->second.connected) return;
    it->second.connected = false;
    --connected_;
  }

  void shutdown() {
    if (closed_) return;
    closed_ = true;
    publish({"shutdown", "{}"});
  }

  std::string stats_json() const {
    return "{\"listeners\":" + std::to_string(listeners_.size()) +
           ",\"clients_tracked\":" + std::to_string(clients_.size()) +
           ",\"clients_connected\":" + std::to_string(connected_) + "}";
  }

 private:
  void schedule_refresh() {
    refresh_timer_.expires_after(refresh_every_);
    refresh_timer_.async_wait([this](const std::error_code& error) {
      if (error) return;
      publish({"refresh", stats_json()});
      schedule_refresh();
    });
  }

  asio::steady_timer refresh_timer_;
  std::chrono::milliseconds refresh_every_;
  std::vector<Listener> listeners_;
  std::unordered_map<std::uint64_t, ClientInfo> clients_;
  std::uint64_t next_client_id_ = 1;
  std::size_t connected_ = 0;
  bool closed_ = false;
};

}  // namespace leaky
