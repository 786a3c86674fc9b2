//===--- Preconditions.cpp - plain C++ tests that run before a matcher ----===//

#include "common/Preconditions.h"

namespace clang::tidy::leakguard {

const Expr *stripped(const Expr *E) {
  while (E) {
    const Expr *Inner = E->IgnoreImplicit()->IgnoreParenCasts();
    if (Inner == E)
      return E;
    E = Inner;
  }
  return E;
}

const FieldDecl *referencedField(const Expr *E) {
  const auto *Member = dyn_cast_or_null<MemberExpr>(stripped(E));
  return Member ? dyn_cast<FieldDecl>(Member->getMemberDecl()) : nullptr;
}

const VarDecl *referencedVariable(const Expr *E) {
  const auto *Reference = dyn_cast_or_null<DeclRefExpr>(stripped(E));
  return Reference ? dyn_cast<VarDecl>(Reference->getDecl()) : nullptr;
}

const Expr *calledObject(const CallExpr &Call) {
  if (const auto *MemberCall = dyn_cast<CXXMemberCallExpr>(&Call))
    return MemberCall->getImplicitObjectArgument();
  const Expr *Callee = Call.getCallee();
  if (!Callee)
    return nullptr;
  Callee = Callee->IgnoreParenImpCasts();
  if (const auto *Dependent = dyn_cast<CXXDependentScopeMemberExpr>(Callee))
    return Dependent->isImplicitAccess() ? nullptr : Dependent->getBase();
  if (const auto *Unresolved = dyn_cast<UnresolvedMemberExpr>(Callee))
    return Unresolved->isImplicitAccess() ? nullptr : Unresolved->getBase();
  return nullptr;
}

NameSet::NameSet(llvm::ArrayRef<std::string> Names) {
  for (llvm::StringRef Name : Names) {
    auto Qualified = Name.rsplit("::");
    this->Names.insert(Qualified.second.empty() ? Name : Qualified.second);
  }
}

bool NameSet::containsCalleeOf(const CallExpr &Call) const {
  // What callee(Matcher<Decl>) looks at...
  if (const auto *Callee = dyn_cast_or_null<NamedDecl>(Call.getCalleeDecl()))
    return Callee->getIdentifier() && contains(Callee->getName());
  // ...or callee(cxxDependentScopeMemberExpr(...)).
  if (const auto *Dependent =
          dyn_cast_or_null<CXXDependentScopeMemberExpr>(Call.getCallee()))
    return contains(Dependent->getMember().getAsString());
  return false;
}

bool mayBeClassNamedIn(QualType Type, const NameSet &Names) {
  if (Type.isNull())
    return false;
  const class Type *Desugared = Type->getUnqualifiedDesugaredType();
  const NamedDecl *Named = nullptr;
  if (const auto *Record = dyn_cast<RecordType>(Desugared))
    Named = Record->getDecl();
  else if (const auto *Spec = dyn_cast<TemplateSpecializationType>(Desugared))
    Named = Spec->getTemplateName().getAsTemplateDecl();
  else
    return false;
  return !Named || !Named->getIdentifier() || Names.contains(Named->getName());
}

} // namespace clang::tidy::leakguard
