//===--- WholeProgramShutdown.h - shutdown paths across TUs -----*- C++ -*-===//
//
// Whole-program merges of the two checks that ask what a class's
// shutdown-like methods do (checks/common/ShutdownPaths.h) and, in one TU,
// stay silent when such a method is defined in another: leak-untracked-timer
// (rule 2) and leak-listener-not-removed (rule 1). With the facts of every
// TU, a method defined somewhere is known: the finding is reported when no
// definition cancels the timer / removes the listeners, dropped when one
// does, and still left alone when a method is defined in no TU.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_RUN_WHOLEPROGRAMSHUTDOWN_H
#define LEAKGUARD_RUN_WHOLEPROGRAMSHUTDOWN_H

#include "WholeProgram.h"
#include "llvm/Support/JSON.h"
#include <map>
#include <set>
#include <string>
#include <vector>

namespace leakguard::run {

/// A set of strings read from a JSON array of strings (USRs).
using UsrSet = std::set<std::string>;

/// leak-untracked-timer, rule 2 (tool/leakguard-run/WholeProgramTimers.cpp).
class UntrackedTimerMerge {
public:
  static constexpr llvm::StringLiteral Check = "leak-untracked-timer";
  void add(const llvm::json::Object &TU);
  void decide(MergeResult &Result) const;

private:
  /// A timer re-armed by its handler, as one TU saw it.
  struct Timer {
    std::string Usr, Class;
    bool SharedOwner = false; // rule 2(a); else 2(b), captures `this`
    Location Arm;             // the async_wait
    std::string Message, Note;
    std::vector<std::string> Shutdowns; // 2(b)
    UsrSet Guards;
    bool Reported = false; // the TU reported it itself
  };
  /// What the definitions of one member function do, over all TUs.
  struct Effects {
    std::string Class;
    UsrSet Cancels, Expires, Sets;
    bool StopsEventLoop = false;
  };
  bool isStopped(const Timer &T, const Effects &E) const;

  std::vector<Timer> Timers;             // in the order of the facts
  std::map<std::string, Effects> Methods; // by USR: defined in some TU
};

/// leak-listener-not-removed, rule 1
/// (tool/leakguard-run/WholeProgramListeners.cpp).
class ListenerNotRemovedMerge {
public:
  static constexpr llvm::StringLiteral Check = "leak-listener-not-removed";
  void add(const llvm::json::Object &TU);
  void decide(MergeResult &Result) const;

private:
  /// A data member holding listeners, or those a class inherits.
  struct Storage {
    std::string Usr, What, Note;
    Location Decl;
    bool Inherited = false;
    std::vector<Location> AddSites; // in the order first seen
    bool Drained = false, RemovedElsewhere = false;
  };
  struct Class {
    std::string Message; // up to the list of what is kept
    Location Decl;
    std::vector<std::string> Shutdowns;
    UsrSet Defined, Removed; // shutdown methods; storages they remove
    std::vector<Storage> Storages; // in the order first seen
    bool Reported = false;
  };

  std::vector<std::string> Order;      // class USRs, first seen first
  std::map<std::string, Class> Classes; // by USR
};

} // namespace leakguard::run

#endif
