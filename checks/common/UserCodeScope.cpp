//===--- UserCodeScope.cpp - match only outside system headers ------------===//

#include "UserCodeScope.h"
#include "common/Compat.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"

namespace clang::tidy::leakguard {

using namespace ast_matchers;

// Globs apply in order, a later one overriding an earlier one: a negative
// "-*" disables everything enabled before it (clang-tidy's own defaults come
// first in the merged list), "-x" what "x" enabled. Any other glob that may
// enable a non-leak check keeps the whole AST.
bool enablesOnlyLeakChecks(llvm::StringRef Checks) {
  llvm::SmallVector<llvm::StringRef, 8> Others;
  while (!Checks.empty()) {
    size_t End = Checks.find_first_of(",\n");
    llvm::StringRef Glob = Checks.take_front(End).trim(" \t\r");
    Checks = End == llvm::StringRef::npos ? "" : Checks.drop_front(End + 1);
    if (Glob.empty())
      continue;
    if (Glob.consume_front("-")) {
      Glob = Glob.trim();
      if (Glob == "*")
        Others.clear();
      else
        compat::eraseValue(Others, Glob);
      continue;
    }
    if (!compat::startsWith(Glob, "leak-") &&
        !compat::startsWith(Glob, "clang-diagnostic-"))
      Others.push_back(Glob);
  }
  return Others.empty();
}

UserCodeScope::UserCodeScope(const ClangTidyContext &Context)
    : Enabled(Context.getOptions().Checks &&
              enablesOnlyLeakChecks(*Context.getOptions().Checks)) {}

void UserCodeScope::registerMatchers(MatchFinder *Finder) {
  if (Enabled)
    Finder->addMatcher(translationUnitDecl(), this);
}

static bool isScopeNarrowed(const ASTContext &Context) {
  std::vector<Decl *> Scope = Context.getTraversalScope();
  return Scope.size() != 1 || !isa<TranslationUnitDecl>(Scope.front());
}

// Runs on the translation unit node, before the MatchFinder visits its
// children: the traversal then reads the narrowed scope. It is left narrowed
// for the rest of this translation unit (the checks' end-of-TU passes use
// the parent map of the same scope); only leak checks run on this AST.
void UserCodeScope::run(const MatchFinder::MatchResult &Result) {
  ASTContext &Context = *Result.Context;
  if (isScopeNarrowed(Context))
    return;
  const SourceManager &SM = Context.getSourceManager();
  std::vector<Decl *> UserDecls;
  for (Decl *D : Context.getTranslationUnitDecl()->decls()) {
    SourceLocation Loc = D->getLocation();
    if (Loc.isValid() && SM.isInSystemHeader(SM.getExpansionLoc(Loc)))
      continue;
    UserDecls.push_back(D);
  }
  Context.setTraversalScope(UserDecls);
}

} // namespace clang::tidy::leakguard
