//===--- Cache.h - result cache and recorded include graph ------*- C++ -*-===//
//
// A TU is not re-analysed when its compile command, the content of its main
// file and of every file it included last time, the configuration and the
// tool are unchanged. Entries live in one JSON file per key under the cache
// directory; the include graph of the last run over a compile database is
// kept beside them, for --changed and for headers without a command.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_RUN_CACHE_H
#define LEAKGUARD_RUN_CACHE_H

#include "CompileDatabase.h"
#include "Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace leakguard::run {

/// What analysing one TU produced.
struct UnitResult {
  std::vector<Finding> Findings;
  std::vector<std::string> Includes; // absolute paths, main file first
  bool Failed = false;               // did not parse (or the worker crashed)
  std::string FailureText;           // the worker's stderr when it crashed
  bool FromCache = false;
  /// What the checks exported for the whole-program merge: one JSON
  /// object per check (checks/common/WholeProgramFacts.h).
  std::vector<llvm::json::Value> Facts;
};

/// Content hashes of files, each file read once per run. Thread-safe.
class FileHasher {
public:
  /// "" when the file cannot be read.
  std::string hash(llvm::StringRef Path);

private:
  std::mutex Mutex;
  llvm::StringMap<std::string> Hashes;
};

class ResultCache {
public:
  /// Disabled when Dir is empty.
  ResultCache(std::string Dir, std::string Identity);

  bool enabled() const { return !Dir.empty(); }
  /// The key of a TU: command, main file, configuration and tool identity.
  std::string keyFor(const TranslationUnit &U);
  std::optional<UnitResult> lookup(const std::string &Key);
  void store(const std::string &Key, const UnitResult &R);
  FileHasher &hasher() { return Hasher; }
  llvm::StringRef directory() const { return Dir; }

private:
  std::string Dir;
  std::string Identity;
  FileHasher Hasher;
};

/// Which files each TU included, as recorded by the last runs.
class IncludeGraph {
public:
  static IncludeGraph load(llvm::StringRef Path);
  void save(llvm::StringRef Path) const;
  void record(const std::string &Main, const std::vector<std::string> &Includes);
  /// TUs (main files) that included File; a main file includes itself.
  std::vector<std::string> includers(llvm::StringRef File) const;

private:
  std::map<std::string, std::set<std::string>> Deps; // main -> includes
};

/// Where the include graph of the database at JsonPath is kept.
std::string includeGraphPath(llvm::StringRef CacheDir, llvm::StringRef JsonPath);

/// The default cache directory: $XDG_CACHE_HOME/leakguard or
/// ~/.cache/leakguard.
std::string defaultCacheDir();

} // namespace leakguard::run

#endif
