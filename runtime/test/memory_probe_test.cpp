#include <leakguard/memory_probe.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using leakguard::memory_probe_error;
using leakguard::memory_snapshot;
using leakguard::probe_mode;
using leakguard::take_memory_snapshot;

constexpr std::uint64_t MiB = 1024 * 1024;

void expect_plausible(const memory_snapshot& s) {
  EXPECT_GT(s.rss_bytes, 0u);
  EXPECT_GE(s.peak_rss_bytes, s.rss_bytes);
  EXPECT_GT(s.anon_rss_bytes, 0u);
  EXPECT_LE(s.anon_rss_bytes, s.rss_bytes);
  EXPECT_GE(s.threads, 1u);
  EXPECT_GE(s.open_fds, 3u);  // stdin, stdout, stderr
  EXPECT_EQ(s.heap_in_use_bytes.has_value(), s.heap != leakguard::heap_source::none);
}

TEST(MemoryProbe, FastSnapshotIsPlausible) {
  const memory_snapshot s = take_memory_snapshot(probe_mode::fast);
  EXPECT_EQ(s.mode, probe_mode::fast);
  expect_plausible(s);
}

TEST(MemoryProbe, PreciseSnapshotIsPlausible) {
  const leakguard::memory_probe_result result = leakguard::try_take_memory_snapshot(probe_mode::precise);
  if (!result) GTEST_SKIP() << "no smaps_rollup on this kernel: " << result.error().what();
  EXPECT_EQ(result->mode, probe_mode::precise);
  expect_plausible(*result);
}

TEST(MemoryProbe, CountsANewFileDescriptor) {
  const std::uint64_t before = take_memory_snapshot().open_fds;
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const std::uint64_t during = take_memory_snapshot().open_fds;
  ::close(fd);
  EXPECT_EQ(during, before + 1);
  EXPECT_EQ(take_memory_snapshot().open_fds, before);
}

TEST(MemoryProbe, CountsANewThread) {
  const std::uint64_t before = take_memory_snapshot().threads;
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false;
  std::thread worker([&] {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [&] { return release; });
  });
  const std::uint64_t during = take_memory_snapshot().threads;
  {
    std::lock_guard<std::mutex> lock(mutex);
    release = true;
  }
  cv.notify_one();
  worker.join();
  EXPECT_EQ(during, before + 1);
}

TEST(MemoryProbe, RssFollowsTouchedMemory) {
  for (probe_mode mode : {probe_mode::fast, probe_mode::precise}) {
    const leakguard::memory_probe_result before = leakguard::try_take_memory_snapshot(mode);
    if (!before) continue;  // precise mode without smaps_rollup
    auto block = std::make_unique<char[]>(32 * MiB);
    std::memset(block.get(), 0x5a, 32 * MiB);  // resident only once touched
    const memory_snapshot during = take_memory_snapshot(mode);
    EXPECT_GE(during.rss_bytes, before->rss_bytes + 24 * MiB) << to_string(mode);
    EXPECT_GE(during.anon_rss_bytes, before->anon_rss_bytes + 24 * MiB) << to_string(mode);
    EXPECT_GE(during.peak_rss_bytes, during.rss_bytes);
    EXPECT_EQ(block[32 * MiB - 1], 0x5a);
  }
}

TEST(MemoryProbe, HeapFollowsAllocations) {
  if (leakguard::current_heap_source() == leakguard::heap_source::none) {
    GTEST_SKIP() << "no heap source on this platform; anon_rss_bytes is the fallback";
  }
  const std::uint64_t before = *take_memory_snapshot().heap_in_use_bytes;
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 64; ++i) blocks.push_back(std::make_unique<char[]>(64 * 1024));
  const std::uint64_t during = *take_memory_snapshot().heap_in_use_bytes;
  blocks.clear();
  blocks.shrink_to_fit();
  const std::uint64_t after = *take_memory_snapshot().heap_in_use_bytes;
  EXPECT_GE(during, before + 4 * MiB);
  EXPECT_LT(after, before + 1 * MiB);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LEAKGUARD_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LEAKGUARD_TEST_SANITIZED 1
