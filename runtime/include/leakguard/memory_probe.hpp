// leakguard/memory_probe.hpp - a snapshot of the process's memory and
// resources, to verify a leak fix before and after (and to export from a
// server's stats endpoint).
//
// What it is for
//   "RSS climbed from 100 MB to 300 MB and never came down" is measured, not
//   guessed. `take_memory_snapshot()` returns, in bytes and counts:
//     rss_bytes          resident set size
//     peak_rss_bytes     high-water mark of the RSS (VmHWM)
//     anon_rss_bytes     resident anonymous memory (heap, stacks, mmap'd
//                        anonymous regions): where leaks live; file-backed
//                        pages (code, mapped files) are left out
//     heap_in_use_bytes  bytes handed out by the allocator and not freed
//                        (see "Heap sources"); empty when no source exists
//     open_fds           open file descriptors
//     threads            threads of the process
//
//     auto before = leakguard::take_memory_snapshot();
//     run_workload();
//     auto after = leakguard::take_memory_snapshot();
//     std::cout << after.to_json() << '\n';
//
// Modes
//   probe_mode::fast     /proc/self/statm (RSS) and /proc/self/status (peak,
//                        anonymous RSS, threads). A few microseconds. The
//                        kernel's RSS counters are cached per thread and may
//                        lag by up to 64 pages per thread on older kernels.
//   probe_mode::precise  /proc/self/smaps_rollup (Rss, Anonymous: exact sums
//                        over every mapping) plus status for the peak and the
//                        thread count. Walks the page tables: tens of
//                        microseconds to milliseconds for large processes.
//
// Heap sources (in order of preference, fixed per process)
//   heap_source::sanitizer  under ASan / TSan / MSan / LSan the sanitizer's
//                           allocator replaces malloc; its own counter
//                           (__sanitizer_get_current_allocated_bytes) is used.
//                           Memory in ASan's quarantine counts as freed.
//   heap_source::mallinfo2  glibc >= 2.33: mallinfo2(), in-use bytes of the
//                           arenas (uordblks) plus mmap'd chunks (hblkhd).
//   heap_source::none       anything else (musl, macOS, ...): the field is
//                           empty; use anon_rss_bytes instead.
//
// Errors
//   take_memory_snapshot throws `leakguard::memory_probe_error` (a
//   std::runtime_error naming the source, e.g. "/proc/self/smaps_rollup: No
//   such file or directory", and carrying the errno) when a source it needs
//   cannot be read or parsed: no /proc (not Linux, or a sandbox without it),
//   a kernel older than 4.14 for smaps_rollup. `try_take_memory_snapshot`
//   reports the same as a value (`memory_probe_result`, expected-like) and
//   never throws. A missing heap source is not an error (the field is empty).
//
// Complexity
//   O(open fds) to count descriptors, plus the reads described in "Modes".
//   One small allocation per file read (a std::string line buffer).
//
// Thread-safety
//   All functions may be called from any thread concurrently. Counts are a
//   snapshot: other threads may change them while it is taken.
//
// References / invalidation
//   None: a memory_snapshot is a plain value.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#if defined(__linux__)
#include <dirent.h>
#include <unistd.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#define LEAKGUARD_HAS_MALLINFO2 1
#else
#define LEAKGUARD_HAS_MALLINFO2 0
#endif

#if defined(__GNUC__) && defined(__ELF__)
// Defined by every sanitizer runtime (ASan, TSan, MSan, LSan, HWASan); a weak
// reference is null when no sanitizer is linked in.
extern "C" __attribute__((weak)) std::size_t __sanitizer_get_current_allocated_bytes();
#define LEAKGUARD_HAS_SANITIZER_HEAP_PROBE 1
#else
#define LEAKGUARD_HAS_SANITIZER_HEAP_PROBE 0
#endif

namespace leakguard {

/// Which files a snapshot is read from; see "Modes".
enum class probe_mode { fast, precise };

/// Where heap_in_use_bytes comes from; see "Heap sources".
enum class heap_source { none, mallinfo2, sanitizer };

/// "fast" / "precise".
inline const char* to_string(probe_mode mode) noexcept {
  return mode == probe_mode::fast ? "fast" : "precise";
}

/// "none" / "mallinfo2" / "sanitizer".
inline const char* to_string(heap_source source) noexcept {
  switch (source) {
    case heap_source::none: return "none";
    case heap_source::mallinfo2: return "mallinfo2";
    case heap_source::sanitizer: return "sanitizer";
  }
  return "unknown";
}

/// A source of the snapshot could not be read or parsed.
class memory_probe_error : public std::runtime_error {
 public:
  memory_probe_error(std::string source, const std::string& what, int error_number = 0)
      : std::runtime_error(source + ": " + what), source_(std::move(source)), errno_(error_number) {}
  /// The file (or facility) that failed, e.g. "/proc/self/smaps_rollup".
  const std::string& source() const noexcept { return source_; }
  /// The errno of the failed call, 0 for a parse error.
  int error_number() const noexcept { return errno_; }

