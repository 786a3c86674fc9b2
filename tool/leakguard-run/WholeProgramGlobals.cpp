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
}

} // namespace leakguard::run
