//===--- WholeProgramGlobals.h - leak-global-connection's merge -*- C++ -*-===//
//
// leak-global-connection reports a variable with program lifetime whose
// shutdown its TU does not see: a global pointer owning a `new`ed
// connection never deleted there (rule 2), a function-local static
// singleton never closed through the function returning it (rule 3). Each
// TU exports those findings (keyed by the variable's USR, with the USRs of
// a static's accessors), the globals it deletes, closes or resets, and the
// functions on whose result it calls a shutdown-like method. A shutdown in
// any TU disproves the finding.
//
// A TU that only declares a global (`extern DbClient *g;`) and assigns it
// `new` reports nothing, nor does the TU defining it (`DbClient *g =
// nullptr;`), which sees no `new`: the defining TU exports the finding it
// would report, the other TU where it assigns `new`. Assigned `new` in some
// TU and shut down in none, the pointer is reported.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_RUN_WHOLEPROGRAMGLOBALS_H
#define LEAKGUARD_RUN_WHOLEPROGRAMGLOBALS_H

#include "WholeProgram.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <set>
#include <string>
#include <utility>

namespace leakguard::run {

class GlobalConnectionMerge {
public:
  static constexpr llvm::StringLiteral Check = "leak-global-connection";

  /// One TU's facts ({"globals": [...], "closed_accessors": [...]}).
  void add(const llvm::json::Object &TU);
  /// Disproves every finding whose variable some TU shuts down; reports
  /// the pointers assigned `new` only where they are not defined.
  void decide(MergeResult &Result) const;

private:
  /// A variable some TU reported.
  struct Reported {
    std::set<std::pair<std::string, unsigned>> Sites;
    /// Functions returning it (rule 3): closing their result closes it.
    std::set<std::string> Accessors;
  };
  /// A pointer its defining TU neither assigns `new` nor shuts down, with
  /// the finding that TU would report.
  struct Unassigned {
    Location Definition;
    std::string Message, Note;
  };
  bool isShutDown(const std::string &Usr, const Reported &R) const;

  std::map<std::string, Reported> Findings; // by USR
  std::map<std::string, Unassigned> UnassignedPointers; // by USR
  /// By USR: the first `new` assigned where the pointer is not defined.
  std::map<std::string, Location> CreatedElsewhere;
  std::set<std::string> Released;           // globals, by USR
  std::set<std::string> ClosedAccessors;    // functions, by USR
};

} // namespace leakguard::run

#endif
