// Plain data shared by the server's components.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fixed {

using Clock = std::chrono::steady_clock;

struct QueryResult {
  std::vector<std::string> rows;
  std::chrono::microseconds elapsed{0};
};

// One sample per executed query, for the pool's latency / utilisation graphs.
struct PoolMetrics {
  Clock::time_point at;
  std::size_t active = 0;
  std::size_t idle = 0;
  std::chrono::microseconds query_time{0};
  std::string statement;  // the SQL, for the "slowest statements" view
};

struct PoolAlert {
  Clock::time_point at;
  std::string message;
};

struct ScalingEvent {
  Clock::time_point at;
  std::size_t from = 0;
  std::size_t to = 0;
  std::string reason;
};

// What the dashboard pushes to its subscribers.
struct DashboardEvent {
  std::string kind;     // "refresh", "client_connected", "shutdown", ...
  std::string payload;  // a short JSON object
};

}  // namespace fixed
