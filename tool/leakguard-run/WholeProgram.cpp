//===--- WholeProgram.cpp - decide across translation units ---------------===//

#include "WholeProgram.h"
#include "WholeProgramGlobals.h"
#include "WholeProgramShutdown.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/GlobPattern.h"
#include <map>
#include <set>
#include <tuple>

namespace leakguard::run {

namespace {

/// Facts format version the driver understands (WholeProgramFacts.h).
constexpr int64_t FactsVersion = 1;
constexpr llvm::StringLiteral UnboundedContainer = "leak-unbounded-container";
/// As many growth notes as one TU's diagnostic carries.
constexpr size_t MaxGrowthNotes = 3;

} // namespace

bool readLocation(const llvm::json::Value *V, Location &L) {
  const llvm::json::Object *O = V ? V->getAsObject() : nullptr;
  if (!O)
    return false;
  std::optional<llvm::StringRef> File = O->getString("file");
  std::optional<int64_t> Offset = O->getInteger("offset");
  if (!File || File->empty() || !Offset || *Offset < 0)
    return false;
  L.File = normalizePath(*File, "");
  L.Offset = static_cast<unsigned>(*Offset);
  return true;
}

namespace {

/// One member of a class, as all TUs together see it.
struct MergedMember {
  std::string Class;
  std::string Message, Note;
  Location Decl;
  std::set<std::pair<std::string, unsigned>> GrowthSites;
  bool Removed = false;
  bool Escapes = false;
  bool Strict = false;
};

class UnboundedContainerMerge {
public:
  void add(const llvm::json::Object &TU) {
    bool Strict = TU.getBoolean("strict").value_or(false);
    if (const llvm::json::Array *Classes = TU.getArray("classes"))
      for (const llvm::json::Value &C : *Classes)
        addClass(C);
    if (const llvm::json::Array *Members = TU.getArray("members"))
      for (const llvm::json::Value &M : *Members)
        addMember(M, Strict);
  }

  void decide(MergeResult &Result, MergeStats &Stats) const {
    Stats.Members += Members.size();
    Stats.Classes += Classes.size();
    for (const auto &[Usr, Methods] : Classes)
      Stats.MemberFunctions += Methods.size();
    for (const auto &[Usr, M] : Members) {
      if (M.Removed)
        Result.Disproved.insert({UnboundedContainer.str(), M.Decl});
      if (M.GrowthSites.empty() || M.Removed)
        continue;
      if (M.Escapes && !M.Strict)
        continue;
      // A member function no TU defines (a library, generated code outside
      // the database) may remove elements: the program is not all here.
      if (!isEveryMemberFunctionDefined(M.Class) && !M.Strict)
        continue;
      Result.Findings.push_back(finding(M));
    }
  }

private:
  void addClass(const llvm::json::Value &V) {
    const llvm::json::Object *C = V.getAsObject();
    std::optional<llvm::StringRef> Usr = C ? C->getString("usr") : std::nullopt;
    const llvm::json::Array *Methods = C ? C->getArray("methods") : nullptr;
    if (!Usr || !Methods)
      return;
    std::map<std::string, bool> &Known = Classes[Usr->str()];
    for (const llvm::json::Value &MV : *Methods) {
      const llvm::json::Object *M = MV.getAsObject();
      std::optional<llvm::StringRef> MethodUsr =
          M ? M->getString("usr") : std::nullopt;
      if (!MethodUsr)
        continue;
      Known[MethodUsr->str()] |= M->getBoolean("defined").value_or(false);
    }
  }

  void addMember(const llvm::json::Value &V, bool Strict) {
    const llvm::json::Object *O = V.getAsObject();
    if (!O)
      return;
    std::optional<llvm::StringRef> Usr = O->getString("usr");
    std::optional<llvm::StringRef> Class = O->getString("class");
    std::optional<llvm::StringRef> Message = O->getString("message");
    Location Decl;
    if (!Usr || !Class || !Message || !readLocation(O->get("location"), Decl))
      return;
    MergedMember &M = Members[Usr->str()];
    if (M.Message.empty()) {
      M.Class = Class->str();
      M.Message = Message->str();
      M.Note = O->getString("note").value_or("").str();
      M.Decl = Decl;
    }
    M.Strict |= Strict;
    M.Removed |= O->getBoolean("removed").value_or(false);
    M.Escapes |= O->getBoolean("escapes").value_or(false);
    if (const llvm::json::Array *Growth = O->getArray("growth"))
      for (const llvm::json::Value &G : *Growth) {
        Location Site;
        if (readLocation(&G, Site))
          M.GrowthSites.insert({Site.File, Site.Offset});
      }
  }

