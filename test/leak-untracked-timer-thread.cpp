// RUN: %check_leakguard -std=c++20 %s leak-untracked-timer %t

// Rule 3 of leak-untracked-timer: a detached thread running a periodic
// (sleeping) loop.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

void flushMetrics();
void rotateLogs();
bool sendOnce();

class MetricsReporter {
public:
  void start() {
    std::thread([this] {
      while (running_) {
        flushMetrics();
        std::this_thread::sleep_for(5s);
      }
    }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: detached thread runs a periodic loop (sleeping in 'sleep_for') that nothing can stop or join; it outlives shutdown [leak-untracked-timer]
  }

  // A member function as the thread's callable.
  void startRotation() {
    std::thread worker(&MetricsReporter::rotateLoop, this);
    worker.detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: detached thread runs a periodic loop (sleeping in 'wait_for')
  }

  // The loop is one call away from the lambda.
  void startPolling() {
    std::thread poller{[this] { pollForever(); }};
    poller.detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: detached thread runs a periodic loop (sleeping in 'sleep_until')
  }

  // Silent: joined on shutdown, not detached.
  void startJoinable() {
    joinable_ = std::thread([this] {
      while (running_)
        std::this_thread::sleep_for(1s);
    });
  }
  void stop() {
    running_ = false;
    if (joinable_.joinable())
      joinable_.join();
  }

private:
  void rotateLoop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      cv_.wait_for(lock, 1min);
      rotateLogs();
    }
  }
  void pollForever() {
    do {
      flushMetrics();
      std::this_thread::sleep_until(std::chrono::steady_clock::now() + 10s);
    } while (true);
  }

  std::atomic<bool> running_{true};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::thread joinable_;
};

void startHousekeeping() {
  std::jthread([] {
    while (true) {
      rotateLogs();
      std::this_thread::sleep_for(std::chrono::hours(1));
    }
  }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: detached thread runs a periodic loop (sleeping in 'sleep_for')
}

// Silent: a detached one-off task, not a periodic loop.
void sendInBackground() {
  std::thread([] {
    sendOnce();
    std::this_thread::sleep_for(1s);
    sendOnce();
  }).detach();
}

// Silent: a bounded retry loop (a counted for) is not periodic.
void sendWithRetries() {
  std::thread([] {
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (sendOnce())
        return;
      std::this_thread::sleep_for(100ms);
    }
  }).detach();
}

// Silent: a loop that blocks on work, not on time, is not this check's
// business.
void drain(std::vector<int> &queue, std::mutex &m, std::condition_variable &cv) {
  std::thread([&] {
    std::unique_lock<std::mutex> lock(m);
    while (true) {
      cv.wait(lock, [&] { return !queue.empty(); });
      queue.pop_back();
    }
  }).detach();
}
