//===--- UserCodeScope.h - match only outside system headers --------------===//
//
// Every leak check ignores code in system headers, but clang-tidy 19's
// MatchFinder still walks the whole AST, most of which is the standard
// library, Boost or Qt (and their template instantiations), and the parent
// map behind forFunction / hasAncestor is built over all of it. As clangd
// does for its main file, this callback narrows the traversal scope of the
// ASTContext to the top-level declarations outside system headers before the
// MatchFinder descends into the translation unit: the checks then visit, and
// pay for, user code only. Matchers that look down from a user node
// (hasDescendant, a callee's body) are unaffected.
//
// The scope is narrowed only when every enabled check is a leak- check (or a
// compiler diagnostic): another check may need what lives in system headers.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_USERCODESCOPE_H
#define LEAKGUARD_CHECKS_COMMON_USERCODESCOPE_H

#include "ClangTidyCheck.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

namespace clang::tidy::leakguard {

/// Each leak check owns one (see InUserCode) and registers it with its
/// matchers; the first to run in a translation unit narrows the scope, the
/// others find it done.
class UserCodeScope : public ast_matchers::MatchFinder::MatchCallback {
public:
  explicit UserCodeScope(const ClangTidyContext &Context);
  void registerMatchers(ast_matchers::MatchFinder *Finder);
  void run(const ast_matchers::MatchFinder::MatchResult &Result) override;
  StringRef getID() const override { return "leak-*: user code scope"; }

private:
  bool Enabled;
};

/// A leak check with its UserCodeScope: the module registers every leak
/// check as InUserCode<TheCheck>, so the check itself needs no change.
template <typename Check> class InUserCode : public Check {
public:
  InUserCode(StringRef Name, ClangTidyContext *Context)
      : Check(Name, Context), Scope(*Context) {}
  void registerMatchers(ast_matchers::MatchFinder *Finder) override {
    Scope.registerMatchers(Finder);
    Check::registerMatchers(Finder);
  }

private:
  UserCodeScope Scope;
};

/// True if \p Checks (a clang-tidy Checks glob list) enables only leak-
/// checks and compiler diagnostics.
bool enablesOnlyLeakChecks(llvm::StringRef Checks);

} // namespace clang::tidy::leakguard

#endif
