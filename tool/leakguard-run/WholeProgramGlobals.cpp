//===--- WholeProgramGlobals.cpp - leak-global-connection's merge ---------===//

#include "WholeProgramGlobals.h"
#include "llvm/ADT/STLExtras.h"

namespace leakguard::run {

namespace {
void insertStrings(const llvm::json::Array *Strings,
                   std::set<std::string> &Into) {
  if (!Strings)
    return;
  for (const llvm::json::Value &S : *Strings)
    if (std::optional<llvm::StringRef> Text = S.getAsString())
      Into.insert(Text->str());
}
} // namespace

void GlobalConnectionMerge::add(const llvm::json::Object &TU) {
  insertStrings(TU.getArray("closed_accessors"), ClosedAccessors);
  const llvm::json::Array *Globals = TU.getArray("globals");
  if (!Globals)
    return;
  for (const llvm::json::Value &V : *Globals) {
    const llvm::json::Object *G = V.getAsObject();
    std::optional<llvm::StringRef> Usr = G ? G->getString("usr") : std::nullopt;
    if (!Usr)
      continue;
    Location Finding;
    if (readLocation(G->get("finding"), Finding)) {
      Reported &R = Findings[Usr->str()];
      R.Sites.insert({Finding.File, Finding.Offset});
      insertStrings(G->getArray("accessors"), R.Accessors);
    }
    if (G->getBoolean("released").value_or(false))
      Released.insert(Usr->str());
    Location Created;
    if (readLocation(G->get("created"), Created)) {
      auto [It, New] = CreatedElsewhere.try_emplace(Usr->str(), Created);
      if (!New && Created < It->second)
        It->second = Created;
    }
    Undecided U;
    std::optional<llvm::StringRef> Message = G->getString("message");
    if (Message && readLocation(G->get("definition"), U.Definition)) {
      U.Message = Message->str();
      U.Note = G->getString("note").value_or("").str();
      U.CreatedHere = G->getBoolean("created_here").value_or(false);
      insertStrings(G->getArray("accessors"), U.Accessors);
      UndecidedFindings.try_emplace(Usr->str(), std::move(U));
    }
  }
}

bool GlobalConnectionMerge::isShutDown(
    const std::string &Usr, const std::set<std::string> &Accessors) const {
  return Released.count(Usr) ||
         llvm::any_of(Accessors, [&](const std::string &Accessor) {
           return ClosedAccessors.count(Accessor) != 0;
         });
}

void GlobalConnectionMerge::decide(MergeResult &Result) const {
  for (const auto &[Usr, R] : Findings) {
    if (!isShutDown(Usr, R.Accessors))
      continue;
    for (const auto &[File, Offset] : R.Sites) {
      Location L;
      L.File = File;
      L.Offset = Offset;
      Result.Disproved.insert({Check.str(), L});
    }
  }
  for (const auto &[Usr, U] : UndecidedFindings) {
    auto Created = CreatedElsewhere.find(Usr);
    if ((!U.CreatedHere && Created == CreatedElsewhere.end()) ||
        isShutDown(Usr, U.Accessors))
      continue;
    // As its TU would report it, had it seen the whole program.
    Finding F;
    F.Check = Check.str();
    F.Message = U.Message;
    F.Loc = U.Definition;
    if (!U.CreatedHere)
      F.Notes.push_back({"created here", Created->second});
    if (!U.Note.empty())
      F.Notes.push_back({U.Note, U.Definition});
    Result.Findings.push_back(std::move(F));
  }
}

} // namespace leakguard::run
