//===--- LeakGuardRun.cpp - leakguard-run: options and the run ------------===//
//
// The project-wide driver: selects translation units from a compile
// database, runs one `leakguard` process per TU in parallel (or takes the
// result from the cache), merges and filters what they found, and reports
// it in the asked format. Exit status: 0 no (new) findings, 1 new findings,
// 2 usage or configuration error, 3 a TU failed to parse.
//
//===----------------------------------------------------------------------===//

#include "Baseline.h"
#include "Cache.h"
#include "ChangedFiles.h"
#include "CompileDatabase.h"
#include "Diagnostics.h"
#include "Fixes.h"
#include "OutputFormats.h"
#include "WholeProgram.h"
#include "WorkerPool.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <set>

#ifndef LEAKGUARD_VERSION
#define LEAKGUARD_VERSION "0.0.0"
#endif
#ifndef LEAKGUARD_DOCS_BASE_URI
#define LEAKGUARD_DOCS_BASE_URI "https://github.com/leakguard/leakguard/blob/main/docs/checks/"
#endif

using namespace leakguard::run;
namespace cl = llvm::cl;

namespace {

enum ExitCode { Clean = 0, NewFindings = 1, UsageError = 2, ParseFailure = 3 };

cl::OptionCategory Category("leakguard-run options");

cl::opt<std::string> BuildPath(
    "p", cl::desc("Build directory holding compile_commands.json, or the path "
                  "of a compile database (default: the nearest "
                  "compile_commands.json above the current directory)"),
    cl::value_desc("BUILD_DIR"), cl::cat(Category));
cl::list<std::string> Patterns(
    cl::Positional,
    cl::desc("[files, directories or regexes selecting translation units...]"),
    cl::cat(Category));
cl::list<std::string> Excludes("exclude",
                               cl::desc("Skip TUs whose main file matches REGEX"),
                               cl::value_desc("REGEX"), cl::cat(Category));
cl::opt<std::string> HeaderFilter(
    "header-filter",
    cl::desc("Report diagnostics in headers matching REGEX (default: every "
             "non-system header); main files are always reported"),
    cl::init(".*"), cl::value_desc("REGEX"), cl::cat(Category));
cl::opt<unsigned> Jobs("j", cl::desc("Parallel workers (default: all cores)"), cl::Prefix,
                       cl::init(0), cl::cat(Category));
cl::opt<bool> Quiet("quiet", cl::desc("No progress display and no summary"),
                    cl::cat(Category));
cl::opt<std::string> Checks("checks", cl::desc("Passed to leakguard"),
                            cl::cat(Category));
cl::opt<std::string> Config("config", cl::desc("Passed to leakguard"),
                            cl::cat(Category));
cl::opt<std::string> ConfigFile("config-file", cl::desc("Passed to leakguard"),
                                cl::cat(Category));
cl::opt<std::string> FormatName(
    "format", cl::desc("Output format: text (default), json, sarif, codeclimate"),
    cl::init("text"), cl::cat(Category));
cl::opt<std::string> OutputPath("o", cl::desc("Write the report to FILE"),
                                cl::value_desc("FILE"), cl::cat(Category));
cl::alias OutputAlias("output", cl::aliasopt(OutputPath), cl::cat(Category));
cl::opt<bool> AllowCompileErrors(
    "allow-compile-errors",
    cl::desc("A TU that fails to parse does not make the exit status 3"),
    cl::cat(Category));
cl::opt<std::string> BaselinePath(
    "baseline", cl::desc("Report only findings not recorded in FILE"),
    cl::value_desc("FILE"), cl::cat(Category));
cl::opt<std::string> WriteBaselinePath(
    "write-baseline", cl::desc("Record the current findings in FILE"),
    cl::value_desc("FILE"), cl::cat(Category));
cl::opt<bool> StrictBaseline(
    "strict-baseline",
    cl::desc("Also fail when baseline entries are gone (update the baseline)"),
    cl::cat(Category));
cl::opt<bool> NoCache("no-cache", cl::desc("Analyse every TU again"),
                      cl::cat(Category));
cl::opt<std::string> CacheDir(
    "cache-dir",
    cl::desc("Cache directory (default: $XDG_CACHE_HOME/leakguard)"),
    cl::value_desc("DIR"), cl::cat(Category));
cl::opt<bool> Fix("fix", cl::desc("Apply the fix-its of the reported findings"),
                  cl::cat(Category));
cl::opt<std::string> ExportFixesPath(
    "export-fixes",
    cl::desc("Write the fix-its as YAML for clang-apply-replacements"),
    cl::value_desc("FILE"), cl::cat(Category));
cl::opt<std::string> Changed(
    "changed",
    cl::desc("Only TUs whose main file or an included header changed against "
             "REV (default: the staged changes)"),
    cl::ValueOptional, cl::value_desc("REV"), cl::cat(Category));
cl::opt<bool> ChangedLinesOnly(
    "changed-lines",
    cl::desc("Only report findings on changed lines (implies --changed)"),
    cl::cat(Category));
cl::opt<std::string> Shard("shard",
                           cl::desc("Analyse only the K-th of N shards (1-based)"),
                           cl::value_desc("K/N"), cl::cat(Category));
cl::opt<std::string> Root(
    "root",
    cl::desc("Project root for relative paths in reports and baselines "
             "(default: the git work tree, else the current directory)"),
    cl::value_desc("DIR"), cl::cat(Category));
cl::opt<std::string> DocsBaseUri("docs-base-uri",
                                 cl::desc("Base of the SARIF helpUri of checks"),
                                 cl::init(LEAKGUARD_DOCS_BASE_URI),
                                 cl::cat(Category));
cl::opt<bool> SingleTU(
    "single-tu",
    cl::desc("Report only what each TU proves alone (whole-program mode is "
             "the default over a full compile database)"),
    cl::cat(Category));
cl::opt<bool> PrintCost("print-cost",
                    cl::desc("Print the time and memory of the analysis and "
                             "of the whole-program merge on stderr"),
                    cl::cat(Category));
cl::opt<std::string> LeakguardPath(
    "leakguard",
    cl::desc("The leakguard executable (default: the one beside leakguard-run)"),
    cl::value_desc("PATH"), cl::cat(Category));

int usageError(const llvm::Twine &Message) {
  llvm::WithColor::error(llvm::errs(), "leakguard-run") << Message << '\n';
  return UsageError;
}

int usageError(llvm::Error E) {
  return usageError(llvm::toString(std::move(E)));
}

/// The nearest compile_commands.json in the current directory or above.
std::string findDatabaseAbove() {
  llvm::SmallString<256> Dir;
  llvm::sys::fs::current_path(Dir);
  for (llvm::StringRef D = Dir; !D.empty(); D = llvm::sys::path::parent_path(D)) {
    llvm::SmallString<256> Candidate(D);
    llvm::sys::path::append(Candidate, "compile_commands.json");
    if (llvm::sys::fs::exists(Candidate))
      return std::string(Candidate);
  }
  return "";
}

std::string leakguardBesideUs(const char *Argv0) {
  static int Anchor;
  std::string Self = llvm::sys::fs::getMainExecutable(Argv0, &Anchor);
  llvm::SmallString<256> P(llvm::sys::path::parent_path(Self));
  llvm::sys::path::append(P, "leakguard");
  return std::string(P);
}

std::string projectRoot() {
  if (!Root.empty())
    return normalizePath(Root, "");
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  std::string Top = gitTopLevel(Cwd);
  return Top.empty() ? std::string(Cwd) : normalizePath(Top, "");
}

bool parseShard(llvm::StringRef Text, unsigned &K, unsigned &N) {
  auto [KText, NText] = Text.split('/');
  return !KText.getAsInteger(10, K) && !NText.getAsInteger(10, N) && N > 0 &&
         K >= 1 && K <= N;
}

/// `leakguard-run merge A B ... -o OUT`
int mergeMain(int Argc, const char **Argv) {
  std::vector<std::string> Inputs;
  std::string Output;
  for (int I = 2; I < Argc; ++I) {
    llvm::StringRef Arg = Argv[I];
    if (Arg == "-o" || Arg == "--output") {
      if (++I == Argc)
        return usageError("merge: -o needs a file name");
      Output = Argv[I];
    } else if (Arg.consume_front("--output=") || Arg.consume_front("-o=")) {
      Output = Arg.str();
    } else if (Arg.starts_with("-")) {
      return usageError("merge: unknown option '" + Arg + "'");
    } else {
      Inputs.push_back(Arg.str());
    }
  }
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  if (llvm::Error E = mergeReports(Inputs, OS))
    return usageError(std::move(E));
  if (Output.empty() || Output == "-") {
    llvm::outs() << Text;
    return Clean;
  }
  std::error_code EC;
  llvm::raw_fd_ostream Out(Output, EC);
  if (EC)
    return usageError("cannot write '" + Output + "': " + EC.message());
  Out << Text;
  return Clean;
}

/// Everything besides the TU itself that decides a cached result: driver
/// version, the worker binary, the configuration passed through.
std::string toolIdentity(const WorkerOptions &Workers) {
  llvm::sys::fs::file_status S;
  llvm::sys::fs::status(Workers.Leakguard, S);
  std::string Identity = std::string(LEAKGUARD_VERSION) + '\n' +
                         Workers.Leakguard + ':' + std::to_string(S.getSize()) +
                         ':' +
                         std::to_string(
                             S.getLastModificationTime().time_since_epoch().count());
  for (const std::string &Arg : Workers.ToolArgs)
    Identity += '\n' + Arg;
  if (!ConfigFile.empty()) {
    FileHasher H;
    Identity += '\n' + H.hash(ConfigFile);
  }
  return Identity;
}

/// Diagnostics the user asked to see from one TU: compiler errors always;
/// for a TU analysed on behalf of headers, those headers; otherwise the
/// main file and the headers the header filter accepts.
bool isReported(const Finding &F, const TranslationUnit &U,
                const llvm::Regex &Headers) {
  if (F.isCompilerError())
    return true;
  if (!U.OnlyFiles.empty())
    return llvm::is_contained(U.OnlyFiles, F.Loc.File);
  return F.Loc.File == U.MainFile || Headers.match(F.Loc.File);
}

/// What the TUs produced, merged: the findings to consider and the TUs
/// that failed.
struct RunOutcome {
  std::vector<Finding> Findings; // filtered, sorted, de-duplicated
  std::vector<std::string> Failed;
  unsigned FromCache = 0;
};

RunOutcome collectFindings(const std::vector<TranslationUnit> &Units,
                           std::vector<UnitResult> &Results,
                           const llvm::Regex &HeaderRegex, IncludeGraph &Graph) {
  RunOutcome Outcome;
  for (size_t I = 0; I < Units.size(); ++I) {
    const TranslationUnit &U = Units[I];
    UnitResult &R = Results[I];
    Outcome.FromCache += R.FromCache;
    if (R.Failed) {
      Outcome.Failed.push_back(U.MainFile);
      if (!R.FailureText.empty())
        llvm::WithColor::error(llvm::errs(), "leakguard-run")
            << "analysing '" << U.MainFile << "' failed:\n"
            << R.FailureText;
    } else {
      Graph.record(U.MainFile, R.Includes);
    }
    for (Finding &F : R.Findings) {
      // A diagnostic without a location (a bad compiler flag) belongs to
      // the TU whose command produced it.
      if (F.Loc.File.empty())
        F.Loc.File = U.MainFile;
      if (isReported(F, U, HeaderRegex))
        Outcome.Findings.push_back(std::move(F));
    }
  }
  sortAndDeduplicate(Outcome.Findings);
  return Outcome;
}

/// Whole-program mode needs every TU of the database, each with its facts:
/// a TU left out (a selection, a shard) or failed may hold the removal.
bool isWholeProgram(const ProjectDatabase &DB,
                    const std::vector<TranslationUnit> &Units,
                    const RunOutcome &Outcome) {
  return !SingleTU && Units.size() == DB.Units.size() &&
         Outcome.Failed.empty() &&
         llvm::all_of(Units, [](const TranslationUnit &U) {
           return U.OnlyFiles.empty();
         });
}

/// Adds the findings the merged facts prove and no TU reported itself,
/// under the same header filter as a TU's own findings, and drops those
/// they disprove.
void addWholeProgramFindings(const std::vector<TranslationUnit> &Units,
                             const std::vector<UnitResult> &Results,
                             const llvm::Regex &Headers, RunOutcome &Outcome,
                             MergeStats &Stats) {
  std::vector<const llvm::json::Value *> Facts;
  for (const UnitResult &R : Results)
    for (const llvm::json::Value &V : R.Facts)
      Facts.push_back(&V);
  std::set<std::string> MainFiles, Reported;
  for (const TranslationUnit &U : Units)
    MainFiles.insert(U.MainFile);
  for (const Finding &F : Outcome.Findings)
    Reported.insert(F.dedupKey());
  MergeResult Merged = merge(Facts, Stats);
  // A TU alone may report what another TU disproves (StrictMode).
  llvm::erase_if(Outcome.Findings, [&](const Finding &F) {
    return Merged.Disproved.count({F.Check, F.Loc});
  });
  SourceFiles Sources;
  for (Finding &F : Merged.Findings) {
    if (!MainFiles.count(F.Loc.File) && !Headers.match(F.Loc.File))
      continue;
    if (isSuppressedByNolint(F, Sources))
      continue;
    if (Reported.insert(F.dedupKey()).second)
      Outcome.Findings.push_back(std::move(F));
  }
  sortAndDeduplicate(Outcome.Findings);
}

/// A line of /proc/self/status in MiB ("VmRSS", "VmHWM"); -1 if unknown.
double processMemoryMiB(llvm::StringRef Field) {
  auto Buffer = llvm::MemoryBuffer::getFileAsStream("/proc/self/status");
  if (!Buffer)
    return -1;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  (*Buffer)->getBuffer().split(Lines, '\n');
  for (llvm::StringRef Line : Lines)
    if (Line.consume_front(Field) && Line.consume_front(":")) {
      unsigned long long KiB = 0;
      if (!Line.trim().split(' ').first.getAsInteger(10, KiB))
        return KiB / 1024.0;
    }
  return -1;
}

/// "leakguard-run: 12 translation unit(s) (10 cached), 1 new finding(s),
/// 4 baselined, 0 gone, 1 failed to parse" on stderr.
void printSummary(size_t Units, const RunOutcome &Outcome, size_t New,
                  bool WithBaseline, const ReportContext &Context) {
  llvm::raw_ostream &OS = llvm::errs();
  OS << "leakguard-run: " << Units << " translation unit(s)";
  if (Outcome.FromCache)
    OS << " (" << Outcome.FromCache << " cached)";
  OS << ", " << New << (WithBaseline ? " new" : "") << " finding(s)";
  if (WithBaseline)
    OS << ", " << Context.Baselined << " baselined, " << Context.Gone
       << " gone";
  if (!Outcome.Failed.empty())
    OS << ", " << Outcome.Failed.size() << " failed to parse";
  OS << "\n";
}

/// An output file can be written only into an existing directory: checked
/// before any work, so a typo does not cost a whole run.
std::optional<std::string> unwritable(llvm::StringRef Path,
                                      llvm::StringRef Option) {
  if (Path.empty() || Path == "-")
    return std::nullopt;
  llvm::SmallString<256> Dir(llvm::sys::path::parent_path(Path));
  if (Dir.empty())
    Dir = ".";
  if (llvm::sys::fs::is_directory(Dir))
    return std::nullopt;
  return ("cannot write " + Option + " '" + Path + "': directory '" + Dir +
          "' does not exist")
      .str();
}

} // namespace

