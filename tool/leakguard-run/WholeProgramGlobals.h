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
// Some findings no TU can decide; the TU that would report them exports
// them as undecided. A global pointer defined in one TU (`DbClient *g =
// nullptr;`) and assigned `new` in another that only declares it (`extern`)
// is reported when some TU assigns it `new` and none shuts it down. A
// function-local static returned by address (`return &c;`) is reported
// unless a TU closes it through the function returning it.
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
  /// the undecided ones the program proves.
  void decide(MergeResult &Result) const;

private:
  /// A variable some TU reported.
  struct Reported {
    std::set<std::pair<std::string, unsigned>> Sites;
    /// Functions returning it (rule 3): closing their result closes it.
    std::set<std::string> Accessors;
  };
  /// A finding its TU could not decide, as that TU would report it.
  struct Undecided {
    Location Definition;
    std::string Message, Note;
    /// Created by its definition (a static), not by a `new` elsewhere.
    bool CreatedHere = false;
    std::set<std::string> Accessors;
  };
  bool isShutDown(const std::string &Usr,
                  const std::set<std::string> &Accessors) const;

  std::map<std::string, Reported> Findings;           // by USR
  std::map<std::string, Undecided> UndecidedFindings; // by USR
  /// By USR: the first `new` assigned where the pointer is not defined.
  std::map<std::string, Location> CreatedElsewhere;
  std::set<std::string> Released;        // globals, by USR
  std::set<std::string> ClosedAccessors; // functions, by USR
};

} // namespace leakguard::run

#endif
