// The live dashboard: tracks the clients connected to the server, and lets
// other components (the pool, the client sessions) subscribe to its events.
// Every second it publishes a "refresh" event with a summary.
#pragma once

#include "query_types.hpp"

#include <leakguard/event_emitter.hpp>
#include <leakguard/lru_map.hpp>
#include <leakguard/timer_registry.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace fixed {

struct ClientInfo {
  std::string peer;
  Clock::time_point connected_at;
  Clock::time_point last_seen;
  std::uint64_t requests = 0;
  bool connected = true;
};

class Dashboard {
 public:
  explicit Dashboard(leakguard::timer_service& timers,
                     std::chrono::milliseconds refresh_every = std::chrono::seconds(1))
      : timers_(timers), refresh_every_(refresh_every) {
    // An entry evicted while its client is still connected leaves the count.
    clients_.set_eviction_callback(
        [this](const std::uint64_t&, ClientInfo& client, leakguard::eviction_reason reason) {
          if (reason == leakguard::eviction_reason::evicted && client.connected) --connected_;
        });
    // One listener per watching session plus the pool: more than this many
    // means subscriptions are leaking again (the runtime twin of the check).
    events_.set_max_listeners(kMaxClients);
  }

  void start() {
    refresh_ = timers_.set_interval(refresh_every_, [this] { publish({"refresh", stats_json()}); });
  }

  // The listener stays subscribed as long as the returned handle lives.
  template <class Listener>
  [[nodiscard]] leakguard::subscription subscribe(Listener&& listener) {
    return events_.on(std::forward<Listener>(listener));
  }

  void publish(const DashboardEvent& event) { events_.emit(event); }

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

  // Kept in the table (greyed out) so the history view can show it; the
  // table keeps the most recently active kMaxClients.
  void client_disconnected(std::uint64_t id) {
    auto it = clients_.find(id);
    if (it == clients_.end() || !it->second.connected) return;
    it->second.connected = false;
    --connected_;
  }

  void shutdown() {
    if (closed_) return;
    closed_ = true;
    refresh_.reset();
    publish({"shutdown", "{}"});
    events_.remove_all_listeners();
    clients_.clear();
    connected_ = 0;
  }

  std::string stats_json() const {
    return "{\"listeners\":" + std::to_string(events_.listener_count()) +
           ",\"clients_tracked\":" + std::to_string(clients_.size()) +
           ",\"clients_connected\":" + std::to_string(connected_) + "}";
  }

 private:
  static constexpr std::size_t kMaxClients = 1024;

  leakguard::timer_service& timers_;
  std::chrono::milliseconds refresh_every_;
  leakguard::event_emitter<DashboardEvent> events_{"dashboard"};
  leakguard::lru_map<std::uint64_t, ClientInfo> clients_{kMaxClients};
  std::uint64_t next_client_id_ = 1;
  std::size_t connected_ = 0;
  bool closed_ = false;
  // Last, so they are destroyed first: nothing fires into half-destroyed members.
  leakguard::timer_handle refresh_;
};

}  // namespace fixed
