// A small monitoring service with the four leak shapes of the incident that
// leakguard was built from (docs/checks/). `tool/lint-example` lints it.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

struct PoolMetrics {
  int Active = 0;
  int Idle = 0;
  std::chrono::steady_clock::time_point TakenAt;
};

struct QueryResult {
  std::vector<std::string> Rows;
};

struct Alert {
  std::string Message;
};

// 4. A client for an external service, created during static
//    initialisation and never closed.
class DatabaseClient {
public:
  explicit DatabaseClient(const char *Url) : Url(Url ? Url : "") {}
  QueryResult query(const std::string &Sql) { return {{Url + ": " + Sql}}; }
  void close() {}

private:
  std::string Url;
};

DatabaseClient *Database = new DatabaseClient(std::getenv("DATABASE_URL"));

// 3. An emitter whose listeners are never removed on shutdown.
class AlertBus {
public:
  void onAlert(std::function<void(const Alert &)> Listener) {
    Listeners.push_back(std::move(Listener));
  }
  void publish(const Alert &A) {
    for (auto &Listener : Listeners)
      Listener(A);
  }
  void shutdown() { Running = false; }

private:
  std::vector<std::function<void(const Alert &)>> Listeners;
  bool Running = true;
};

// 1. Members that only grow.
class ConnectionPoolManager {
public:
  explicit ConnectionPoolManager(AlertBus &Bus) : Bus(Bus) {}

  void sample() {
    metrics_.push_back(PoolMetrics{4, 2, std::chrono::steady_clock::now()});
    if (metrics_.back().Idle == 0)
      Bus.publish(Alert{"pool exhausted"});
  }

  QueryResult cachedQuery(const std::string &Sql) {
    auto Hit = queryCache_.find(Sql);
    if (Hit != queryCache_.end())
      return Hit->second;
    return queryCache_[Sql] = Database->query(Sql);
  }

  std::size_t sampleCount() const { return metrics_.size(); }

private:
  AlertBus &Bus;
  std::vector<PoolMetrics> metrics_;
  std::unordered_map<std::string, QueryResult> queryCache_;
};

// 2. A periodic task nobody can stop.
void startMonitoring(ConnectionPoolManager &Pool, std::atomic<bool> &Running) {
  std::thread([&Pool, &Running] {
    while (Running) {
      Pool.sample();
      std::this_thread::sleep_for(std::chrono::seconds(5));
    }
  }).detach();
}

int main() {
  AlertBus Bus;
  ConnectionPoolManager Pool(Bus);
  Bus.onAlert([&Pool](const Alert &) { Pool.cachedQuery("SELECT 1"); });
  std::atomic<bool> Running{true};
  startMonitoring(Pool, Running);
  Bus.shutdown();
}
