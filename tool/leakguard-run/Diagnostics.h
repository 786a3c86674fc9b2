//===--- Diagnostics.h - the driver's model of a finding --------*- C++ -*-===//
//
// A finding as the driver sees it: what `leakguard --export-fixes` wrote,
// with file paths made absolute and offsets turned into 1-based lines and
// columns. Findings from several translation units are merged here: a
// header included by many TUs yields its diagnostics once.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_RUN_DIAGNOSTICS_H
#define LEAKGUARD_RUN_DIAGNOSTICS_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include <string>
#include <tuple>
#include <vector>

namespace leakguard::run {

struct Location {
  std::string File; // absolute, normalized
  unsigned Offset = 0;
  unsigned Line = 0;   // 1-based, filled by SourceFiles::resolve
  unsigned Column = 0; // 1-based byte column, as clang prints it
  /// By file and offset (line and column follow from them).
  bool operator<(const Location &O) const {
    return std::tie(File, Offset) < std::tie(O.File, O.Offset);
  }
};

struct Replacement {
  std::string File;
  unsigned Offset = 0;
  unsigned Length = 0;
  std::string Text;
  bool operator<(const Replacement &O) const;
  bool operator==(const Replacement &O) const;
};

struct Note {
  std::string Message;
  Location Loc;
};

struct Finding {
  std::string Check;             // "leak-unbounded-container", "clang-diagnostic-error"
  bool IsError = false;          // Level: Error (compiler errors, WarningsAsErrors)
  std::string Message;
  Location Loc;
  std::vector<Note> Notes;
  std::vector<Replacement> Fixes;

  /// The TU does not compile (as opposed to a check's warning promoted
  /// to an error by WarningsAsErrors).
  bool isCompilerError() const {
    return IsError && llvm::StringRef(Check).starts_with("clang-diagnostic-");
  }
  /// The identity used to report a header diagnostic once across TUs.
  std::string dedupKey() const;
};

llvm::json::Value toJSON(const Finding &F);
bool fromJSON(const llvm::json::Value &V, Finding &F, llvm::json::Path P);

/// Reads the YAML `leakguard --export-fixes=FILE` writes; relative paths are
/// resolved against each diagnostic's build directory.
llvm::Expected<std::vector<Finding>> readExportedFixes(llvm::StringRef Path);

/// Keeps the first of each group of identical findings, in a stable order
/// (file, offset, check, message).
void sortAndDeduplicate(std::vector<Finding> &Findings);

/// The contents of the files findings point into, read once.
class SourceFiles {
public:
  /// Fills Line / Column of every location in F.
  void resolve(Finding &F);
  void resolve(Location &L);
  /// The text of a 1-based line, without its line break ("" if unknown).
  llvm::StringRef lineText(llvm::StringRef File, unsigned Line);

private:
  struct Text {
    std::string Content;
    std::vector<unsigned> LineStarts;
  };
  const Text &get(llvm::StringRef File);
  llvm::StringMap<Text> Files;
};

/// Absolute, dot-free form of Path, relative paths taken against Base.
std::string normalizePath(llvm::StringRef Path, llvm::StringRef Base);

} // namespace leakguard::run

#endif
