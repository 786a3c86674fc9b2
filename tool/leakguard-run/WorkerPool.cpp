//===--- WorkerPool.cpp - one leakguard process per TU --------------------===//

#include "WorkerPool.h"
#include "Progress.h"
#include "WholeProgram.h"
#include "common/Compat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <set>

extern char **environ;

namespace leakguard::run {

namespace {

/// A private directory for one worker's files, removed when done.
class ScratchDir {
public:
  ScratchDir() {
    if (llvm::sys::fs::createUniqueDirectory("leakguard-run", Path))
      Path.clear();
  }
  ~ScratchDir() {
    if (!Path.empty())
      llvm::sys::fs::remove_directories(Path);
  }
  bool ok() const { return !Path.empty(); }
  std::string file(llvm::StringRef Name) const {
    llvm::SmallString<256> P(Path);
    llvm::sys::path::append(P, Name);
    return std::string(P);
  }
  llvm::StringRef path() const { return Path; }

private:
  llvm::SmallString<256> Path;
};

std::string readFileOrEmpty(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  return Buffer ? (*Buffer)->getBuffer().str() : std::string();
}

/// A compile database holding only U's command, so the worker analyses
/// exactly that command whatever the original database is called.
bool writeSingleEntryDatabase(const TranslationUnit &U, llvm::StringRef Path) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  if (EC)
    return false;
  llvm::json::Array Args;
  for (const std::string &A : U.Command.CommandLine)
    Args.push_back(A);
  OS << llvm::formatv(
      "{0}", llvm::json::Value(llvm::json::Array{llvm::json::Object{
                 {"directory", U.Command.Directory},
                 {"file", U.MainFile},
                 {"arguments", std::move(Args)}}}));
  return true;
}

/// Splits the worker's stderr into the files -H listed (". path", ".. path")
/// and everything else.
void splitIncludeListing(llvm::StringRef Stderr, llvm::StringRef Directory,
                         std::vector<std::string> &Includes,
                         std::string &Rest) {
  std::set<std::string> Seen(Includes.begin(), Includes.end());
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  Stderr.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    llvm::StringRef Dots = Line.take_while([](char C) { return C == '.'; });
    if (!Dots.empty() && Line.substr(Dots.size()).starts_with(" ")) {
      llvm::StringRef Listed = Line.substr(Dots.size() + 1);
      std::string File = normalizePath(Listed, Directory);
      // Compiler-relative paths ("/usr/bin/../lib/gcc/../../include") only
      // resolve through symlinks: ask the file system.
      llvm::SmallString<256> Joined(Listed), Real;
      if (llvm::sys::path::is_relative(Listed)) {
        Joined = Directory;
        llvm::sys::path::append(Joined, Listed);
      }
      if (Listed.contains("../") && !llvm::sys::fs::real_path(Joined, Real))
        File = std::string(Real);
      if (Seen.insert(File).second)
        Includes.push_back(File);
      continue;
    }
    if (!Line.empty())
      Rest += Line.str() + "\n";
  }
}

/// Our environment, with FactsDirVariable naming Dir.
std::vector<std::string> environmentWithFactsDir(llvm::StringRef Dir) {
  std::vector<std::string> Env;
  std::string Assignment = (llvm::Twine(FactsDirVariable) + "=").str();
  for (char **E = environ; E && *E; ++E)
    if (!llvm::StringRef(*E).starts_with(Assignment))
      Env.push_back(*E);
  Env.push_back(Assignment + Dir.str());
  return Env;
}

/// The facts files the checks wrote into Dir, parsed; unreadable ones are
/// skipped (the merge then lacks that TU's facts, as if it had none).
std::vector<llvm::json::Value> readFacts(llvm::StringRef Dir) {
  std::vector<std::string> Files;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    if (llvm::StringRef(It->path()).ends_with(".json"))
      Files.push_back(It->path());
  std::sort(Files.begin(), Files.end());
  std::vector<llvm::json::Value> Facts;
  for (const std::string &File : Files) {
    auto Parsed = llvm::json::parse(readFileOrEmpty(File));
    if (Parsed)
      Facts.push_back(std::move(*Parsed));
    else
      llvm::consumeError(Parsed.takeError());
  }
  return Facts;
}