#endif
#endif

TEST(MemoryProbe, HeapSourceMatchesTheBuild) {
#if defined(LEAKGUARD_TEST_SANITIZED)
  // The sanitizer's allocator replaced malloc: mallinfo2 would read glibc's
  // unused arena, so the sanitizer's own counter must be chosen.
  EXPECT_EQ(leakguard::current_heap_source(), leakguard::heap_source::sanitizer);
#elif LEAKGUARD_HAS_MALLINFO2
  EXPECT_EQ(leakguard::current_heap_source(), leakguard::heap_source::mallinfo2);
#else
  EXPECT_EQ(leakguard::current_heap_source(), leakguard::heap_source::none);
#endif
}

TEST(MemoryProbe, TrimHeapIsSafeToCall) {
  auto block = std::make_unique<char[]>(4 * MiB);
  block.reset();
  static_cast<void>(leakguard::trim_heap());
  expect_plausible(take_memory_snapshot());
}

TEST(MemoryProbe, JsonNamesEveryField) {
  memory_snapshot s;
  s.rss_bytes = 10;
  s.peak_rss_bytes = 20;
  s.anon_rss_bytes = 5;
  s.open_fds = 7;
  s.threads = 3;
  EXPECT_EQ(s.to_json(),
            "{\"mode\":\"fast\",\"rss_bytes\":10,\"peak_rss_bytes\":20,\"anon_rss_bytes\":5,"
            "\"heap_in_use_bytes\":null,\"heap_source\":\"none\",\"open_fds\":7,\"threads\":3}");
  s.heap_in_use_bytes = 42;
  s.heap = leakguard::heap_source::mallinfo2;
  EXPECT_NE(s.to_json().find("\"heap_in_use_bytes\":42,\"heap_source\":\"mallinfo2\""), std::string::npos);
}

TEST(MemoryProbe, MissingSourceIsAClearError) {
  try {
    static_cast<void>(leakguard::detail::read_proc_file("/proc/self/no-such-source"));
    FAIL() << "expected memory_probe_error";
  } catch (const memory_probe_error& error) {
    EXPECT_EQ(error.source(), "/proc/self/no-such-source");
    EXPECT_EQ(error.error_number(), ENOENT);
    EXPECT_NE(std::string(error.what()).find("/proc/self/no-such-source: "), std::string::npos);
  }
}

TEST(MemoryProbe, MissingFieldIsAClearError) {
  try {
    static_cast<void>(leakguard::detail::require_field("Name:\tx\nVmRSS:\t12 kB\n", "VmHWM", "/proc/self/status"));
    FAIL() << "expected memory_probe_error";
  } catch (const memory_probe_error& error) {
    EXPECT_STREQ(error.what(), "/proc/self/status: no 'VmHWM:' field");
    EXPECT_EQ(error.error_number(), 0);
  }
}

TEST(MemoryProbe, ParsesKilobyteAndPlainFields) {
  const char* status = "VmRSS:\t   1234 kB\nThreads:\t7\nVmRSSX:\t1 kB\n";
  EXPECT_EQ(leakguard::detail::find_field(status, "VmRSS"), 1234u * 1024);
  EXPECT_EQ(leakguard::detail::find_field(status, "Threads"), 7u);
  EXPECT_EQ(leakguard::detail::find_field(status, "VmHWM"), std::nullopt);
  EXPECT_EQ(leakguard::detail::find_field(status, "VmRS"), std::nullopt);  // a prefix is not a key
}

TEST(MemoryProbe, ResultHoldsTheErrorAsAValue) {
  const leakguard::memory_probe_result failed(memory_probe_error("/proc/self/smaps_rollup", "gone", ENOENT));
  EXPECT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().source(), "/proc/self/smaps_rollup");
  EXPECT_THROW(static_cast<void>(failed.value()), memory_probe_error);

  const leakguard::memory_probe_result ok = leakguard::try_take_memory_snapshot();
  ASSERT_TRUE(ok) << ok.error().what();
  EXPECT_GT(ok->rss_bytes, 0u);
}

}  // namespace
