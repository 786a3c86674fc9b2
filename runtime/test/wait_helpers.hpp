// Waiting helpers for the runtime's thread tests: every wait is bounded,
// and the bound is only reached when a test is about to fail anyway.
#ifndef LEAKGUARD_RUNTIME_TEST_WAIT_HELPERS_HPP
#define LEAKGUARD_RUNTIME_TEST_WAIT_HELPERS_HPP

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace leakguard_test {

using namespace std::chrono_literals;

constexpr auto kPatience = 5s;

// Counts events and lets the test wait for the n-th one.
class event_counter {
 public:
  void bump() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++count_;
    changed_.notify_all();
  }
  bool wait_for_at_least(int n) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return count_ >= n; });
  }
  int value() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return count_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

// A one-way gate: wait() blocks until open() was called.
class gate {
 public:
  void open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  bool wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

}  // namespace leakguard_test

#endif
