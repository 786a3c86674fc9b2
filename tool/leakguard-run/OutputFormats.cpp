//===--- OutputFormats.cpp - text, JSON, SARIF, Code Climate --------------===//

#include "OutputFormats.h"
#include "Baseline.h"
#include "common/Compat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include <map>
#include <set>

namespace leakguard::run {

namespace compat = clang::tidy::leakguard::compat;

std::optional<Format> parseFormat(llvm::StringRef Name) {
  if (Name == "text")
    return Format::Text;
  if (Name == "json")
    return Format::Json;
  if (Name == "sarif")
    return Format::Sarif;
  if (Name == "codeclimate")
    return Format::CodeClimate;
  return std::nullopt;
}

namespace {

struct RuleText {
  const char *Short;
  const char *Full;
};

/// What each check finds, for SARIF rules (code scanning shows these).
RuleText describeCheck(llvm::StringRef Check) {
  static const std::map<std::string, RuleText> Known = {
      {"leak-unbounded-container",
       {"Data member container that only grows",
        "A data member of a growable container type has elements added by "
        "member functions while nothing ever removes any: a collection that "
        "only grows for as long as the object lives. Bound it with "
        "leakguard::ring_buffer or leakguard::lru_map."}},
      {"leak-untracked-timer",
       {"Timer or periodic task nobody can cancel",
        "A timer, periodic task or detached loop whose handle is not kept, so "
        "shutdown cannot stop it. Track it with leakguard::timer_registry."}},
      {"leak-listener-not-removed",
       {"Listeners kept after shutdown",
        "An emitter keeps its listeners after shutdown, or a subscription "
        "handle is discarded. Use leakguard::event_emitter and RAII "
        "subscriptions."}},
      {"leak-global-connection",
       {"Connection-like global with no shutdown path",
        "A connection-like global or singleton is created during static "
        "initialisation or never shut down. Use "
        "leakguard::managed_singleton."}},
      {"clang-diagnostic-error",
       {"Compiler error",
        "The translation unit does not compile; it was not fully analysed."}},
  };
  auto It = Known.find(Check.str());
  if (It != Known.end())
    return It->second;
  return {"leakguard check", "A finding of a leakguard or clang-tidy check."};
}

std::string displayPath(llvm::StringRef File) {
  llvm::SmallString<256> Cwd;
  if (!llvm::sys::fs::current_path(Cwd))
    return relativeToRoot(File, Cwd);
  return File.str();
}

void writeText(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               SourceFiles &Sources, const ReportContext &C) {
  auto Header = [&](const Location &L, llvm::StringRef Kind,
                    llvm::StringRef Message, llvm::StringRef Check) {
    if (C.Color)
      OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, /*Bold=*/true);
    if (L.File.empty())
      OS << "leakguard-run";
    else
      OS << displayPath(L.File) << ':' << L.Line << ':' << L.Column;
    OS << ": ";
    if (C.Color)
      OS.changeColor(Kind == "error"     ? llvm::raw_ostream::RED
                     : Kind == "warning" ? llvm::raw_ostream::MAGENTA
                                         : llvm::raw_ostream::BLACK,
                     true);
    OS << Kind << ": ";
    if (C.Color)
      OS.resetColor();
    OS << Message;
    if (!Check.empty())
      OS << " [" << Check << ']';
    OS << '\n';
    if (L.File.empty())
      return;
    llvm::StringRef Line = Sources.lineText(L.File, L.Line);
    OS << llvm::formatv("{0,5} | ", L.Line) << Line << '\n';
    std::string Caret;
    for (unsigned I = 1; I < L.Column && I - 1 < Line.size(); ++I)
      Caret += Line[I - 1] == '\t' ? '\t' : ' ';
    OS << "      | " << Caret << "^\n";
  };
  for (const Finding &F : Findings) {
    Header(F.Loc, F.IsError ? "error" : "warning", F.Message, F.Check);
    for (const Note &N : F.Notes)
      Header(N.Loc, "note", N.Message, "");
  }
}

llvm::json::Value jsonSummary(const std::vector<Finding> &Findings,
                              const ReportContext &C) {
  llvm::json::Array Failed;
  for (const std::string &U : C.FailedUnits)
    Failed.push_back(U);
  size_t Errors = llvm::count_if(
      Findings, [](const Finding &F) { return F.isCompilerError(); });
  return llvm::json::Object{{"findings", Findings.size() - Errors},
                            {"compiler_errors", Errors},
                            {"baselined", C.Baselined},
                            {"gone", C.Gone},
                            {"failed_units", std::move(Failed)}};
}

void writeJson(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               const ReportContext &C) {
  llvm::json::Array Items;
  std::vector<std::string> FPs = occurrenceFingerprints(Findings, C.Root);
  for (size_t I = 0; I < Findings.size(); ++I) {
    llvm::json::Value V = toJSON(Findings[I]);
    V.getAsObject()->insert({"path", relativeToRoot(Findings[I].Loc.File, C.Root)});
    V.getAsObject()->insert({"fingerprint", FPs[I]});
    Items.push_back(std::move(V));
  }
  OS << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                   {"version", 1},
                                   {"tool", "leakguard-run"},
                                   {"root", C.Root},
                                   {"summary", jsonSummary(Findings, C)},
                                   {"findings", std::move(Items)}}))
     << '\n';
}