 private:
  std::string source_;
  int errno_;
};

/// The process's memory and resources at one moment.
struct memory_snapshot {
  std::chrono::steady_clock::time_point taken{};
  probe_mode mode = probe_mode::fast;
  std::uint64_t rss_bytes = 0;
  std::uint64_t peak_rss_bytes = 0;
  std::uint64_t anon_rss_bytes = 0;
  /// Empty when `heap` is heap_source::none.
  std::optional<std::uint64_t> heap_in_use_bytes;
  heap_source heap = heap_source::none;
  std::uint64_t open_fds = 0;
  std::uint64_t threads = 0;

  /// One JSON object, keys as the field names; heap_in_use_bytes is null
  /// when there is no heap source.
  std::string to_json() const;
};

/// Expected-like result of try_take_memory_snapshot: a snapshot or an error.
class memory_probe_result {
 public:
  memory_probe_result(memory_snapshot snapshot) : snapshot_(std::move(snapshot)) {}  // NOLINT: implicit, like expected
  memory_probe_result(memory_probe_error error) : error_(std::move(error)) {}      // NOLINT

  bool has_value() const noexcept { return snapshot_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  /// The snapshot; throws the stored memory_probe_error when there is none.
  const memory_snapshot& value() const {
    if (!snapshot_) throw *error_;
    return *snapshot_;
  }
  const memory_snapshot& operator*() const { return value(); }
  const memory_snapshot* operator->() const { return &value(); }
  /// The error; precondition: !has_value().
  const memory_probe_error& error() const { return *error_; }

 private:
  std::optional<memory_snapshot> snapshot_;
  std::optional<memory_probe_error> error_;
};

/// The heap source this process uses (decided once, by what is linked in).
heap_source current_heap_source() noexcept;

/// Bytes in use according to current_heap_source(); empty for none.
std::optional<std::uint64_t> heap_in_use_bytes() noexcept;

/// Returns freed allocator memory to the system where the allocator can
/// (glibc: malloc_trim(0)); returns whether anything was released. Call it
/// before a sample so that memory the allocator merely retains is not taken
/// for a leak. A no-op returning false elsewhere (and under sanitizers,
/// whose allocator it does not reach).
bool trim_heap() noexcept;

/// Reads a snapshot; throws memory_probe_error when a source is missing.
memory_snapshot take_memory_snapshot(probe_mode mode = probe_mode::fast);

/// As take_memory_snapshot, reporting a missing source as a value.
memory_probe_result try_take_memory_snapshot(probe_mode mode = probe_mode::fast) noexcept;

// ---------------------------------------------------------------------------
// Implementation.

namespace detail {

// Reads a whole small /proc file; throws memory_probe_error on failure.
inline std::string read_proc_file(const char* path) {
  std::FILE* file = std::fopen(path, "re");
  if (!file) {
    const int error = errno;
    throw memory_probe_error(path, std::strerror(error), error);
  }
  std::string text;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, got);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) throw memory_probe_error(path, std::strerror(error), error);
  return text;
}

// The number after "<key>:" on its line of a "Key:   value [kB]" file, in
// bytes when the line says kB; empty if the key is absent.
inline std::optional<std::uint64_t> find_field(std::string_view text, std::string_view key) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 && line[key.size()] == ':') {
      std::uint64_t value = 0;
      std::size_t i = key.size() + 1;
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      const std::size_t digits_start = i;
      for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
        value = value * 10 + static_cast<std::uint64_t>(line[i] - '0');
      }
      if (i == digits_start) return std::nullopt;
      if (line.find("kB", i) != std::string_view::npos) value *= 1024;
      return value;
    }
    at = end + 1;
  }
  return std::nullopt;
}

inline std::uint64_t require_field(std::string_view text, std::string_view key, const char* path) {
  if (std::optional<std::uint64_t> value = find_field(text, key)) return *value;
  throw memory_probe_error(path, "no '" + std::string(key) + ":' field");
}

inline std::uint64_t page_size() {
#if defined(__linux__)
  const long size = ::sysconf(_SC_PAGESIZE);
  if (size > 0) return static_cast<std::uint64_t>(size);
#endif
  return 4096;
}

// Second field of /proc/self/statm: resident pages.
inline std::uint64_t statm_resident_bytes() {
  constexpr const char* path = "/proc/self/statm";
  const std::string text = read_proc_file(path);
  unsigned long long size_pages = 0, resident_pages = 0;
  if (std::sscanf(text.c_str(), "%llu %llu", &size_pages, &resident_pages) != 2) {
    throw memory_probe_error(path, "unexpected format");
  }
  return static_cast<std::uint64_t>(resident_pages) * page_size();
}

