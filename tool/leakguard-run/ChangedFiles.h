//===--- ChangedFiles.h - what git says changed -----------------*- C++ -*-===//
//
// For --changed and --changed-lines: the files and line ranges that differ
// from a revision, or, with an empty revision, the staged changes (the
// index), which is what a pre-commit hook is about to commit.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_RUN_CHANGEDFILES_H
#define LEAKGUARD_RUN_CHANGEDFILES_H

#include "llvm/Support/Error.h"
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace leakguard::run {

/// Absolute path -> changed (added or modified) line ranges [first, last].
using ChangedLines =
    std::map<std::string, std::vector<std::pair<unsigned, unsigned>>>;

/// The top directory of the git work tree containing Dir, or "".
std::string gitTopLevel(llvm::StringRef Dir);

/// `git diff -U0` against Rev ("" = the index) in the work tree at Top.
llvm::Expected<ChangedLines> changedLines(llvm::StringRef Top,
                                          llvm::StringRef Rev);

bool isOnChangedLine(const ChangedLines &C, llvm::StringRef File,
                     unsigned Line);

} // namespace leakguard::run

#endif