/// RFC 3986 percent-encoding of a path (keeps '/').
std::string encodeUriPath(llvm::StringRef Path) {
  std::string Result;
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || llvm::StringRef("-._~/").contains(C))
      Result += C;
    else
      Result += "%" + llvm::utohexstr(C, false, 2);
  }
  return Result;
}

/// A SARIF artifactLocation: relative to %SRCROOT% when under the root,
/// else an absolute file: URI.
llvm::json::Object artifactLocation(llvm::StringRef File, const ReportContext &C) {
  std::string Rel = relativeToRoot(File, C.Root);
  if (Rel != File)
    return llvm::json::Object{{"uri", encodeUriPath(Rel)},
                              {"uriBaseId", "SRCROOT"}};
  return llvm::json::Object{{"uri", "file://" + encodeUriPath(File)}};
}

llvm::json::Object physicalLocation(const Location &L, const ReportContext &C) {
  return llvm::json::Object{
      {"physicalLocation",
       llvm::json::Object{
           {"artifactLocation", artifactLocation(L.File, C)},
           {"region", llvm::json::Object{{"startLine", std::max(L.Line, 1u)},
                                         {"startColumn", std::max(L.Column, 1u)}}}}}};
}

llvm::json::Array sarifFixes(const Finding &F, const ReportContext &C) {
  std::map<std::string, llvm::json::Array> ByFile;
  for (const Replacement &R : F.Fixes)
    ByFile[R.File].push_back(llvm::json::Object{
        {"deletedRegion", llvm::json::Object{{"byteOffset", R.Offset},
                                             {"byteLength", R.Length}}},
        {"insertedContent", llvm::json::Object{{"text", R.Text}}}});
  if (ByFile.empty())
    return {};
  llvm::json::Array Changes;
  for (auto &[File, Replacements] : ByFile)
    Changes.push_back(llvm::json::Object{
        {"artifactLocation", artifactLocation(File, C)},
        {"replacements", std::move(Replacements)}});
  return llvm::json::Array{llvm::json::Object{
      {"description", llvm::json::Object{{"text", "leakguard fix-it"}}},
      {"artifactChanges", std::move(Changes)}}};
}

