//===--- OutputFormats.h - text, JSON, SARIF, Code Climate ------*- C++ -*-===//

#ifndef LEAKGUARD_RUN_OUTPUTFORMATS_H
#define LEAKGUARD_RUN_OUTPUTFORMATS_H

#include "Diagnostics.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <optional>
#include <string>
#include <vector>

namespace leakguard::run {

enum class Format { Text, Json, Sarif, CodeClimate };

std::optional<Format> parseFormat(llvm::StringRef Name);

struct ReportContext {
  std::string Root;          // project root: relative paths, SARIF %SRCROOT%
  std::string DocsBaseUri;   // helpUri = DocsBaseUri + check + ".md"
  std::string ToolVersion;
  unsigned Baselined = 0, Gone = 0;
  std::vector<std::string> FailedUnits;
  bool Color = false;
};

/// Findings must be sorted (position order) and resolved (lines, columns).
void writeReport(llvm::raw_ostream &OS, Format F,
                 const std::vector<Finding> &Findings, SourceFiles &Sources,
                 const ReportContext &Context);

/// `leakguard-run merge`: combines SARIF or JSON reports of several shards
/// into one, in the format of the inputs.
llvm::Error mergeReports(const std::vector<std::string> &Inputs,
                         llvm::raw_ostream &OS);

} // namespace leakguard::run

#endif
