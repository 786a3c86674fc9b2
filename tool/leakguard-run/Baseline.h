//===--- Baseline.h - findings accepted as they are -------------*- C++ -*-===//
//
// A baseline records the findings of a code base when leakguard is adopted,
// so that only new ones fail a build. A finding is identified without its
// line: check, file (relative to the project root), and message with
// numbers normalized (the messages name the symbol: "member 'metrics_' of
// 'ConnectionPoolManager'"). Identical fingerprints are counted, so editing
// above a finding does not resurrect it and a second identical one is new.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_RUN_BASELINE_H
#define LEAKGUARD_RUN_BASELINE_H

#include "Diagnostics.h"
#include "llvm/Support/Error.h"
#include <map>
#include <string>
#include <vector>

namespace leakguard::run {

/// Path relative to Root when under it, else unchanged.
std::string relativeToRoot(llvm::StringRef Path, llvm::StringRef Root);

/// The line-free identity of a finding.
std::string fingerprintOf(const Finding &F, llvm::StringRef Root);

/// Per finding (in the given order, which must be position order): its
/// fingerprint plus its occurrence index among equal fingerprints, for
/// SARIF partialFingerprints and Code Climate.
std::vector<std::string> occurrenceFingerprints(const std::vector<Finding> &Fs,
                                                llvm::StringRef Root);

struct BaselineEntry {
  std::string Check, File, Message;
  unsigned Count = 0;
};

class Baseline {
public:
  static llvm::Expected<Baseline> read(llvm::StringRef Path);
  static Baseline fromFindings(const std::vector<Finding> &Fs,
                               llvm::StringRef Root);
  llvm::Error write(llvm::StringRef Path) const;

  struct Split {
    std::vector<Finding> New;
    unsigned Baselined = 0;
    unsigned Gone = 0;
  };
  /// Splits Fs into new findings and baselined ones, and counts the
  /// baseline entries no longer found.
  Split apply(std::vector<Finding> Fs, llvm::StringRef Root) const;

private:
  std::map<std::string, BaselineEntry> Entries; // by fingerprint
};

} // namespace leakguard::run

#endif
