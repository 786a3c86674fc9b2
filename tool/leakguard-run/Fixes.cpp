//===--- Fixes.cpp - applying and exporting fix-its -----------------------===//

#include "Fixes.h"
#include "common/Compat.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <set>

namespace leakguard::run {

namespace compat = clang::tidy::leakguard::compat;

llvm::Expected<FixSummary> applyFixes(const std::vector<Finding> &Findings) {
  std::map<std::string, std::set<Replacement>> ByFile;
  for (const Finding &F : Findings)
    for (const Replacement &R : F.Fixes)
      ByFile[R.File].insert(R);
  FixSummary Summary;
  for (auto &[File, Replacements] : ByFile) {
    auto Buffer = llvm::MemoryBuffer::getFile(File);
    if (!Buffer)
      return compat::stringError("cannot read '%s' to fix it", File.c_str());
    llvm::StringRef Code = (*Buffer)->getBuffer();
    std::string Result;
    unsigned Pos = 0;
    // Sorted by offset: a replacement starting before the end of the
    // previous one conflicts with it, unless both insert at one point.
    for (const Replacement &R : Replacements) {
      if (R.Offset < Pos || R.Offset + R.Length > Code.size()) {
        ++Summary.Conflicts;
        continue;
      }
      Result += Code.slice(Pos, R.Offset).str();
      Result += R.Text;
      Pos = R.Offset + R.Length;
      ++Summary.Applied;
    }
    Result += Code.substr(Pos).str();
    std::error_code EC;
    llvm::raw_fd_ostream OS(File, EC);
    if (EC)
      return llvm::createStringError(EC, "cannot write '%s': %s", File.c_str(),
                                     EC.message().c_str());
    OS << Result;
    ++Summary.Files;
  }
  return Summary;
}

static clang::tooling::DiagnosticMessage toMessage(const std::string &Message,
                                                   const Location &L) {
  clang::tooling::DiagnosticMessage M;
  M.Message = Message;
  M.FilePath = L.File;
  M.FileOffset = L.Offset;
  return M;
}

llvm::Error exportFixes(const std::vector<Finding> &Findings,
                        llvm::StringRef Path) {
  clang::tooling::TranslationUnitDiagnostics Doc;
  std::set<Replacement> Exported;
  for (const Finding &F : Findings) {
    clang::tooling::Diagnostic D;
    D.DiagnosticName = F.Check;
    D.DiagLevel = F.IsError ? clang::tooling::Diagnostic::Error
                            : clang::tooling::Diagnostic::Warning;
    D.Message = toMessage(F.Message, F.Loc);
    for (const Replacement &R : F.Fixes) {
      if (!Exported.insert(R).second)
        continue;
      llvm::consumeError(D.Message.Fix[R.File].add(
          clang::tooling::Replacement(R.File, R.Offset, R.Length, R.Text)));
    }
    for (const Note &N : F.Notes)
      D.Notes.push_back(toMessage(N.Message, N.Loc));
    Doc.Diagnostics.push_back(std::move(D));
  }
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  if (EC)
    return llvm::createStringError(EC, "cannot write '%s': %s",
                                   Path.str().c_str(), EC.message().c_str());
  llvm::yaml::Output YAML(OS);
  YAML << Doc;
  return llvm::Error::success();
}

} // namespace leakguard::run
