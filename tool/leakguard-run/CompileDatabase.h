//===--- CompileDatabase.h - loading the database, choosing TUs -*- C++ -*-===//
//
// The compile database the run works on, and the translation units a
// command line selects from it: paths, directories or regexes, minus
// --exclude, with headers that have no command of their own mapped to a TU
// that includes them.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_RUN_COMPILEDATABASE_H
#define LEAKGUARD_RUN_COMPILEDATABASE_H

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <map>
#include <set>
#include <string>
#include <vector>

namespace leakguard::run {

class IncludeGraph;

struct TranslationUnit {
  std::string MainFile; // absolute, normalized
  clang::tooling::CompileCommand Command;
  /// Set when the TU was chosen only to analyse these headers: findings
  /// elsewhere are not reported.
  std::vector<std::string> OnlyFiles;
};

class ProjectDatabase {
public:
  /// Path is a build directory or a compile_commands.json-like file.
  static llvm::Expected<ProjectDatabase> load(llvm::StringRef Path);

  std::string JsonPath;                // the file that was read
  std::vector<TranslationUnit> Units;  // one per main file, sorted
  std::map<std::string, size_t> Index; // main file -> position in Units
};

struct Selection {
  std::vector<std::string> Patterns; // positional arguments
  std::vector<std::string> Excludes; // --exclude regexes
};

/// The TUs a command line asks for. Errors (a file not in the database, a
/// header nothing includes, a bad regex, a pattern matching nothing) are
/// one-line messages.
llvm::Expected<std::vector<TranslationUnit>>
selectUnits(const ProjectDatabase &DB, const Selection &S,
            const IncludeGraph &Graph);

/// The deterministic K-th of N shards (K is 1-based) of Units, which are
/// split round-robin in main-file order.
std::vector<TranslationUnit> shardUnits(std::vector<TranslationUnit> Units,
                                        unsigned K, unsigned N);

bool isHeaderPath(llvm::StringRef Path);

} // namespace leakguard::run

#endif
