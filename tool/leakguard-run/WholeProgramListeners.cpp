//===--- WholeProgramListeners.cpp - leak-listener-not-removed across TUs -===//
//
// Facts (checks/ListenerNotRemovedCheck.cpp, exportFacts), per TU, for each
// class with shutdown-like methods and listener storage:
//   "storages": the storage, where the TU adds to it, whether the TU drains
//               it outside shutdown or another class's shutdown removes it;
//   "classes":  its shutdown-like methods, which ones the TU defines and
//               which storage those definitions remove, and whether the TU
//               reported the class itself.
//
//===----------------------------------------------------------------------===//

#include "WholeProgramShutdown.h"
#include "llvm/ADT/STLExtras.h"

namespace leakguard::run {

namespace {

/// As many "listeners are added here" notes per storage as a TU's
/// diagnostic carries.
constexpr size_t MaxAddNotes = 3;

/// 'a', 'a' and 'b', 'a', 'b' and 'c': as the check lists them.
std::string listed(const std::vector<std::string> &Names) {
  std::string Text;
  for (size_t I = 0; I < Names.size(); ++I) {
    if (I)
      Text += I + 1 == Names.size() ? " and " : ", ";
    Text += Names[I];
  }
  return Text;
}

bool sameLocation(const Location &A, const Location &B) {
  return A.File == B.File && A.Offset == B.Offset;
}

} // namespace

void ListenerNotRemovedMerge::add(const llvm::json::Object &TU) {
  if (const llvm::json::Array *Seen = TU.getArray("classes"))
    for (const llvm::json::Value &V : *Seen) {
      const llvm::json::Object *O = V.getAsObject();
      std::optional<llvm::StringRef> Usr = O ? O->getString("usr") : std::nullopt;
      Location Decl;
      if (!Usr || !readLocation(O->get("location"), Decl))
        continue;
      auto [It, New] = Classes.try_emplace(Usr->str());
      Class &C = It->second;
      if (New) {
        Order.push_back(Usr->str());
        C.Message = O->getString("message").value_or("").str();
        C.Decl = Decl;
      }
      C.Reported |= O->getBoolean("reported").value_or(false);
      const llvm::json::Array *Shutdowns = O->getArray("shutdowns");
      if (!Shutdowns)
        continue;
      for (const llvm::json::Value &SV : *Shutdowns) {
        const llvm::json::Object *S = SV.getAsObject();
        std::optional<llvm::StringRef> MethodUsr =
            S ? S->getString("usr") : std::nullopt;
        if (!MethodUsr)
          continue;
        if (New)
          C.Shutdowns.push_back(MethodUsr->str());
        if (S->getBoolean("defined").value_or(false))
          C.Defined.insert(MethodUsr->str());
        if (const llvm::json::Array *Removes = S->getArray("removes"))
          for (const llvm::json::Value &R : *Removes)
            if (std::optional<llvm::StringRef> StorageUsr = R.getAsString())
              C.Removed.insert(StorageUsr->str());
      }
    }
  if (const llvm::json::Array *Seen = TU.getArray("storages"))
    for (const llvm::json::Value &V : *Seen) {
      const llvm::json::Object *O = V.getAsObject();
      std::optional<llvm::StringRef> Usr = O ? O->getString("usr") : std::nullopt;
      std::optional<llvm::StringRef> ClassUsr =
          O ? O->getString("class") : std::nullopt;
      if (!Usr || !ClassUsr || !Classes.count(ClassUsr->str()))
        continue;
      std::vector<Storage> &Storages = Classes[ClassUsr->str()].Storages;
      auto It = llvm::find_if(
          Storages, [&](const Storage &S) { return S.Usr == *Usr; });
      if (It == Storages.end()) {
        Storage S;
        S.Usr = Usr->str();
        S.What = O->getString("what").value_or("").str();
        if (!readLocation(O->get("location"), S.Decl))
          continue;
        S.Inherited = O->getBoolean("inherited").value_or(false);
        S.Note = O->getString("note").value_or("").str();
        Storages.push_back(std::move(S));
        It = std::prev(Storages.end());
      }
      It->Drained |= O->getBoolean("drained").value_or(false);
      It->RemovedElsewhere |= O->getBoolean("removed_elsewhere").value_or(false);
      if (const llvm::json::Array *Added = O->getArray("added"))
        for (const llvm::json::Value &A : *Added) {
          Location Site;
          if (readLocation(&A, Site) &&
              llvm::none_of(It->AddSites, [&](const Location &L) {
                return sameLocation(L, Site);
              }))
            It->AddSites.push_back(Site);
        }
    }
}

void ListenerNotRemovedMerge::decide(MergeResult &Result) const {
  for (const std::string &Usr : Order) {
    const Class &C = Classes.at(Usr);
    // As in one TU: a container or signal member counts once something
    // adds to it, an emitter base always; drained ones are queues.
    std::vector<const Storage *> Kept;
    for (const Storage &S : C.Storages)
      if ((S.Inherited || !S.AddSites.empty()) && !S.Drained &&
          !S.RemovedElsewhere && !C.Removed.count(S.Usr))
        Kept.push_back(&S);
    if (C.Reported) {
      // What the TU reported, some TU removes after all.
      if (Kept.empty())
        Result.Disproved.insert({Check.str(), C.Decl});
      continue;
    }
    // A shutdown-like method defined in no TU (a library) may remove them.
    bool EveryShutdownDefined = llvm::all_of(
        C.Shutdowns, [&](const std::string &M) { return C.Defined.count(M); });
    if (Kept.empty() || C.Shutdowns.empty() || !EveryShutdownDefined ||
        C.Message.empty())
      continue;
    std::vector<std::string> What;
    for (const Storage *S : Kept)
      What.push_back(S->What);
    Finding F;
    F.Check = Check.str();
    F.Message = C.Message + " " + listed(What);
    F.Loc = C.Decl;
    for (const Storage *S : Kept) {
      for (size_t I = 0; I < S->AddSites.size() && I < MaxAddNotes; ++I)
        F.Notes.push_back({"listeners are added here", S->AddSites[I]});
      if (!S->Note.empty())
        F.Notes.push_back({S->Note, S->Decl});
    }
    Result.Findings.push_back(std::move(F));
  }
}

} // namespace leakguard::run
