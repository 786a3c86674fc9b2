//===--- ShutdownPaths.cpp - what a class does to a member on shutdown ----===//

#include "common/ShutdownPaths.h"
#include "common/LeakMatchers.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

llvm::SmallVector<const CXXMethodDecl *, 4>
shutdownMethodsOf(const CXXRecordDecl &Record,
                  const std::vector<std::string> &Names) {
  llvm::SmallVector<const CXXMethodDecl *, 4> Result;
  for (const std::string &Name : Names) {
    for (const Decl *Member : Record.decls()) {
      if (const auto *Template = dyn_cast<FunctionTemplateDecl>(Member))
        Member = Template->getTemplatedDecl();
      const auto *Method = dyn_cast<CXXMethodDecl>(Member);
      if (Method && !Method->isImplicit() && !Method->isStatic() &&
          Method->getIdentifier() && Method->getName() == Name)
        Result.push_back(Method->getCanonicalDecl());
    }
  }
  return Result;
}


namespace matchers {
internal::Matcher<Expr>
memberOrPointeeReference(internal::Matcher<FieldDecl> Field) {
  auto Member = memberReference(Field);
  return expr(anyOf(Member, ignoringParenImpCasts(cxxOperatorCallExpr(
                                hasAnyOverloadedOperatorName("->", "*"),
                                hasArgument(0, Member)))));
}
} // namespace matchers

static bool callsDirectly(const Stmt &Body, const FieldDecl &Member,
                          const std::vector<std::string> &Methods,
                          ASTContext &Context) {
  auto Call = matchers::methodCallOn(
      matchers::memberOrPointeeReference(fieldDecl(equalsNode(&Member))),
      Methods);
  return !match(stmt(anyOf(Call, hasDescendant(Call))), Body, Context).empty();
}

bool callsMethodOnMember(const Stmt &Body, const FieldDecl &Member,
                         const std::vector<std::string> &Methods,
                         ASTContext &Context) {
  if (callsDirectly(Body, Member, Methods, Context))
    return true;
  const auto *Class = dyn_cast<CXXRecordDecl>(Member.getParent());
  if (!Class)
    return false;
  // Whatever object the helper is called on (`this`, `self`), it is the
  // same class, so the same member.
  auto HelperCall = cxxMemberCallExpr(
      callee(cxxMethodDecl(ofClass(equalsNode(Class))).bind("helper")));
  for (const BoundNodes &Nodes :
       match(stmt(forEachDescendant(HelperCall)), Body, Context)) {
    const auto *Helper = Nodes.getNodeAs<CXXMethodDecl>("helper");
    const FunctionDecl *Definition = Helper->getDefinition();
    if (Definition && Definition->getBody() &&
        callsDirectly(*Definition->getBody(), Member, Methods, Context))
      return true;
  }
  return false;
}

bool callsMethodOnMember(const FunctionDecl &Function, const FieldDecl &Member,
                         const std::vector<std::string> &Methods,
                         ASTContext &Context) {
  const FunctionDecl *Definition = Function.getDefinition();
  return Definition && Definition->getBody() &&
         callsMethodOnMember(*Definition->getBody(), Member, Methods, Context);
}

} // namespace clang::tidy::leakguard