UnitResult analyse(const TranslationUnit &U, const WorkerOptions &Options) {
  UnitResult R;
  R.Includes.push_back(U.MainFile);
  ScratchDir Scratch;
  if (!Scratch.ok() ||
      !writeSingleEntryDatabase(U, Scratch.file("compile_commands.json"))) {
    R.Failed = true;
    R.FailureText = "cannot create a temporary directory\n";
    return R;
  }
  std::string Fixes = Scratch.file("fixes.yaml");
  std::string FactsDir = Scratch.file("facts");
  llvm::sys::fs::create_directory(FactsDir);
  std::vector<std::string> Env = environmentWithFactsDir(FactsDir);
  std::vector<llvm::StringRef> EnvRefs(Env.begin(), Env.end());
  std::string Out = Scratch.file("stdout"), Err = Scratch.file("stderr");
  std::vector<std::string> Args = {Options.Leakguard};
  Args.insert(Args.end(), Options.ToolArgs.begin(), Options.ToolArgs.end());
  // The header filter is applied by the driver, so the worker reports all
  // non-system headers and cached results do not depend on it.
  Args.insert(Args.end(), {"-header-filter=.*", "--quiet",
                           "--export-fixes=" + Fixes, "--extra-arg=-H", "-p",
                           Scratch.path().str(), U.MainFile});
  std::vector<llvm::StringRef> ArgRefs(Args.begin(), Args.end());
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""),
                                                llvm::StringRef(Out),
                                                llvm::StringRef(Err)};
  std::string ErrMsg;
  bool ExecFailed = false;
  int RC = llvm::sys::ExecuteAndWait(
      Options.Leakguard, ArgRefs, llvm::ArrayRef<llvm::StringRef>(EnvRefs),
      Redirects, 0, 0, &ErrMsg, &ExecFailed);
  if (ExecFailed) {
    R.Failed = true;
    R.FailureText = "cannot run " + Options.Leakguard + ": " + ErrMsg + "\n";
    return R;
  }
  R.Facts = readFacts(FactsDir);
  std::string Rest;
  splitIncludeListing(readFileOrEmpty(Err), U.Command.Directory, R.Includes,
                      Rest);
  if (llvm::sys::fs::exists(Fixes)) {
    auto Findings = readExportedFixes(Fixes);
    if (!Findings) {
      R.Failed = true;
      R.FailureText = llvm::toString(Findings.takeError()) + "\n";
      return R;
    }
    R.Findings = std::move(*Findings);
  }
  bool HasCompilerError = llvm::any_of(
      R.Findings, [](const Finding &F) { return F.isCompilerError(); });
  // Status 1 with findings and no compiler error is WarningsAsErrors at
  // work; anything else non-zero without a compiler error is a crash or a
  // worker that could not run: report what it said.
  bool WarningsAsErrors = RC == 1 && !R.Findings.empty();
  if (HasCompilerError) {
    R.Failed = true;
  } else if (RC != 0 && !WarningsAsErrors) {
    R.Failed = true;
    R.FailureText =
        RC < 0 ? "leakguard crashed: " + ErrMsg + "\n" + Rest : Rest;
  }
  return R;
}

} // namespace

std::vector<UnitResult> runUnits(const std::vector<TranslationUnit> &Units,
                                 const WorkerOptions &Options,
                                 ResultCache &Cache) {
  std::vector<UnitResult> Results(Units.size());
  Progress Display(Units.size(), Options.ShowProgress);
  clang::tidy::leakguard::compat::ThreadPool Pool(
      llvm::hardware_concurrency(Options.Jobs));
  for (size_t I = 0; I < Units.size(); ++I)
    Pool.async([&, I] {
      const TranslationUnit &U = Units[I];
      std::string Key;
      if (Cache.enabled()) {
        Key = Cache.keyFor(U);
        if (std::optional<UnitResult> Hit = Cache.lookup(Key)) {
          Results[I] = std::move(*Hit);
          Display.finished(U.MainFile);
          return;
        }
      }
      Display.started(U.MainFile);
      Results[I] = analyse(U, Options);
      if (Cache.enabled())
        Cache.store(Key, Results[I]);
      Display.finished(U.MainFile);
    });
  Pool.wait();
  Display.clear();
  return Results;
}

std::optional<std::string> checkConfiguration(const WorkerOptions &Options) {
  ScratchDir Scratch;
  std::string Out = Scratch.file("stdout"), Err = Scratch.file("stderr");
  std::vector<llvm::StringRef> Args = {Options.Leakguard};
  Args.insert(Args.end(), Options.ToolArgs.begin(), Options.ToolArgs.end());
  Args.push_back("--list-checks");
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""),
                                                llvm::StringRef(Out),
                                                llvm::StringRef(Err)};
  std::string ErrMsg;
  bool ExecFailed = false;
  int RC = llvm::sys::ExecuteAndWait(Options.Leakguard, Args, std::nullopt,
                                     Redirects, 0, 0, &ErrMsg, &ExecFailed);
  if (ExecFailed)
    return "cannot run " + Options.Leakguard + ": " + ErrMsg;
  if (RC == 0)
    return std::nullopt;
  std::string Text = readFileOrEmpty(Err);
  llvm::SmallVector<llvm::StringRef, 8> Lines;
  llvm::StringRef(Text).split(Lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Line : Lines)
    if (Line.contains_insensitive("error"))
      return Line.trim().str();
  return Lines.empty() ? std::string("invalid configuration")
                       : Lines.front().trim().str();
}

} // namespace leakguard::run
