// A client for the external telemetry service the incident's server reported
// to. It owns a connection (an asio socket on a worker thread of its own) and
// batches events; the endpoint comes from the environment.
#pragma once

#include <leakguard/managed_singleton.hpp>

#include <asio/connect.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace fixed {

class ExternalApiClient {
 public:
  // api_key may be null: the client then only counts what it would send.
  explicit ExternalApiClient(const char* api_key)
      : work_(asio::make_work_guard(io_)),
        api_key_(api_key ? api_key : ""),
        endpoint_(std::getenv("LEAKY_API_ENDPOINT") ? std::getenv("LEAKY_API_ENDPOINT") : ""),
        worker_([this] { io_.run(); }) {}

  ExternalApiClient(const ExternalApiClient&) = delete;
  ExternalApiClient& operator=(const ExternalApiClient&) = delete;

  ~ExternalApiClient() { shutdown(); }

  // Called by managed_singleton::shutdown(): sends what is queued, closes the
  // connection and joins the worker. Idempotent.
  void shutdown() {
    if (!worker_.joinable()) return;
    asio::post(io_, [this] {
      if (!batch_.empty()) flush();
      std::error_code ignored;
      if (socket_) socket_->close(ignored);
      socket_.reset();
    });
    work_.reset();  // run() returns once the queue is empty
    worker_.join();
  }

  // Queues one event; sent in batches of kBatchSize from the worker thread.
  void report(std::string event) {
    asio::post(io_, [this, event = std::move(event)]() mutable {
      batch_.push_back(std::move(event));
      if (batch_.size() >= kBatchSize) flush();
    });
  }

  std::size_t reported() const { return reported_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kBatchSize = 64;

  void flush() {
    if (!endpoint_.empty() && !api_key_.empty()) send_batch();
    reported_.fetch_add(batch_.size(), std::memory_order_relaxed);
    batch_.clear();
  }

  // "host:port"; connects on first use and keeps the connection open.
  void send_batch() {
    std::error_code error;
    if (!socket_) {
      const auto colon = endpoint_.rfind(':');
      asio::ip::tcp::resolver resolver(io_);
      auto endpoints = resolver.resolve(endpoint_.substr(0, colon), endpoint_.substr(colon + 1), error);
      if (error) return;
      socket_.emplace(io_);
      asio::connect(*socket_, endpoints, error);
      if (error) {
        socket_.reset();
        return;
      }
    }
    std::string body = "AUTH " + api_key_ + "\n";
    for (const std::string& event : batch_) body += "EVENT " + event + "\n";
    asio::write(*socket_, asio::buffer(body), error);
    if (error) socket_.reset();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::optional<asio::ip::tcp::socket> socket_;
  std::string api_key_;
  std::string endpoint_;
  std::vector<std::string> batch_;
  std::atomic<std::size_t> reported_{0};
  std::thread worker_;
};

// Created on first use, closed by the shutdown registry (last: priority -10).
extern leakguard::managed_singleton<ExternalApiClient> g_api;

}  // namespace fixed