int main(int Argc, const char **Argv) {
  llvm::InitLLVM Init(Argc, Argv);
  if (Argc > 1 && llvm::StringRef(Argv[1]) == "merge")
    return mergeMain(Argc, Argv);

  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) {
    OS << "leakguard-run " << LEAKGUARD_VERSION << '\n';
  });
  if (!cl::ParseCommandLineOptions(
          Argc, Argv,
          "leakguard-run: runs leakguard over a compile database.\n\n"
          "  leakguard-run -p build/                      # every TU\n"
          "  leakguard-run -p build/ src/a.cpp src/b.h    # these files (pre-commit)\n"
          "  leakguard-run -p build/ --format=sarif -o leakguard.sarif\n"
          "  leakguard-run merge shard1.sarif shard2.sarif -o all.sarif\n",
          &llvm::errs()))
    return UsageError;

  // Every input is checked before any work is done.
  std::optional<Format> OutFormat = parseFormat(FormatName);
  if (!OutFormat)
    return usageError("unknown format '" + FormatName +
                      "' (expected text, json, sarif or codeclimate)");
  unsigned ShardK = 1, ShardN = 1;
  if (!Shard.empty() && !parseShard(Shard, ShardK, ShardN))
    return usageError("invalid --shard '" + Shard +
                      "' (expected K/N with 1 <= K <= N)");
  llvm::Regex HeaderRegex(HeaderFilter);
  if (std::string Error; !HeaderRegex.isValid(Error))
    return usageError("invalid --header-filter regex '" + HeaderFilter +
                      "': " + Error);
  for (auto [Path, Option] :
       {std::pair<llvm::StringRef, llvm::StringRef>{OutputPath, "-o"},
        {WriteBaselinePath, "--write-baseline"},
        {ExportFixesPath, "--export-fixes"}})
    if (std::optional<std::string> Error = unwritable(Path, Option))
      return usageError(*Error);
  if (!ConfigFile.empty() && !llvm::sys::fs::exists(ConfigFile))
    return usageError("config file '" + ConfigFile + "' does not exist");
  std::optional<Baseline> Accepted;
  if (!BaselinePath.empty()) {
    auto B = Baseline::read(BaselinePath);
    if (!B)
      return usageError(B.takeError());
    Accepted = std::move(*B);
  }
  WorkerOptions Workers;
  Workers.Leakguard = LeakguardPath.empty() ? leakguardBesideUs(Argv[0])
                                            : std::string(LeakguardPath);
  if (!llvm::sys::fs::can_execute(Workers.Leakguard))
    return usageError("cannot find the leakguard tool at '" +
                      Workers.Leakguard + "'");
  if (!Checks.empty())
    Workers.ToolArgs.push_back("--checks=" + Checks);
  if (!Config.empty())
    Workers.ToolArgs.push_back("--config=" + Config);
  if (!ConfigFile.empty())
    Workers.ToolArgs.push_back("--config-file=" + ConfigFile);
  Workers.Jobs = Jobs ? Jobs : llvm::hardware_concurrency().compute_thread_count();
  Workers.ShowProgress = !Quiet && llvm::sys::Process::StandardErrIsDisplayed();

  std::string DatabasePath = BuildPath.empty() ? findDatabaseAbove()
                                               : std::string(BuildPath);
  if (DatabasePath.empty())
    return usageError("no compile_commands.json in the current directory or "
                      "above; pass -p BUILD_DIR");
  auto DB = ProjectDatabase::load(DatabasePath);
  if (!DB)
    return usageError(DB.takeError());

  std::string ProjectRoot = projectRoot();
  std::string CacheRoot = CacheDir.empty() ? defaultCacheDir()
                                           : normalizePath(CacheDir, "");
  std::string GraphPath =
      CacheRoot.empty() ? "" : includeGraphPath(CacheRoot, DB->JsonPath);
  IncludeGraph Graph = GraphPath.empty() ? IncludeGraph()
                                         : IncludeGraph::load(GraphPath);

  auto Units = selectUnits(*DB, {Patterns, Excludes}, Graph);
  if (!Units)
    return usageError(Units.takeError());

  std::optional<ChangedLines> Changes;
  if (Changed.getNumOccurrences() || ChangedLinesOnly) {
    auto C = changedLines(ProjectRoot, Changed);
    if (!C)
      return usageError(C.takeError());
    Changes = std::move(*C);
    std::set<std::string> Affected;
    for (const auto &[File, Lines] : *Changes)
      for (const std::string &Main : Graph.includers(File))
        Affected.insert(Main);
    llvm::erase_if(*Units, [&](const TranslationUnit &U) {
      return !Changes->count(U.MainFile) && !Affected.count(U.MainFile);
    });
  }
  *Units = shardUnits(std::move(*Units), ShardK, ShardN);

  if (!Workers.ToolArgs.empty())
    if (std::optional<std::string> Error = checkConfiguration(Workers))
      return usageError("invalid configuration: " + *Error);

  ResultCache Cache(NoCache ? "" : CacheRoot, toolIdentity(Workers));
  using Clock = std::chrono::steady_clock;
  auto Milliseconds = [](Clock::duration D) {
    return std::chrono::duration<double, std::milli>(D).count();
  };
  Clock::time_point AnalysisStart = Clock::now();
  std::vector<UnitResult> Results = runUnits(*Units, Workers, Cache);
  double AnalysisMs = Milliseconds(Clock::now() - AnalysisStart);

  RunOutcome Outcome = collectFindings(*Units, Results, HeaderRegex, Graph);
  bool WholeProgram = isWholeProgram(*DB, *Units, Outcome);
  if (WholeProgram) {
    double RssBefore = processMemoryMiB("VmRSS");
    Clock::time_point MergeStart = Clock::now();
    MergeStats Merged;
    addWholeProgramFindings(*Units, Results, HeaderRegex, Outcome, Merged);
    double MergeMs = Milliseconds(Clock::now() - MergeStart);
    if (PrintCost) {
      size_t FactBytes = 0;
      for (const UnitResult &R : Results)
        for (const llvm::json::Value &V : R.Facts)
          FactBytes += llvm::formatv("{0}", V).str().size();
      llvm::errs() << llvm::formatv(
          "leakguard-run: cost: analysis {0:F1} ms ({1} TU(s), {2} cached); "
          "whole-program merge {3:F1} ms over {4} facts file(s) ({5} KiB): "
          "{6} member(s), {7} class(es), {8} member function(s); RSS {9:F1} "
          "MiB before the merge, {10:F1} MiB after, peak {11:F1} MiB\n",
          AnalysisMs, Units->size(), Outcome.FromCache, MergeMs,
          Merged.FactFiles, FactBytes / 1024, Merged.Members, Merged.Classes,
          Merged.MemberFunctions, RssBefore, processMemoryMiB("VmRSS"),
          processMemoryMiB("VmHWM"));
    }
  } else if (PrintCost) {
    llvm::errs() << llvm::formatv(
        "leakguard-run: cost: analysis {0:F1} ms ({1} TU(s), {2} cached); "
        "no whole-program merge ({3})\n",
        AnalysisMs, Units->size(), Outcome.FromCache,
        SingleTU ? "--single-tu"
        : !Outcome.Failed.empty() ? "a TU failed to parse"
                                  : "not the full compile database");
  }
  if (!GraphPath.empty())
    Graph.save(GraphPath);
  std::vector<Finding> &All = Outcome.Findings;
  SourceFiles Sources;
  for (Finding &F : All)
    Sources.resolve(F);
  if (ChangedLinesOnly)
    llvm::erase_if(All, [&](const Finding &F) {
      return !F.isCompilerError() &&
             !isOnChangedLine(*Changes, F.Loc.File, F.Loc.Line);
    });

  std::vector<Finding> Errors, Warnings;
  for (Finding &F : All)
    (F.isCompilerError() ? Errors : Warnings).push_back(std::move(F));

  if (!WriteBaselinePath.empty())
    if (llvm::Error E = Baseline::fromFindings(Warnings, ProjectRoot)
                            .write(WriteBaselinePath))
      return usageError(std::move(E));

  ReportContext Context;
  Context.Root = ProjectRoot;
  Context.DocsBaseUri = DocsBaseUri;
  Context.ToolVersion = LEAKGUARD_VERSION;
  Context.FailedUnits = Outcome.Failed;
  std::vector<Finding> New = std::move(Warnings);
  if (Accepted) {
    Baseline::Split S = Accepted->apply(std::move(New), ProjectRoot);
    New = std::move(S.New);
    Context.Baselined = S.Baselined;
    Context.Gone = S.Gone;
  }
  std::vector<Finding> Reported = Errors;
  Reported.insert(Reported.end(), New.begin(), New.end());
  sortAndDeduplicate(Reported);

  if (OutputPath.empty() || OutputPath == "-") {
    Context.Color = *OutFormat == Format::Text &&
                    llvm::sys::Process::StandardOutHasColors();
    writeReport(llvm::outs(), *OutFormat, Reported, Sources, Context);
    llvm::outs().flush();
  } else {
    std::error_code EC;
    llvm::ToolOutputFile Out(OutputPath, EC, llvm::sys::fs::OF_None);
    if (EC)
      return usageError("cannot write '" + OutputPath + "': " + EC.message());
    writeReport(Out.os(), *OutFormat, Reported, Sources, Context);
    Out.keep();
  }

  if (!ExportFixesPath.empty())
    if (llvm::Error E = exportFixes(New, ExportFixesPath))
      return usageError(std::move(E));
  if (Fix) {
    auto Summary = applyFixes(New);
    if (!Summary)
      return usageError(Summary.takeError());
    if (!Quiet)
      llvm::errs() << "leakguard-run: applied " << Summary->Applied
                   << " replacement(s) in " << Summary->Files << " file(s)"
                   << (Summary->Conflicts
                           ? ", skipped " + std::to_string(Summary->Conflicts) +
                                 " conflicting"
                           : std::string())
                   << "\n";
  }

  if (!Quiet)
    printSummary(Units->size(), Outcome, New.size(), Accepted.has_value(),
                 Context);
  if (StrictBaseline && Context.Gone > 0)
    llvm::WithColor::error(llvm::errs(), "leakguard-run")
        << Context.Gone << " baseline entr" << (Context.Gone == 1 ? "y is" : "ies are")
        << " gone (--strict-baseline): write the baseline again with "
           "--write-baseline\n";
  if (!Outcome.Failed.empty() && !AllowCompileErrors)
    return ParseFailure;
  if (!New.empty() || (StrictBaseline && Context.Gone > 0))
    return NewFindings;
  return Clean;
}
