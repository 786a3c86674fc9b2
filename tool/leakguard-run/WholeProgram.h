//===--- WholeProgram.h - decide across translation units -------*- C++ -*-===//
//
// Whole-program mode. Each worker writes, per TU, the facts its checks
// export (checks/common/WholeProgramFacts.h: members keyed by USR, growth
// and removal sites, which member functions the TU defines). Over a full
// compile database the driver merges them and reports what no single TU
// can prove: a member grown somewhere and removed from nowhere, even when
// it is public or its class's member functions live in several files.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_RUN_WHOLEPROGRAM_H
#define LEAKGUARD_RUN_WHOLEPROGRAM_H

#include "Diagnostics.h"
#include "llvm/Support/JSON.h"
#include <set>
#include <utility>
#include <vector>

namespace leakguard::run {

/// The environment variable through which workers are told where to write
/// their facts.
inline constexpr const char *FactsDirVariable = "LEAKGUARD_FACTS_DIR";

/// What the merge looked at, for --print-cost.
struct MergeStats {
  size_t FactFiles = 0;
  size_t Members = 0; // distinct USRs
  size_t Classes = 0;
  size_t MemberFunctions = 0;
};

struct MergeResult {
  /// What the facts of every TU of the program prove, in the shape a
  /// worker reports it (message, location, notes; no fix-its: a rewrite of
  /// a type other TUs use is not checked against those TUs' uses).
  std::vector<Finding> Findings;
  /// Checks and locations of declarations the program proves are not
  /// leaks (a removal in some TU), though a TU alone may have reported
  /// them (StrictMode).
  std::set<std::pair<std::string, Location>> Disproved;
};

MergeResult merge(const std::vector<const llvm::json::Value *> &Facts,
                  MergeStats &Stats);

/// Reads {"file", "offset"} as the facts write a location; false if V is
/// not one.
bool readLocation(const llvm::json::Value *V, Location &L);

/// Whether a NOLINT comment suppresses F, as clang-tidy would have had a
/// TU reported it: NOLINT on its line, NOLINTNEXTLINE on the line before,
/// or inside a NOLINTBEGIN / NOLINTEND block, each with an optional list
/// of check globs.
bool isSuppressedByNolint(const Finding &F, SourceFiles &Sources);

} // namespace leakguard::run

#endif
