//===--- Baseline.cpp - findings accepted as they are ---------------------===//

#include "Baseline.h"
#include "common/Compat.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <tuple>

namespace leakguard::run {

namespace compat = clang::tidy::leakguard::compat;

std::string relativeToRoot(llvm::StringRef Path, llvm::StringRef Root) {
  llvm::StringRef Rest = Path;
  if (!Root.empty() && Rest.consume_front(Root) &&
      (Root.ends_with("/") || Rest.consume_front("/")))
    return Rest.str();
  return Path.str();
}

/// Outside quoted names, digit runs become '#' and blank runs one space: a
/// message that only differs by a count or a line reference is the same
/// finding, while 'log1_' and 'log2_' stay different.
static std::string normalizeMessage(llvm::StringRef Message) {
  std::string Result;
  bool Quoted = false;
  for (char C : Message) {
    if (C == '\'')
      Quoted = !Quoted;
    if (!Quoted && llvm::isDigit(C)) {
      if (Result.empty() || Result.back() != '#')
        Result += '#';
    } else if (!Quoted && llvm::isSpace(C)) {
      if (!Result.empty() && Result.back() != ' ')
        Result += ' ';
    } else {
      Result += C;
    }
  }
  return Result;
}

static std::string fingerprintOf(llvm::StringRef Check, llvm::StringRef File,
                                 llvm::StringRef Message) {
  std::string Material = (Check + "\0" + File + "\0" + Message).str();
  Material[Check.size()] = '\0';
  return llvm::utohexstr(clang::tidy::leakguard::compat::hash64(Material), true, 16);
}

std::string fingerprintOf(const Finding &F, llvm::StringRef Root) {
  return fingerprintOf(F.Check, relativeToRoot(F.Loc.File, Root),
                       normalizeMessage(F.Message));
}

std::vector<std::string> occurrenceFingerprints(const std::vector<Finding> &Fs,
                                                llvm::StringRef Root) {
  std::map<std::string, unsigned> Seen;
  std::vector<std::string> Result;
  for (const Finding &F : Fs) {
    std::string FP = fingerprintOf(F, Root);
    Result.push_back(FP + ":" + std::to_string(Seen[FP]++));
  }
  return Result;
}

llvm::Expected<Baseline> Baseline::read(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return compat::stringError("cannot read baseline '%s': %s",
                               Path.str().c_str(),
                               Buffer.getError().message().c_str());
  auto Parsed = llvm::json::parse((*Buffer)->getBuffer());
  if (!Parsed)
    return compat::stringError("corrupt baseline '%s': %s", Path.str().c_str(),
                               llvm::toString(Parsed.takeError()).c_str());
  auto Corrupt = [&](const char *What) {
    return compat::stringError("corrupt baseline '%s': %s", Path.str().c_str(),
                               What);
  };
  const llvm::json::Object *O = Parsed->getAsObject();
  if (!O || O->getInteger("version") != 1)
    return Corrupt("not a leakguard baseline (version 1)");
  const llvm::json::Array *Findings = O->getArray("findings");
  if (!Findings)
    return Corrupt("no 'findings' array");
  Baseline B;
  for (const llvm::json::Value &V : *Findings) {
    const llvm::json::Object *E = V.getAsObject();
    std::optional<llvm::StringRef> Check, File, Message;
    std::optional<int64_t> Count;
    if (E) {
      Check = E->getString("check");
      File = E->getString("file");
      Message = E->getString("message");
      Count = E->getInteger("count");
    }
    if (!Check || !File || !Message || !Count || *Count < 1)
      return Corrupt("an entry lacks check, file, message or a positive count");
    std::string FP = fingerprintOf(*Check, *File, normalizeMessage(*Message));
    BaselineEntry &Entry = B.Entries[FP];
    Entry = {Check->str(), File->str(), Message->str(),
             Entry.Count + static_cast<unsigned>(*Count)};
  }
  return B;
}

Baseline Baseline::fromFindings(const std::vector<Finding> &Fs,
                                llvm::StringRef Root) {
  Baseline B;
  for (const Finding &F : Fs) {
    BaselineEntry &E = B.Entries[fingerprintOf(F, Root)];
    E.Check = F.Check;
    E.File = relativeToRoot(F.Loc.File, Root);
    E.Message = F.Message;
    ++E.Count;
  }
  return B;
}

llvm::Error Baseline::write(llvm::StringRef Path) const {
  // In file, check, message order, not the fingerprints' (hash) order: the
  // same file on every LLVM version (compat::hash64 differs before 17) and
  // a readable diff when the baseline is rewritten.
  std::vector<const std::pair<const std::string, BaselineEntry> *> Sorted;
  for (const auto &Entry : Entries)
    Sorted.push_back(&Entry);
  llvm::sort(Sorted, [](const auto *A, const auto *B) {
    return std::tie(A->second.File, A->second.Check, A->second.Message) <
           std::tie(B->second.File, B->second.Check, B->second.Message);
  });
  llvm::json::Array Findings;
  for (const auto *Entry : Sorted) {
    const auto &[FP, E] = *Entry;
    Findings.push_back(llvm::json::Object{{"check", E.Check},
                                          {"file", E.File},
                                          {"message", E.Message},
                                          {"count", E.Count},
                                          {"fingerprint", FP}});
  }
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  if (EC)
    return llvm::createStringError(EC, "cannot write baseline '%s': %s",
                                   Path.str().c_str(), EC.message().c_str());
  OS << llvm::formatv("{0:2}",
                      llvm::json::Value(llvm::json::Object{
                          {"version", 1},
                          {"tool", "leakguard-run"},
                          {"findings", std::move(Findings)}}))
     << "\n";
  return llvm::Error::success();
}

Baseline::Split Baseline::apply(std::vector<Finding> Fs,
                                llvm::StringRef Root) const {
  Split S;
  std::map<std::string, unsigned> Used;
  for (Finding &F : Fs) {
    std::string FP = fingerprintOf(F, Root);
    auto It = Entries.find(FP);
    if (It != Entries.end() && Used[FP] < It->second.Count) {
      ++Used[FP];
      ++S.Baselined;
      continue;
    }
    S.New.push_back(std::move(F));
  }
  for (const auto &[FP, E] : Entries)
    S.Gone += E.Count - Used[FP];
  return S;
}

} // namespace leakguard::run