void writeSarif(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                const ReportContext &C) {
  std::map<std::string, unsigned> RuleIndex;
  llvm::json::Array Rules;
  for (const Finding &F : Findings)
    if (RuleIndex.emplace(F.Check, RuleIndex.size()).second) {
      RuleText T = describeCheck(F.Check);
      llvm::json::Object Rule{
          {"id", F.Check},
          {"name", F.Check},
          {"shortDescription", llvm::json::Object{{"text", T.Short}}},
          {"fullDescription", llvm::json::Object{{"text", T.Full}}},
          {"defaultConfiguration",
           llvm::json::Object{{"level", F.IsError ? "error" : "warning"}}}};
      if (llvm::StringRef(F.Check).starts_with("leak-"))
        Rule["helpUri"] = C.DocsBaseUri + F.Check + ".md";
      Rules.push_back(std::move(Rule));
    }
  std::vector<std::string> FPs = occurrenceFingerprints(Findings, C.Root);
  llvm::json::Array Results;
  for (size_t I = 0; I < Findings.size(); ++I) {
    const Finding &F = Findings[I];
    llvm::json::Object Result{
        {"ruleId", F.Check},
        {"ruleIndex", RuleIndex[F.Check]},
        {"level", F.IsError ? "error" : "warning"},
        {"message", llvm::json::Object{{"text", F.Message}}},
        {"locations", llvm::json::Array{physicalLocation(F.Loc, C)}},
        {"partialFingerprints",
         llvm::json::Object{{"leakguardFingerprint/v1", FPs[I]}}}};
    llvm::json::Array Related;
    unsigned Id = 0;
    for (const Note &N : F.Notes) {
      if (N.Loc.File.empty())
        continue;
      llvm::json::Object Loc = physicalLocation(N.Loc, C);
      Loc["id"] = Id++;
      Loc["message"] = llvm::json::Object{{"text", N.Message}};
      Related.push_back(std::move(Loc));
    }
    if (!Related.empty())
      Result["relatedLocations"] = std::move(Related);
    llvm::json::Array Fixes = sarifFixes(F, C);
    if (!Fixes.empty())
      Result["fixes"] = std::move(Fixes);
    Results.push_back(std::move(Result));
  }
  llvm::json::Object Run{
      {"tool",
       llvm::json::Object{
           {"driver",
            llvm::json::Object{{"name", "leakguard"},
                               {"version", C.ToolVersion},
                               {"informationUri", C.DocsBaseUri},
                               {"rules", std::move(Rules)}}}}},
      {"originalUriBaseIds",
       llvm::json::Object{
           {"SRCROOT",
            llvm::json::Object{
                {"uri", "file://" + encodeUriPath(C.Root) +
                            (llvm::StringRef(C.Root).ends_with("/") ? "" : "/")}}}}},
      {"invocations",
       llvm::json::Array{llvm::json::Object{
           {"executionSuccessful", C.FailedUnits.empty()}}}},
      {"results", std::move(Results)}};
  OS << llvm::formatv(
            "{0:2}",
            llvm::json::Value(llvm::json::Object{
                {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                {"version", "2.1.0"},
                {"runs", llvm::json::Array{std::move(Run)}}}))
     << '\n';
}

void writeCodeClimate(llvm::raw_ostream &OS,
                      const std::vector<Finding> &Findings,
                      const ReportContext &C) {
  std::vector<std::string> FPs = occurrenceFingerprints(Findings, C.Root);
  llvm::json::Array Issues;
  for (size_t I = 0; I < Findings.size(); ++I) {
    const Finding &F = Findings[I];
    Issues.push_back(llvm::json::Object{
        {"type", "issue"},
        {"check_name", F.Check},
        {"description", F.Message},
        {"categories", llvm::json::Array{"Bug Risk"}},
        {"severity", F.IsError ? "blocker" : "major"},
        {"fingerprint", FPs[I]},
        {"location",
         llvm::json::Object{
             {"path", relativeToRoot(F.Loc.File, C.Root)},
             {"lines", llvm::json::Object{{"begin", std::max(F.Loc.Line, 1u)}}}}}});
  }
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Issues))) << '\n';
}

} // namespace

void writeReport(llvm::raw_ostream &OS, Format F,
                 const std::vector<Finding> &Findings, SourceFiles &Sources,
                 const ReportContext &Context) {
  switch (F) {
  case Format::Text:
    return writeText(OS, Findings, Sources, Context);
  case Format::Json:
    return writeJson(OS, Findings, Context);
  case Format::Sarif:
    return writeSarif(OS, Findings, Context);
  case Format::CodeClimate:
    return writeCodeClimate(OS, Findings, Context);
  }
}

static llvm::Expected<llvm::json::Value> readReport(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return compat::stringError("cannot read '%s': %s", Path.str().c_str(),
                               Buffer.getError().message().c_str());
  auto Parsed = llvm::json::parse((*Buffer)->getBuffer());
  if (!Parsed)
    return compat::stringError("'%s' is not JSON: %s", Path.str().c_str(),
                               llvm::toString(Parsed.takeError()).c_str());
  return std::move(*Parsed);
}

static bool isSarif(const llvm::json::Value &V) {
  const llvm::json::Object *O = V.getAsObject();
  return O && O->getString("version") == "2.1.0" && O->getArray("runs");
}

static bool isLeakguardJson(const llvm::json::Value &V) {
  const llvm::json::Object *O = V.getAsObject();
  return O && O->getString("tool") == "leakguard-run" && O->getArray("findings");
}

