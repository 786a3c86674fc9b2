//===--- WorkerPool.h - one leakguard process per TU ------------*- C++ -*-===//
//
// Runs the standalone `leakguard` tool on each TU, at most Jobs at a time,
// with --export-fixes to a temporary file (structured diagnostics with
// notes, offsets and replacements) and -H (the files the TU included, for
// the cache and the include graph). Cached TUs are not run at all.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_RUN_WORKERPOOL_H
#define LEAKGUARD_RUN_WORKERPOOL_H

#include "Cache.h"
#include "CompileDatabase.h"
#include <string>
#include <vector>

namespace leakguard::run {

struct WorkerOptions {
  std::string Leakguard;              // path of the leakguard executable
  std::vector<std::string> ToolArgs;  // --checks= / --config= / ... passed through
  unsigned Jobs = 1;
  bool ShowProgress = false;          // a live display on stderr
};

/// Results in the order of Units.
std::vector<UnitResult> runUnits(const std::vector<TranslationUnit> &Units,
                                 const WorkerOptions &Options,
                                 ResultCache &Cache);

/// Runs `leakguard ToolArgs --list-checks` to reject a bad configuration
/// once, before any TU. Returns the tool's first error line on failure.
std::optional<std::string> checkConfiguration(const WorkerOptions &Options);

} // namespace leakguard::run

#endif
