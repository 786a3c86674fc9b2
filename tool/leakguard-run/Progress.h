//===--- Progress.h - the live display on a terminal ------------*- C++ -*-===//

#ifndef LEAKGUARD_RUN_PROGRESS_H
#define LEAKGUARD_RUN_PROGRESS_H

#include "llvm/ADT/StringRef.h"
#include <chrono>
#include <mutex>
#include <string>

namespace leakguard::run {

/// "[ 3/40] 0:05 elapsed, ~1:02 left  src/server.cpp" redrawn in place on
/// stderr; silent when disabled. Thread-safe.
class Progress {
public:
  Progress(size_t Total, bool Enabled);
  void started(llvm::StringRef File);
  void finished(llvm::StringRef File);
  /// Erases the display before the report is printed.
  void clear();

private:
  void draw(llvm::StringRef File);
  size_t Total, Done = 0;
  bool Enabled;
  std::chrono::steady_clock::time_point Start;
  std::mutex Mutex;
};

} // namespace leakguard::run

#endif