/// All runs of all inputs become one run: rules are united by id and each
/// result's ruleIndex renumbered; identical results (same fingerprint) kept once.
static llvm::json::Value mergeSarif(std::vector<llvm::json::Value> Docs) {
  // The first run of the first document is the template for the result.
  llvm::json::Object Merged = *Docs.front().getAsObject();
  llvm::json::Object Run;
  for (const llvm::json::Value &Doc : Docs)
    if (const llvm::json::Array *Runs = Doc.getAsObject()->getArray("runs");
        Runs && !Runs->empty() && (*Runs)[0].getAsObject()) {
      Run = *(*Runs)[0].getAsObject();
      break;
    }
  llvm::json::Object *Driver =
      Run.getObject("tool") ? Run.getObject("tool")->getObject("driver") : nullptr;
  llvm::json::Array Rules;
  std::map<std::string, unsigned> RuleIndex;
  llvm::json::Array Results;
  std::set<std::string> SeenFingerprints;
  bool Successful = true;
  for (llvm::json::Value &Doc : Docs)
    for (llvm::json::Value &RunV : *Doc.getAsObject()->getArray("runs")) {
      if (!RunV.getAsObject())
        continue;
      llvm::json::Object &R = *RunV.getAsObject();
      if (const llvm::json::Array *Invocations = R.getArray("invocations"))
        for (const llvm::json::Value &I : *Invocations)
          if (I.getAsObject() &&
              I.getAsObject()->getBoolean("executionSuccessful") == false)
            Successful = false;
      const llvm::json::Array *RunRules = nullptr;
      if (auto *Tool = R.getObject("tool"))
        if (auto *D = Tool->getObject("driver"))
          RunRules = D->getArray("rules");
      if (RunRules)
        for (const llvm::json::Value &Rule : *RunRules)
          if (const llvm::json::Object *RO = Rule.getAsObject())
            if (auto Id = RO->getString("id");
                Id && RuleIndex.emplace(Id->str(), Rules.size()).second)
              Rules.push_back(Rule);
      if (llvm::json::Array *Rs = R.getArray("results"))
        for (llvm::json::Value &Result : *Rs) {
          if (!Result.getAsObject())
            continue;
          llvm::json::Object &O = *Result.getAsObject();
          std::string Key;
          if (auto *PF = O.getObject("partialFingerprints"))
            if (auto FP = PF->getString("leakguardFingerprint/v1"))
              Key = FP->str();
          if (!Key.empty() && !SeenFingerprints.insert(Key).second)
            continue;
          if (auto Id = O.getString("ruleId"))
            O["ruleIndex"] = RuleIndex[Id->str()];
          Results.push_back(std::move(Result));
        }
    }
  if (Driver)
    (*Driver)["rules"] = std::move(Rules);
  Run["results"] = std::move(Results);
  Run["invocations"] = llvm::json::Array{
      llvm::json::Object{{"executionSuccessful", Successful}}};
  Merged["runs"] = llvm::json::Array{std::move(Run)};
  return std::move(Merged);
}

static llvm::json::Value mergeJson(std::vector<llvm::json::Value> Docs) {
  llvm::json::Object Merged = *Docs.front().getAsObject();
  llvm::json::Array Findings, Failed;
  std::set<std::string> Seen;
  int64_t Baselined = 0, Gone = 0, Errors = 0;
  for (llvm::json::Value &Doc : Docs) {
    llvm::json::Object &O = *Doc.getAsObject();
    if (auto *S = O.getObject("summary")) {
      Baselined += S->getInteger("baselined").value_or(0);
      Gone += S->getInteger("gone").value_or(0);
      if (auto *F = S->getArray("failed_units"))
        for (auto &U : *F)
          Failed.push_back(U);
    }
    for (llvm::json::Value &F : *O.getArray("findings")) {
      Finding Parsed;
      llvm::json::Path::Root Root;
      std::string Key = fromJSON(F, Parsed, Root) ? Parsed.dedupKey()
                                                  : llvm::formatv("{0}", F).str();
      if (!Seen.insert(Key).second)
        continue;
      if (Parsed.isCompilerError())
        ++Errors;
      Findings.push_back(std::move(F));
    }
  }
  Merged["summary"] = llvm::json::Object{
      {"findings", static_cast<int64_t>(Findings.size()) - Errors},
      {"compiler_errors", Errors},
      {"baselined", Baselined},
      {"gone", Gone},
      {"failed_units", std::move(Failed)}};
  Merged["findings"] = std::move(Findings);
  return std::move(Merged);
}

llvm::Error mergeReports(const std::vector<std::string> &Inputs,
                         llvm::raw_ostream &OS) {
  if (Inputs.empty())
    return compat::stringError("merge: no input reports");
  std::vector<llvm::json::Value> Docs;
  for (const std::string &Input : Inputs) {
    auto Doc = readReport(Input);
    if (!Doc)
      return Doc.takeError();
    Docs.push_back(std::move(*Doc));
  }
  bool AllSarif = llvm::all_of(Docs, isSarif);
  bool AllJson = llvm::all_of(Docs, isLeakguardJson);
  if (!AllSarif && !AllJson)
    return compat::stringError(
        "merge: inputs must all be SARIF 2.1.0 or all leakguard-run JSON");
  OS << llvm::formatv("{0:2}", AllSarif ? mergeSarif(std::move(Docs))
                                        : mergeJson(std::move(Docs)))
     << '\n';
  return llvm::Error::success();
}

} // namespace leakguard::run
