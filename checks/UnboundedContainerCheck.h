//===--- UnboundedContainerCheck.h - leakguard ----------------------------===//

#ifndef LEAKGUARD_CHECKS_UNBOUNDEDCONTAINERCHECK_H
#define LEAKGUARD_CHECKS_UNBOUNDEDCONTAINERCHECK_H

#include "ClangTidyCheck.h"
#include "utils/IncludeInserter.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Regex.h"
#include <optional>
#include <string>
#include <vector>

namespace clang::tidy::leakguard {

/// Flags a data member of a growable container type that member functions
/// add elements to while nothing in the translation unit ever removes any.
///
/// For the user-facing documentation see:
/// docs/checks/leak-unbounded-container.md
class UnboundedContainerCheck : public ClangTidyCheck {
public:
  UnboundedContainerCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }
  void registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                           Preprocessor *ModuleExpanderPP) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

private:
  /// Everything the translation unit tells about one member.
  struct MemberFacts {
    llvm::SmallVector<SourceLocation, 4> GrowthSites;
    bool GrowsOutsideConstructor = false;
    bool IsRemoved = false;
    bool Escapes = false;
    /// Uses a ring_buffer / lru_map replacement could not compile.
    bool BlocksReplacement = false;
    llvm::StringSet<> CalledMethods;
  };

  void diagnose(const FieldDecl &Member, const MemberFacts &Facts);
  /// Writes what this TU saw for leakguard-run's whole-program merge.
  void exportFacts() const;
  std::optional<FixItHint> replacementFix(const FieldDecl &Member,
                                          const MemberFacts &Facts,
                                          StringRef &Header);

  const std::vector<std::string> ExtraContainerTypes;
  const unsigned DefaultCapacity;
  const bool StrictMode;
  const std::string IgnoredGrowthFunctions;
  llvm::Regex IgnoredGrowthFunctionsRegex;
  /// Where the facts of each TU go (LEAKGUARD_FACTS_DIR); empty: nowhere.
  const std::string FactsDirectory;
  std::vector<std::string> ContainerNames;
  utils::IncludeInserter Inserter;
  ASTContext *Context = nullptr;
  llvm::MapVector<const FieldDecl *, MemberFacts> Members;
};

} // namespace clang::tidy::leakguard

#endif