  bool isEveryMemberFunctionDefined(const std::string &Class) const {
    auto It = Classes.find(Class);
    if (It == Classes.end())
      return false;
    for (const auto &[Usr, Defined] : It->second)
      if (!Defined)
        return false;
    return true;
  }

  static Finding finding(const MergedMember &M) {
    Finding F;
    F.Check = UnboundedContainer.str();
    F.Message = M.Message;
    F.Loc = M.Decl;
    size_t Notes = 0;
    for (const auto &[File, Offset] : M.GrowthSites) {
      if (Notes++ == MaxGrowthNotes)
        break;
      Note N;
      N.Message = "elements are added here";
      N.Loc.File = File;
      N.Loc.Offset = Offset;
      F.Notes.push_back(std::move(N));
    }
    if (!M.Note.empty())
      F.Notes.push_back({M.Note, M.Decl});
    return F;
  }

  std::map<std::string, MergedMember> Members; // by USR
  std::map<std::string, std::map<std::string, bool>> Classes; // USR -> methods
};

/// Whether the NOLINT marker at the start of Rest (just past its name)
/// covers Check: no list covers every check, "(a, b*)" the ones it names.
bool coversCheck(llvm::StringRef Rest, llvm::StringRef Check) {
  if (!Rest.consume_front("("))
    return true;
  llvm::StringRef List = Rest.take_until([](char C) { return C == ')'; });
  llvm::SmallVector<llvm::StringRef, 4> Globs;
  List.split(Globs, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Glob : Globs) {
    llvm::Expected<llvm::GlobPattern> Pattern =
        llvm::GlobPattern::create(Glob.trim());
    if (!Pattern) {
      llvm::consumeError(Pattern.takeError());
      continue;
    }
    if (Pattern->match(Check))
      return true;
  }
  return false;
}

/// Whether Line holds Marker (exactly: NOLINT is not NOLINTNEXTLINE)
/// covering Check.
bool hasMarker(llvm::StringRef Line, llvm::StringRef Marker,
               llvm::StringRef Check) {
  for (size_t At = Line.find(Marker); At != llvm::StringRef::npos;
       At = Line.find(Marker, At + 1)) {
    llvm::StringRef Rest = Line.substr(At + Marker.size());
    if (!Rest.empty() && (llvm::isAlnum(Rest.front()) || Rest.front() == '_'))
      continue;
    if (coversCheck(Rest, Check))
      return true;
  }
  return false;
}

} // namespace

bool isSuppressedByNolint(const Finding &F, SourceFiles &Sources) {
  Location Loc = F.Loc;
  Sources.resolve(Loc);
  if (Loc.Line == 0)
    return false;
  if (hasMarker(Sources.lineText(Loc.File, Loc.Line), "NOLINT", F.Check) ||
      (Loc.Line > 1 && hasMarker(Sources.lineText(Loc.File, Loc.Line - 1),
                                 "NOLINTNEXTLINE", F.Check)))
    return true;
  int Open = 0;
  for (unsigned Line = 1; Line < Loc.Line; ++Line) {
    llvm::StringRef Text = Sources.lineText(Loc.File, Line);
    Open += hasMarker(Text, "NOLINTBEGIN", F.Check);
    Open -= Open > 0 && hasMarker(Text, "NOLINTEND", F.Check);
  }
  return Open > 0;
}

MergeResult merge(const std::vector<const llvm::json::Value *> &Facts,
                  MergeStats &Stats) {
  UnboundedContainerMerge Unbounded;
  GlobalConnectionMerge Globals;
  UntrackedTimerMerge Timers;
  ListenerNotRemovedMerge Listeners;
  for (const llvm::json::Value *V : Facts) {
    const llvm::json::Object *TU = V->getAsObject();
    if (!TU || TU->getInteger("version") != FactsVersion)
      continue;
    ++Stats.FactFiles;
    if (TU->getString("check") == UnboundedContainer)
      Unbounded.add(*TU);
    else if (TU->getString("check") == GlobalConnectionMerge::Check)
      Globals.add(*TU);
    else if (TU->getString("check") == UntrackedTimerMerge::Check)
      Timers.add(*TU);
    else if (TU->getString("check") == ListenerNotRemovedMerge::Check)
      Listeners.add(*TU);
  }
  MergeResult Result;
  Unbounded.decide(Result, Stats);
  Globals.decide(Result);
  Timers.decide(Result);
  Listeners.decide(Result);
  return Result;
}

} // namespace leakguard::run
