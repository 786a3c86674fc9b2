//===--- GlobalConnectionCheck.h - leakguard ------------------------------===//

#ifndef LEAKGUARD_CHECKS_GLOBALCONNECTIONCHECK_H
#define LEAKGUARD_CHECKS_GLOBALCONNECTIONCHECK_H

#include "ClangTidyCheck.h"
#include "common/ConnectionLike.h"
#include "utils/IncludeInserter.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>
#include <vector>

namespace clang::tidy::leakguard {

/// Flags connection-like objects with program lifetime and no shutdown
/// path: globals and static members opened during static initialisation,
/// global pointers owning a `new`ed connection that is never deleted, and
/// function-local static singletons destroyed at exit().
///
/// For the user-facing documentation see:
/// docs/checks/leak-global-connection.md
class GlobalConnectionCheck : public ClangTidyCheck {
public:
  GlobalConnectionCheck(StringRef Name, ClangTidyContext *Context);
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
  /// Everything the translation unit tells about one variable (keyed by
  /// its canonical declaration).
  struct VariableFacts {
    /// Deleted, closed through a shutdown-like method, reset, or handed to
    /// a smart pointer: there is a shutdown path.
    bool IsReleased = false;
    /// A use other than `->`, `*` or `.get()`: managed_singleton could not
    /// take the variable's place unchanged.
    bool BlocksReplacement = false;
    /// The first `var = new T(...)`.
    SourceLocation AssignedNew;
    /// A function-local static whose address its function returns
    /// (`return &c;`): released as far as one TU knows (the callers may
    /// close it); leakguard-run looks at every caller.
    bool ReturnedByAddress = false;
  };

  void recordUse(const DeclRefExpr &Ref, const VarDecl &Var,
                 ASTContext &Context);
  void diagnose(const VarDecl &Var, const ConnectionLikeType &Connection,
                const VariableFacts &Facts);
  std::optional<FixItHint> managedSingletonFix(const VarDecl &Var,
                                               const ConnectionLikeType &Connection,
                                               const VariableFacts &Facts);
  void noteReplacement(const VarDecl &Var, QualType Object);
  bool isShutdownMethod(const NamedDecl &Method) const;
  bool isClosedThroughAccessor(const VarDecl &Var) const;
  void exportFacts() const;

  const std::string ConnectionTypes;
  const std::string ConnectionNamePattern;
  const std::string AllowedTypes;
  const std::string ShutdownMethods;
  const bool FlagFunctionLocalStatics;
  const std::vector<std::string> ShutdownMethodNames;
  /// Where to export facts for leakguard-run's whole-program merge, or "".
  const std::string FactsDirectory;
  ConnectionLikeClassifier Classifier;
  utils::IncludeInserter Inserter;
  ASTContext *Context = nullptr;

  llvm::SetVector<const VarDecl *> Definitions;
  llvm::DenseMap<const VarDecl *, VariableFacts> Variables;
  /// Functions that return (a reference or pointer to) a static local.
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<const FunctionDecl *, 1>>
      Accessors;
  /// Functions whose result has a shutdown-like method called on it.
  llvm::DenseSet<const FunctionDecl *> ClosedAccessors;
  /// Variables reported by rule 2 (a global never deleted in this
  /// translation unit) or rule 3 (a function-local static returned by an
  /// accessor and never closed through it here): another TU may shut them
  /// down.
  llvm::SmallVector<const VarDecl *, 2> MayBeShutDownElsewhere;
  /// A finding this TU cannot decide, as it would report it: a global
  /// pointer to a connection-like type it defines and neither assigns
  /// `new` nor shuts down (a TU that only declares it may assign it
  /// `new`), or a function-local static returned by address (reported
  /// unless a TU closes it through the function returning it).
  struct UndecidedFinding {
    const VarDecl *Var;
    std::string Message;
    std::string Note;
    /// Created by its own definition, not by a `new` elsewhere.
    bool CreatedHere;
  };
  llvm::SmallVector<UndecidedFinding, 2> Undecided;
};

} // namespace clang::tidy::leakguard

#endif
