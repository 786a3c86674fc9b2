//===--- Fixes.h - applying and exporting fix-its ---------------*- C++ -*-===//
//
// Several TUs (and several findings in one header) often propose the very
// same replacement (an #include insertion, a header's fix seen through two
// TUs): each distinct replacement is applied or exported once.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_RUN_FIXES_H
#define LEAKGUARD_RUN_FIXES_H

#include "Diagnostics.h"
#include "llvm/Support/Error.h"
#include <vector>

namespace leakguard::run {

struct FixSummary {
  unsigned Applied = 0, Files = 0, Conflicts = 0;
};

/// Applies the distinct replacements of Findings to the files on disk;
/// overlapping, different replacements are skipped and counted.
llvm::Expected<FixSummary> applyFixes(const std::vector<Finding> &Findings);

/// Writes the YAML clang-apply-replacements reads, one replacement once.
llvm::Error exportFixes(const std::vector<Finding> &Findings,
                        llvm::StringRef Path);

} // namespace leakguard::run

#endif
