//===--- WholeProgramTimers.cpp - leak-untracked-timer across TUs ---------===//
//
// Facts (checks/UntrackedTimerCheck.cpp, exportFacts):
//   "timers":  rule-2 timers a TU reported (2a, 2b) or left alone because a
//              shutdown-like method is defined elsewhere (2b);
//   "methods": member functions the TU defines of a class with a timer data
//              member, with what they do to its timers and data members.
//
//===----------------------------------------------------------------------===//

#include "WholeProgramShutdown.h"
#include "llvm/ADT/STLExtras.h"

namespace leakguard::run {

static UsrSet readUsrs(const llvm::json::Object &O, llvm::StringRef Key) {
  UsrSet Result;
  if (const llvm::json::Array *Array = O.getArray(Key))
    for (const llvm::json::Value &V : *Array)
      if (std::optional<llvm::StringRef> S = V.getAsString())
        Result.insert(S->str());
  return Result;
}

void UntrackedTimerMerge::add(const llvm::json::Object &TU) {
  if (const llvm::json::Array *Defined = TU.getArray("methods"))
    for (const llvm::json::Value &V : *Defined) {
      const llvm::json::Object *M = V.getAsObject();
      std::optional<llvm::StringRef> Usr = M ? M->getString("usr") : std::nullopt;
      if (!Usr)
        continue;
      Effects &E = Methods[Usr->str()];
      E.Class = M->getString("class").value_or("").str();
      E.Cancels.merge(readUsrs(*M, "cancels"));
      E.Expires.merge(readUsrs(*M, "expires"));
      E.Sets.merge(readUsrs(*M, "sets"));
      E.StopsEventLoop |= M->getBoolean("stops_event_loop").value_or(false);
    }
  if (const llvm::json::Array *Armed = TU.getArray("timers"))
    for (const llvm::json::Value &V : *Armed) {
      const llvm::json::Object *O = V.getAsObject();
      if (!O)
        continue;
      Timer T;
      T.Usr = O->getString("usr").value_or("").str();
      T.Class = O->getString("class").value_or("").str();
      T.SharedOwner = O->getString("captures") == "shared";
      T.Message = O->getString("message").value_or("").str();
      T.Note = O->getString("note").value_or("").str();
      T.Guards = readUsrs(*O, "guards");
      T.Reported = O->getBoolean("reported").value_or(false);
      if (const llvm::json::Array *Shutdowns = O->getArray("shutdowns"))
        for (const llvm::json::Value &S : *Shutdowns)
          if (std::optional<llvm::StringRef> Usr = S.getAsString())
            T.Shutdowns.push_back(Usr->str());
      if (T.Usr.empty() || T.Class.empty() || !readLocation(O->get("location"), T.Arm))
        continue;
      if (!T.SharedOwner && (T.Shutdowns.empty() || T.Message.empty()))
        continue;
      Timers.push_back(std::move(T));
    }
}

/// Whether a definition with effects E ends the timer's cycle: as the
/// single-TU rules decide it for a definition they can see.
bool UntrackedTimerMerge::isStopped(const Timer &T, const Effects &E) const {
  bool SetsGuard = llvm::any_of(
      E.Sets, [&](const std::string &F) { return T.Guards.count(F) != 0; });
  return E.Cancels.count(T.Usr) || SetsGuard || E.StopsEventLoop ||
         (!T.SharedOwner && E.Expires.count(T.Usr));
}

void UntrackedTimerMerge::decide(MergeResult &Result) const {
  for (const Timer &T : Timers) {
    bool Stopped;
    bool EveryShutdownDefined = true;
    if (T.SharedOwner) {
      // 2(a): any member function of the class but the destructor (not
      // exported) ends the cycle.
      Stopped = llvm::any_of(Methods, [&](const auto &Entry) {
        return Entry.second.Class == T.Class && isStopped(T, Entry.second);
      });
    } else {
      // 2(b): only the shutdown-like methods count.
      Stopped = false;
      for (const std::string &Shutdown : T.Shutdowns) {
        auto It = Methods.find(Shutdown);
        if (It == Methods.end())
          EveryShutdownDefined = false; // a library may cancel it
        else
          Stopped |= isStopped(T, It->second);
      }
    }
    if (Stopped) {
      if (T.Reported)
        Result.Disproved.insert({Check.str(), T.Arm});
      continue;
    }
    if (T.Reported || T.SharedOwner || !EveryShutdownDefined)
      continue;
    Finding F;
    F.Check = Check.str();
    F.Message = T.Message;
    F.Loc = T.Arm;
    F.Notes.push_back({T.Note, T.Arm});
    Result.Findings.push_back(std::move(F));
  }
}

} // namespace leakguard::run
