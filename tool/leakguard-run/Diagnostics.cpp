//===--- Diagnostics.cpp - the driver's model of a finding ----------------===//

#include "Diagnostics.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/YAMLTraits.h"
#include <algorithm>
#include <tuple>

namespace leakguard::run {

std::string normalizePath(llvm::StringRef Path, llvm::StringRef Base) {
  llvm::SmallString<256> Result;
  if (llvm::sys::path::is_absolute(Path)) {
    Result = Path;
  } else {
    Result = Base;
    if (Result.empty())
      llvm::sys::fs::current_path(Result);
    llvm::sys::path::append(Result, Path);
  }
  llvm::sys::path::remove_dots(Result, /*remove_dot_dot=*/true);
  return std::string(Result);
}

bool Replacement::operator<(const Replacement &O) const {
  return std::tie(File, Offset, Length, Text) <
         std::tie(O.File, O.Offset, O.Length, O.Text);
}
bool Replacement::operator==(const Replacement &O) const {
  return std::tie(File, Offset, Length, Text) ==
         std::tie(O.File, O.Offset, O.Length, O.Text);
}

std::string Finding::dedupKey() const {
  return Check + '\0' + Loc.File + '\0' + std::to_string(Loc.Offset) + '\0' +
         Message;
}

static llvm::json::Value locationToJSON(const Location &L) {
  return llvm::json::Object{{"file", L.File}, {"offset", L.Offset},
                            {"line", L.Line}, {"column", L.Column}};
}

/// Reads a non-negative integer property; false when absent or invalid.
static bool getUnsigned(const llvm::json::Object &O, llvm::StringRef Key,
                        unsigned &Out) {
  std::optional<int64_t> V = O.getInteger(Key);
  if (!V || *V < 0)
    return false;
  Out = static_cast<unsigned>(*V);
  return true;
}

static bool locationFromJSON(const llvm::json::Value &V, Location &L,
                             llvm::json::Path P) {
  llvm::json::ObjectMapper O(V, P);
  if (!O || !O.map("file", L.File))
    return false;
  const llvm::json::Object &Obj = *V.getAsObject();
  getUnsigned(Obj, "line", L.Line);
  getUnsigned(Obj, "column", L.Column);
  return getUnsigned(Obj, "offset", L.Offset);
}

llvm::json::Value toJSON(const Finding &F) {
  llvm::json::Array Notes, Fixes;
  for (const Note &N : F.Notes)
    Notes.push_back(llvm::json::Object{{"message", N.Message},
                                       {"location", locationToJSON(N.Loc)}});
  for (const Replacement &R : F.Fixes)
    Fixes.push_back(llvm::json::Object{{"file", R.File},
                                       {"offset", R.Offset},
                                       {"length", R.Length},
                                       {"text", R.Text}});
  return llvm::json::Object{{"check", F.Check},
                            {"level", F.IsError ? "error" : "warning"},
                            {"message", F.Message},
                            {"location", locationToJSON(F.Loc)},
                            {"notes", std::move(Notes)},
                            {"fixes", std::move(Fixes)}};
}

bool fromJSON(const llvm::json::Value &V, Finding &F, llvm::json::Path P) {
  llvm::json::ObjectMapper O(V, P);
  std::string Level;
  if (!O || !O.map("check", F.Check) || !O.map("message", F.Message) ||
      !O.map("level", Level))
    return false;
  F.IsError = Level == "error";
  const llvm::json::Object *Obj = V.getAsObject();
  const llvm::json::Value *Loc = Obj->get("location");
  if (!Loc || !locationFromJSON(*Loc, F.Loc, P.field("location")))
    return false;
  if (const llvm::json::Array *Notes = Obj->getArray("notes"))
    for (const llvm::json::Value &NV : *Notes) {
      Note N;
      llvm::json::ObjectMapper NO(NV, P.field("notes"));
      if (!NO || !NO.map("message", N.Message))
        return false;
      const llvm::json::Value *NLoc = NV.getAsObject()->get("location");
      if (!NLoc || !locationFromJSON(*NLoc, N.Loc, P.field("notes")))
        return false;
      F.Notes.push_back(std::move(N));
    }
  if (const llvm::json::Array *Fixes = Obj->getArray("fixes"))
    for (const llvm::json::Value &RV : *Fixes) {
      Replacement R;
      llvm::json::ObjectMapper RO(RV, P.field("fixes"));
      if (!RO || !RO.map("file", R.File) || !RO.map("text", R.Text) ||
          !getUnsigned(*RV.getAsObject(), "offset", R.Offset) ||
          !getUnsigned(*RV.getAsObject(), "length", R.Length))
        return false;
      F.Fixes.push_back(std::move(R));
    }
  return true;
}

static Location locationOf(const clang::tooling::DiagnosticMessage &M,
                           llvm::StringRef BuildDir) {
  Location L;
  if (!M.FilePath.empty())
    L.File = normalizePath(M.FilePath, BuildDir);
  L.Offset = M.FileOffset;
  return L;
}

llvm::Expected<std::vector<Finding>> readExportedFixes(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return llvm::createStringError(Buffer.getError(), "cannot read '%s'",
                                   Path.str().c_str());
  clang::tooling::TranslationUnitDiagnostics Doc;
  llvm::yaml::Input YAML((*Buffer)->getBuffer());
  YAML >> Doc;
  if (YAML.error())
    return llvm::createStringError(YAML.error(), "malformed diagnostics in '%s'",
                                   Path.str().c_str());
  std::vector<Finding> Result;
  for (const clang::tooling::Diagnostic &D : Doc.Diagnostics) {
    Finding F;
    F.Check = D.DiagnosticName;
    F.IsError = D.DiagLevel == clang::tooling::Diagnostic::Error;
    F.Message = D.Message.Message;
    F.Loc = locationOf(D.Message, D.BuildDirectory);
    for (const clang::tooling::DiagnosticMessage &N : D.Notes)
      F.Notes.push_back({N.Message, locationOf(N, D.BuildDirectory)});
    for (const auto &FileAndReplacements : D.Message.Fix)
      for (const clang::tooling::Replacement &R : FileAndReplacements.second)
        F.Fixes.push_back({normalizePath(R.getFilePath(), D.BuildDirectory),
                           R.getOffset(), R.getLength(),
                           R.getReplacementText().str()});
    std::sort(F.Fixes.begin(), F.Fixes.end());
    Result.push_back(std::move(F));
  }
  return Result;
}

void sortAndDeduplicate(std::vector<Finding> &Findings) {
  auto Order = [](const Finding &A, const Finding &B) {
    return std::tie(A.Loc.File, A.Loc.Offset, A.Check, A.Message) <
           std::tie(B.Loc.File, B.Loc.Offset, B.Check, B.Message);
  };
  std::sort(Findings.begin(), Findings.end(), Order);
  Findings.erase(std::unique(Findings.begin(), Findings.end(),
                             [](const Finding &A, const Finding &B) {
                               return A.dedupKey() == B.dedupKey();
                             }),
                 Findings.end());
}

const SourceFiles::Text &SourceFiles::get(llvm::StringRef File) {
  auto It = Files.find(File);
  if (It != Files.end())
    return It->second;
  Text T;
  if (auto Buffer = llvm::MemoryBuffer::getFile(File, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false))
    T.Content = (*Buffer)->getBuffer().str();
  T.LineStarts.push_back(0);
  for (unsigned I = 0; I < T.Content.size(); ++I)
    if (T.Content[I] == '\n')
      T.LineStarts.push_back(I + 1);
  return Files.try_emplace(File, std::move(T)).first->second;
}

void SourceFiles::resolve(Location &L) {
  if (L.File.empty())
    return;
  const Text &T = get(L.File);
  auto It = std::upper_bound(T.LineStarts.begin(), T.LineStarts.end(), L.Offset);
  unsigned LineIndex = static_cast<unsigned>(It - T.LineStarts.begin()) - 1;
  L.Line = LineIndex + 1;
  L.Column = L.Offset - T.LineStarts[LineIndex] + 1;
}

void SourceFiles::resolve(Finding &F) {
  resolve(F.Loc);
  for (Note &N : F.Notes)
    resolve(N.Loc);
}

llvm::StringRef SourceFiles::lineText(llvm::StringRef File, unsigned Line) {
  const Text &T = get(File);
  if (Line == 0 || Line > T.LineStarts.size())
    return "";
  llvm::StringRef Content(T.Content);
  llvm::StringRef Rest = Content.substr(T.LineStarts[Line - 1]);
  return Rest.take_until([](char C) { return C == '\n' || C == '\r'; });
}

} // namespace leakguard::run
