// Samples the process's memory every few hundred milliseconds, keeps the
// samples for the "memory over time" graph and raises an alert when the heap
// grew for several samples in a row.
#pragma once

#include "query_types.hpp"

#include <leakguard/memory_probe.hpp>
#include <leakguard/ring_buffer.hpp>
#include <leakguard/timer_registry.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fixed {

struct MemorySample {
  Clock::time_point at;
  leakguard::memory_snapshot snapshot;
};

struct MemoryAlert {
  Clock::time_point at;
  std::string message;
};

class MemoryMonitor {
 public:
  MemoryMonitor(leakguard::timer_service& timers, std::chrono::milliseconds interval)
      : timers_(timers), interval_(interval) {}

  void start() { sampling_ = timers_.set_interval(interval_, [this] { take_sample(); }); }
  void stop() { sampling_.reset(); }

  const leakguard::memory_snapshot* latest() const { return samples_.empty() ? nullptr : &samples_.back().snapshot; }

  std::string stats_json() const {
    return "{\"samples\":" + std::to_string(samples_.size()) + ",\"alerts\":" + std::to_string(alerts_.size()) + "}";
  }

 private:
  static constexpr std::size_t kGrowthStreak = 10;
  static constexpr std::size_t kMaxAlerts = 50;

  void take_sample() {
    const leakguard::memory_probe_result result = leakguard::try_take_memory_snapshot();
    if (!result) return;
    samples_.push_back({Clock::now(), *result});
    growth_streak_ = grew_since_last_sample() ? growth_streak_ + 1 : 0;
    if (growth_streak_ == kGrowthStreak) {
      alerts_.push_back({Clock::now(), "heap grew for " + std::to_string(kGrowthStreak) + " samples in a row"});
      if (alerts_.size() > kMaxAlerts) alerts_.erase(alerts_.begin());
    }
  }

  bool grew_since_last_sample() const {
    if (samples_.size() < 2) return false;
    const auto& now = samples_[samples_.size() - 1].snapshot;
    const auto& before = samples_[samples_.size() - 2].snapshot;
    return now.heap_in_use_bytes.value_or(now.anon_rss_bytes) > before.heap_in_use_bytes.value_or(before.anon_rss_bytes);
  }

  leakguard::timer_service& timers_;
  std::chrono::milliseconds interval_;
  leakguard::ring_buffer<MemorySample> samples_{1024};
  std::vector<MemoryAlert> alerts_;
  std::size_t growth_streak_ = 0;
  // Last, so they are destroyed first: nothing fires into half-destroyed members.
  leakguard::timer_handle sampling_;
};

}  // namespace fixed
