// The database connection pool: hands out connections, caches query results,
// and records metrics, alerts and scaling decisions for the dashboard. A
// health check runs every few seconds.
#pragma once

#include "dashboard.hpp"
#include "external_api_client.hpp"
#include "query_types.hpp"

#include <leakguard/event_emitter.hpp>
#include <leakguard/lru_map.hpp>
#include <leakguard/ring_buffer.hpp>
#include <leakguard/timer_registry.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace fixed {

// Stands in for a database driver connection: executes a statement and
// returns rows. Deterministic, so the load generator can check replies.
class PooledConnection {
 public:
  explicit PooledConnection(int id) : id_(id) {}

  QueryResult execute(const std::string& sql) {
    const auto start = Clock::now();
    const std::size_t hash = std::hash<std::string>{}(sql);
    QueryResult result;
    const std::size_t row_count = 1 + hash % 4;
    for (std::size_t i = 0; i < row_count; ++i) {
      result.rows.push_back("row" + std::to_string(i) + ":conn" + std::to_string(id_) + ":" +
                            std::to_string((hash >> (i * 8)) & 0xffff) + std::string(48, 'x'));
    }
    ++executed_;
    result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    return result;
  }

  int id() const { return id_; }

 private:
  int id_;
  std::size_t executed_ = 0;
};

class ConnectionPoolManager : public std::enable_shared_from_this<ConnectionPoolManager> {
 public:
  ConnectionPoolManager(leakguard::timer_service& timers, std::size_t min_size, std::size_t max_size)
      : timers_(timers), min_size_(min_size), max_size_(max_size) {
    for (std::size_t i = 0; i < min_size_; ++i) idle_.push_back(open_connection());
  }

  // The health check holds the pool weakly: it ends with the pool.
  void start() {
    health_check_ = timers_.set_interval(kHealthInterval, weak_from_this(),
                                         [](ConnectionPoolManager& self) { self.check_health(); });
  }

  void stop() {
    health_check_.reset();
    dashboard_subscription_.reset();
    idle_.clear();
    query_cache_.clear();
    stopped_ = true;
  }

  // A surge of clients makes the pool open connections ahead of demand.
  void attach_dashboard(Dashboard& dashboard) {
    dashboard_subscription_ = dashboard.subscribe([this](const DashboardEvent& event) {
      if (event.kind == "client_connected") ++recent_connects_;
    });
  }

  QueryResult query(const std::string& sql, bool& from_cache) {
    auto cached = query_cache_.find(sql);
    if (cached != query_cache_.end()) {
      from_cache = true;
      return cached->second;
    }
    from_cache = false;
    std::unique_ptr<PooledConnection> connection = acquire();
    QueryResult result = connection->execute(sql);
    release(std::move(connection));
    record_query(sql, result);
    query_cache_[sql] = result;
    return result;
  }

  std::string stats_json() const {
    return "{\"open\":" + std::to_string(open_) + ",\"idle\":" + std::to_string(idle_.size()) +
           ",\"metrics\":" + std::to_string(metrics_.size()) + ",\"alerts\":" + std::to_string(alerts_.size()) +
           ",\"scaling_events\":" + std::to_string(scaling_events_.size()) +
           ",\"cache_entries\":" + std::to_string(query_cache_.size()) + "}";
  }

 private:
  static constexpr auto kHealthInterval = std::chrono::seconds(2);
  static constexpr auto kSlowQuery = std::chrono::microseconds(50);

  std::unique_ptr<PooledConnection> open_connection() {
    ++open_;
    return std::make_unique<PooledConnection>(next_connection_id_++);
  }

  std::unique_ptr<PooledConnection> acquire() {
    if (idle_.empty()) {
      if (open_ < max_size_) return open_connection();
      // Over the limit: a real pool would queue; this one opens anyway and
      // lets the health check shrink it again.
      alerts_.push_back({Clock::now(), "pool exhausted: " + std::to_string(open_) + " open"});
      return open_connection();
    }
    std::unique_ptr<PooledConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }

  void release(std::unique_ptr<PooledConnection> connection) {
    if (stopped_) return;
    idle_.push_back(std::move(connection));
  }

  void record_query(const std::string& sql, const QueryResult& result) {
    metrics_.push_back({Clock::now(), open_ - idle_.size(), idle_.size(), result.elapsed, sql});
    if (result.elapsed > kSlowQuery) {
      alerts_.push_back({Clock::now(), "slow query (" + std::to_string(result.elapsed.count()) + " us): " + sql});
      g_api->report("slow_query " + sql);
    }
  }

  void check_health() {
    const std::size_t busy = open_ - idle_.size();
    const double utilisation = max_size_ ? static_cast<double>(busy) / static_cast<double>(max_size_) : 0.0;
    if (recent_connects_ > 100 && open_ < max_size_) {
      const std::size_t target = std::min(max_size_, open_ + 4);
      scaling_events_.push_back({Clock::now(), open_, target, "client surge"});
      while (open_ < target) idle_.push_back(open_connection());
    } else if (utilisation < 0.1 && idle_.size() > min_size_) {
      scaling_events_.push_back({Clock::now(), open_, open_ - 1, "idle"});
      idle_.pop_back();
      --open_;
    }
    recent_connects_ = 0;
  }

  leakguard::timer_service& timers_;
  std::size_t min_size_;
  std::size_t max_size_;
  std::size_t open_ = 0;
  int next_connection_id_ = 1;
  std::size_t recent_connects_ = 0;
  bool stopped_ = false;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  leakguard::ring_buffer<PoolMetrics> metrics_{1024};
  leakguard::ring_buffer<PoolAlert> alerts_{1024};
  leakguard::ring_buffer<ScalingEvent> scaling_events_{1024};
  leakguard::lru_map<std::string, QueryResult> query_cache_{1024};
  // Last, so they are destroyed first: nothing fires into half-destroyed members.
  leakguard::timer_handle health_check_;
  leakguard::subscription dashboard_subscription_;
};

}  // namespace fixed
