//===--- Cache.cpp - result cache and recorded include graph --------------===//

#include "Cache.h"
#include "common/Compat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

namespace leakguard::run {

static std::string hexHash(llvm::StringRef Data) {
  return llvm::utohexstr(clang::tidy::leakguard::compat::hash64(Data), /*LowerCase=*/true, 16);
}

std::string FileHasher::hash(llvm::StringRef Path) {
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    auto It = Hashes.find(Path);
    if (It != Hashes.end())
      return It->second;
  }
  std::string Result;
  if (auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false))
    Result = hexHash((*Buffer)->getBuffer());
  std::lock_guard<std::mutex> Lock(Mutex);
  Hashes[Path] = Result;
  return Result;
}

/// Writes Text to Path through a temporary file, so a concurrent reader
/// never sees half an entry.
static void writeAtomically(llvm::StringRef Path, llvm::StringRef Text) {
  llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path));
  llvm::SmallString<256> Temp;
  int FD;
  if (llvm::sys::fs::createUniqueFile(Path + ".tmp-%%%%%%", FD, Temp))
    return;
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
  }
  if (llvm::sys::fs::rename(Temp, Path))
    llvm::sys::fs::remove(Temp);
}

static std::optional<llvm::json::Value> readJSON(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return std::nullopt;
  auto Parsed = llvm::json::parse((*Buffer)->getBuffer());
  if (!Parsed) {
    llvm::consumeError(Parsed.takeError());
    return std::nullopt;
  }
  return std::move(*Parsed);
}

ResultCache::ResultCache(std::string Dir, std::string Identity)
    : Dir(std::move(Dir)), Identity(std::move(Identity)) {}

/// The contents of the .clang-tidy files that configure Main.
static std::string clangTidyFilesAbove(llvm::StringRef Main, FileHasher &H) {
  std::string Result;
  for (llvm::StringRef D = llvm::sys::path::parent_path(Main); !D.empty();
       D = llvm::sys::path::parent_path(D)) {
    llvm::SmallString<256> Candidate(D);
    llvm::sys::path::append(Candidate, ".clang-tidy");
    if (llvm::sys::fs::exists(Candidate))
      Result += std::string(Candidate) + '=' + H.hash(Candidate) + '\0';
  }
  return Result;
}

std::string ResultCache::keyFor(const TranslationUnit &U) {
  std::string Material = Identity;
  Material += '\0' + U.Command.Directory + '\0' + U.MainFile + '\0';
  for (const std::string &Arg : U.Command.CommandLine)
    Material += Arg + '\0';
  Material += clangTidyFilesAbove(U.MainFile, Hasher);
  return hexHash(Material);
}

static std::string entryPath(llvm::StringRef Dir, llvm::StringRef Key) {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, "results", Key.take_front(2), Key + ".json");
  return std::string(P);
}

std::optional<UnitResult> ResultCache::lookup(const std::string &Key) {
  if (!enabled())
    return std::nullopt;
  std::optional<llvm::json::Value> Entry = readJSON(entryPath(Dir, Key));
  if (!Entry || !Entry->getAsObject())
    return std::nullopt;
  const llvm::json::Object &O = *Entry->getAsObject();
  const llvm::json::Array *Deps = O.getArray("includes");
  const llvm::json::Array *Findings = O.getArray("findings");
  if (!Deps || !Findings)
    return std::nullopt;
  UnitResult R;
  for (const llvm::json::Value &D : *Deps) {
    const llvm::json::Object *DO = D.getAsObject();
    if (!DO)
      return std::nullopt;
    std::optional<llvm::StringRef> Path = DO->getString("path");
    std::optional<llvm::StringRef> Hash = DO->getString("hash");
    if (!Path || !Hash || Hasher.hash(*Path) != *Hash)
      return std::nullopt; // a file changed: analyse again
    R.Includes.push_back(Path->str());
  }
  for (const llvm::json::Value &FV : *Findings) {
    Finding F;
    llvm::json::Path::Root Root;
    if (!fromJSON(FV, F, Root))
      return std::nullopt;
    R.Findings.push_back(std::move(F));
  }
  // An entry written before facts were exported has none: the TU is
  // analysed again rather than silently missing from the merge.
  const llvm::json::Array *Facts = O.getArray("facts");
  if (!Facts)
    return std::nullopt;
  R.Facts.assign(Facts->begin(), Facts->end());
  R.FromCache = true;
  return R;
}

void ResultCache::store(const std::string &Key, const UnitResult &R) {
  if (!enabled() || R.Failed)
    return;
  llvm::json::Array Deps, Findings;
  for (const std::string &Path : R.Includes) {
    std::string Hash = Hasher.hash(Path);
    if (Hash.empty())
      return; // cannot vouch for a file we cannot read
    Deps.push_back(llvm::json::Object{{"path", Path}, {"hash", Hash}});
  }
  for (const Finding &F : R.Findings)
    Findings.push_back(toJSON(F));
  llvm::json::Value Entry = llvm::json::Object{
      {"includes", std::move(Deps)},
      {"findings", std::move(Findings)},
      {"facts", llvm::json::Array(R.Facts)}};
  writeAtomically(entryPath(Dir, Key), llvm::formatv("{0}", Entry).str());
}

IncludeGraph IncludeGraph::load(llvm::StringRef Path) {
  IncludeGraph G;
  std::optional<llvm::json::Value> V = readJSON(Path);
  if (!V || !V->getAsObject())
    return G;
  for (const auto &[Main, Includes] : *V->getAsObject())
    if (const llvm::json::Array *A = Includes.getAsArray())
      for (const llvm::json::Value &I : *A)
        if (std::optional<llvm::StringRef> S = I.getAsString())
          G.Deps[Main.str()].insert(S->str());
  return G;
}

void IncludeGraph::save(llvm::StringRef Path) const {
  llvm::json::Object O;
  for (const auto &[Main, Includes] : Deps)
    O[Main] = llvm::json::Array(std::vector<std::string>(Includes.begin(),
                                                         Includes.end()));
  writeAtomically(Path, llvm::formatv("{0}", llvm::json::Value(std::move(O))).str());
}

void IncludeGraph::record(const std::string &Main,
                          const std::vector<std::string> &Includes) {
  Deps[Main] = std::set<std::string>(Includes.begin(), Includes.end());
}

std::vector<std::string> IncludeGraph::includers(llvm::StringRef File) const {
  std::vector<std::string> Result;
  for (const auto &[Main, Includes] : Deps)
    if (Main == File || Includes.count(File.str()))
      Result.push_back(Main);
  return Result;
}

std::string includeGraphPath(llvm::StringRef CacheDir, llvm::StringRef JsonPath) {
  llvm::SmallString<256> P(CacheDir);
  llvm::sys::path::append(P, "include-graphs", hexHash(JsonPath) + ".json");
  return std::string(P);
}

std::string defaultCacheDir() {
  llvm::SmallString<256> P;
  if (std::optional<std::string> Xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME");
      Xdg && !Xdg->empty())
    P = *Xdg;
  else if (!llvm::sys::path::home_directory(P))
    return "";
  else
    llvm::sys::path::append(P, ".cache");
  llvm::sys::path::append(P, "leakguard");
  return std::string(P);
}

} // namespace leakguard::run