inline std::uint64_t count_open_fds() {
#if defined(__linux__)
  constexpr const char* path = "/proc/self/fd";
  DIR* dir = ::opendir(path);
  if (!dir) {
    const int error = errno;
    throw memory_probe_error(path, std::strerror(error), error);
  }
  const int own_fd = ::dirfd(dir);
  std::uint64_t count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (*end == '\0' && fd != own_fd) ++count;
  }
  ::closedir(dir);
  return count;
#else
  throw memory_probe_error("/proc/self/fd", "not available on this platform");
#endif
}

}  // namespace detail

inline heap_source current_heap_source() noexcept {
#if LEAKGUARD_HAS_SANITIZER_HEAP_PROBE
  if (&__sanitizer_get_current_allocated_bytes != nullptr) return heap_source::sanitizer;
#endif
#if LEAKGUARD_HAS_MALLINFO2
  return heap_source::mallinfo2;
#else
  return heap_source::none;
#endif
}

inline std::optional<std::uint64_t> heap_in_use_bytes() noexcept {
  switch (current_heap_source()) {
    case heap_source::sanitizer:
#if LEAKGUARD_HAS_SANITIZER_HEAP_PROBE
      return static_cast<std::uint64_t>(__sanitizer_get_current_allocated_bytes());
#else
      break;
#endif
    case heap_source::mallinfo2: {
#if LEAKGUARD_HAS_MALLINFO2
      const struct mallinfo2 info = ::mallinfo2();
      return static_cast<std::uint64_t>(info.uordblks) + static_cast<std::uint64_t>(info.hblkhd);
#else
      break;
#endif
    }
    case heap_source::none:
      break;
  }
  return std::nullopt;
}

inline bool trim_heap() noexcept {
#if defined(__GLIBC__)
  if (current_heap_source() == heap_source::mallinfo2) return ::malloc_trim(0) != 0;
#endif
  return false;
}

inline memory_snapshot take_memory_snapshot(probe_mode mode) {
  memory_snapshot snapshot;
  snapshot.mode = mode;
  constexpr const char* status_path = "/proc/self/status";
  const std::string status = detail::read_proc_file(status_path);
  snapshot.peak_rss_bytes = detail::require_field(status, "VmHWM", status_path);
  snapshot.threads = detail::require_field(status, "Threads", status_path);
  if (mode == probe_mode::precise) {
    constexpr const char* rollup_path = "/proc/self/smaps_rollup";
    const std::string rollup = detail::read_proc_file(rollup_path);
    snapshot.rss_bytes = detail::require_field(rollup, "Rss", rollup_path);
    snapshot.anon_rss_bytes = detail::require_field(rollup, "Anonymous", rollup_path);
  } else {
    snapshot.rss_bytes = detail::statm_resident_bytes();
    snapshot.anon_rss_bytes = detail::require_field(status, "RssAnon", status_path);
  }
  // VmHWM is updated lazily; the current RSS is a lower bound of the peak.
  if (snapshot.peak_rss_bytes < snapshot.rss_bytes) snapshot.peak_rss_bytes = snapshot.rss_bytes;
  snapshot.open_fds = detail::count_open_fds();
  snapshot.heap = current_heap_source();
  snapshot.heap_in_use_bytes = heap_in_use_bytes();
  snapshot.taken = std::chrono::steady_clock::now();
  return snapshot;
}

inline memory_probe_result try_take_memory_snapshot(probe_mode mode) noexcept {
  try {
    return take_memory_snapshot(mode);
  } catch (const memory_probe_error& error) {
    return error;
  } catch (const std::exception& error) {  // std::bad_alloc from a line buffer
    return memory_probe_error("memory_probe", error.what());
  }
}

inline std::string memory_snapshot::to_json() const {
  std::string heap_text = heap_in_use_bytes ? std::to_string(*heap_in_use_bytes) : std::string("null");
  std::string json = "{\"mode\":\"";
  json += to_string(mode);
  json += "\",\"rss_bytes\":" + std::to_string(rss_bytes);
  json += ",\"peak_rss_bytes\":" + std::to_string(peak_rss_bytes);
  json += ",\"anon_rss_bytes\":" + std::to_string(anon_rss_bytes);
  json += ",\"heap_in_use_bytes\":" + heap_text;
  json += ",\"heap_source\":\"";
  json += to_string(heap);
  json += "\",\"open_fds\":" + std::to_string(open_fds);
  json += ",\"threads\":" + std::to_string(threads) + "}";
  return json;
}

}  // namespace leakguard
