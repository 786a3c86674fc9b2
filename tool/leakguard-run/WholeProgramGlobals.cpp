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
    Unassigned Pointer;
    std::optional<llvm::StringRef> Message = G->getString("message");
    if (Message && readLocation(G->get("definition"), Pointer.Definition)) {
      Pointer.Message = Message->str();
      Pointer.Note = G->getString("note").value_or("").str();
      UnassignedPointers.try_emplace(Usr->str(), std::move(Pointer));
    }
  }
}

bool GlobalConnectionMerge::isShutDown(const std::string &Usr,
                                       const Reported &R) const {
  return Released.count(Usr) ||
         llvm::any_of(R.Accessors, [&](const std::string &Accessor) {
           return ClosedAccessors.count(Accessor) != 0;
         });
}

void GlobalConnectionMerge::decide(MergeResult &Result) const {
  for (const auto &[Usr, R] : Findings) {
    if (!isShutDown(Usr, R))
      continue;
    for (const auto &[File, Offset] : R.Sites) {
      Location L;
      L.File = File;
      L.Offset = Offset;
      Result.Disproved.insert({Check.str(), L});
    }
  }
  for (const auto &[Usr, Pointer] : UnassignedPointers) {
    auto Created = CreatedElsewhere.find(Usr);
    if (Created == CreatedElsewhere.end() || Released.count(Usr))
      continue;
    // As the defining TU would report it, had it seen the `new`.
    Finding F;
    F.Check = Check.str();
    F.Message = Pointer.Message;
    F.Loc = Pointer.Definition;
    F.Notes.push_back({"created here", Created->second});
    if (!Pointer.Note.empty())
      F.Notes.push_back({Pointer.Note, Pointer.Definition});
    Result.Findings.push_back(std::move(F));
  }
}

} // namespace leakguard::run
