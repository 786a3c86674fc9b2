// fixed-server: leaky-server after the leakguard fix-its and the runtime
// library. Same protocol; on SIGINT / SIGTERM it runs an ordered shutdown
// with a 5 s deadline and prints the report.
// Usage: fixed-server [port]   (0 or none: any free port, printed on stdout)
#include "connection_pool_manager.hpp"
#include "dashboard.hpp"
#include "line_server.hpp"
#include "memory_monitor.hpp"

#include <leakguard/asio_timer_registry.hpp>
#include <leakguard/shutdown.hpp>

#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <future>
#include <memory>
#include <string>

namespace {

// Runs `work` on the io_context's thread and waits for it: the components
// are single-threaded, shutdown steps run on helper threads.
template <class Work>
void run_on(asio::io_context& io, Work work) {
  std::promise<void> done;
  std::future<void> finished = done.get_future();
  asio::post(io, [&] {
    try {
      work();
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  finished.get();
}

std::string json_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string report_json(int signal_number, const leakguard::shutdown_report& report) {
  using std::chrono::duration;
  std::string json = "{\"signal\":" + std::to_string(signal_number) + ",\"ok\":" + (report.ok() ? "true" : "false") +
                     ",\"total_ms\":" + std::to_string(duration<double, std::milli>(report.total).count()) +
                     ",\"steps\":[";
  for (std::size_t i = 0; i < report.steps.size(); ++i) {
    const leakguard::shutdown_step_result& step = report.steps[i];
    if (i) json += ",";
    json += "{\"name\":\"" + json_escape(step.name) + "\",\"outcome\":\"" + leakguard::to_string(step.outcome) +
            "\",\"ms\":" + std::to_string(duration<double, std::milli>(step.duration).count());
    if (!step.error.empty()) json += ",\"error\":\"" + json_escape(step.error) + "\"";
    json += "}";
  }
  return json + "]}";
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 0;

  // First, before any thread starts: SIGINT / SIGTERM go to the watcher,
  // which runs the registry's steps with a 5 s deadline.
  std::promise<void> shut_down;
  leakguard::signal_shutdown_options on_signal;
  on_signal.time_limit = std::chrono::seconds(5);
  on_signal.exit_after_shutdown = false;  // main returns normally instead
  on_signal.on_shutdown = [&shut_down](int signal_number, const leakguard::shutdown_report& report) {
    std::printf("SHUTDOWN_REPORT %s\n", report_json(signal_number, report).c_str());
    std::fflush(stdout);
    shut_down.set_value();
  };
  leakguard::shutdown_signal_watcher watcher(on_signal);

  try {
    asio::io_context io;
    leakguard::asio_timer_registry timers(io);
    auto dashboard = std::make_shared<fixed::Dashboard>(timers);
    auto pool = std::make_shared<fixed::ConnectionPoolManager>(timers, 4, 32);
    fixed::MemoryMonitor monitor(timers, std::chrono::milliseconds(250));
    fixed::Services services{pool, dashboard, &monitor, &timers};
    fixed::LineServer server(io, port, services);

    pool->attach_dashboard(*dashboard);
    pool->start();
    dashboard->start();
    monitor.start();
    server.start();

    // Reverse order of what depends on what; each step has 1 s of the 5 s.
    leakguard::shutdown_registry& shutdown = leakguard::process_shutdown_registry();
    const leakguard::shutdown_step_options step{0, std::chrono::seconds(1)};
    auto at = [&step](int priority) { return leakguard::shutdown_step_options{priority, step.budget}; };
    shutdown.add("io_context: stop", [&io] { io.stop(); }, at(10));
    shutdown.add("timers: close registry", [&timers] {
      std::printf("timers cancelled: %zu\n", timers.close());
    }, at(20));
    shutdown.add("memory monitor: stop sampling", [&] { run_on(io, [&] { monitor.stop(); }); }, at(30));
    shutdown.add("pool: cancel health check, close connections", [&] { run_on(io, [&] { pool->stop(); }); }, at(40));
    shutdown.add("dashboard: remove listeners, forget clients", [&] { run_on(io, [&] { dashboard->shutdown(); }); },
                 at(50));
    shutdown.add("server: close client sessions", [&] {
      run_on(io, [&] { std::printf("sessions closed: %zu\n", server.close_sessions()); });
    }, at(60));
    shutdown.add("server: stop accepting", [&] { run_on(io, [&] { server.stop(); }); }, at(70));
    // managed_singleton g_api registers itself (priority -10, last) when first used.

    std::printf("LISTENING %u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    io.run();
    shut_down.get_future().wait();  // the watcher prints the report first
    std::printf("stopped\n");
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fixed-server: %s\n", error.what());
    return 1;
  }
}
