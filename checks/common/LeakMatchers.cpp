//===--- LeakMatchers.cpp - shared knowledge of the leak checks -----------===//

#include "common/LeakMatchers.h"
#include "common/Ancestry.h"
#include "common/Preconditions.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

namespace clang::tidy::leakguard {

std::vector<std::string> splitList(llvm::StringRef Value) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Value.split(Parts, ';', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  std::vector<std::string> Result;
  for (llvm::StringRef Part : Parts)
    if (!Part.trim().empty())
      Result.push_back(Part.trim().str());
  return Result;
}

std::string joinList(const std::vector<std::string> &Items) {
  std::string Result;
  for (const std::string &Item : Items) {
    if (!Result.empty())
      Result += ';';
    Result += Item;
  }
  return Result;
}

const std::vector<std::string> &standardContainerNames() {
  static const std::vector<std::string> Names = {
      "::std::vector",        "::std::deque",
      "::std::list",          "::std::forward_list",
      "::std::map",           "::std::multimap",
      "::std::set",           "::std::multiset",
      "::std::unordered_map", "::std::unordered_multimap",
      "::std::unordered_set", "::std::unordered_multiset",
      "::std::queue",         "::std::priority_queue",
      "::std::stack",         "::std::basic_string"};
  return Names;
}

const std::vector<std::string> &growthMethodNames() {
  static const std::vector<std::string> Names = {
      "push_back",   "emplace_back",     "push_front",   "emplace_front",
      "insert",      "emplace",          "emplace_hint", "try_emplace",
      "insert_or_assign", "push",        "append",       "insert_range",
      "append_range", "prepend_range",   "push_range",   "emplace_after",
      "insert_after"};
  return Names;
}

const std::vector<std::string> &removalMethodNames() {
  static const std::vector<std::string> Names = {
      "erase",  "erase_after", "pop_back", "pop_front", "pop",
      "clear",  "resize",      "assign",   "swap",      "extract",
      "remove", "remove_if",   "unique",   "assign_range"};
  return Names;
}

const std::vector<std::string> &removalFreeFunctionNames() {
  static const std::vector<std::string> Names = {
      "::std::erase", "::std::erase_if", "::std::swap", "::std::exchange",
      "::std::move"};
  return Names;
}

llvm::StringRef defaultShutdownMethods() {
  return "shutdown;stop;close;dispose;terminate;teardown";
}

/// The standard class template \p Type specializes, and its arguments:
/// written out, or still dependent inside a template (a class template's
/// std::vector<std::function<void(T)>> member).
static const TemplateDecl *stdTemplateOf(QualType Type,
                                         ArrayRef<TemplateArgument> &Args) {
  const TemplateDecl *Template = nullptr;
  if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
          Type->getAsCXXRecordDecl())) {
    Template = Spec->getSpecializedTemplate();
    Args = Spec->getTemplateArgs().asArray();
  } else if (const auto *Dependent = Type->getAs<TemplateSpecializationType>()) {
    Template = Dependent->getTemplateName().getAsTemplateDecl();
    Args = Dependent->template_arguments();
  }
  return Template && Template->isInStdNamespace() && Template->getIdentifier()
             ? Template
             : nullptr;
}

const TemplateDecl *specializedTemplate(QualType Type) {
  const class Type *T = Type->getUnqualifiedDesugaredType();
  if (const auto *Record = T->getAsCXXRecordDecl())
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(Record))
      return Spec->getSpecializedTemplate();
  if (const auto *Spec = dyn_cast<TemplateSpecializationType>(T))
    return Spec->getTemplateName().getAsTemplateDecl();
  return nullptr;
}

static bool isCallable(QualType Type) {
  if (Type->isFunctionPointerType() || Type->isMemberFunctionPointerType())
    return true;
  ArrayRef<TemplateArgument> Args;
  const TemplateDecl *Template = stdTemplateOf(Type, Args);
  return Template && (Template->getName() == "function" ||
                      Template->getName() == "move_only_function" ||
                      Template->getName() == "copyable_function");
}

bool holdsCallables(QualType Type) {
  Type = Type.getCanonicalType();
  if (isCallable(Type))
    return true;
  ArrayRef<TemplateArgument> Args;
  if (!stdTemplateOf(Type, Args))
    return false;
  // The element type (or a map's key and mapped type) is among the first
  // two type arguments of every standard container.
  for (unsigned I = 0, E = std::min<size_t>(Args.size(), 2); I != E; ++I)
    if (Args[I].getKind() == TemplateArgument::Type &&
        holdsCallables(Args[I].getAsType()))
      return true;
  return false;
}

bool isNamedIn(const NamedDecl &D, const std::vector<std::string> &Names) {
  const IdentifierInfo *Id = D.getIdentifier();
  return Id && llvm::is_contained(Names, Id->getName());
}

const FieldDecl &instantiationPattern(const FieldDecl &Field) {
  const auto *Record = dyn_cast<CXXRecordDecl>(Field.getParent());
  const CXXRecordDecl *Pattern =
      Record ? Record->getTemplateInstantiationPattern() : nullptr;
  if (!Pattern || Pattern == Record)
    return Field;
  for (const FieldDecl *Candidate : Pattern->fields())
    if (Candidate->getDeclName() == Field.getDeclName())
      return *Candidate;
  return Field;
}

void MemberEffects::record(const FunctionDecl *Function, const Decl *Target) {
  Direct[Function->getCanonicalDecl()].insert(Target->getCanonicalDecl());
}

void MemberEffects::recordOwnCall(const FunctionDecl *Caller,
                                  const FunctionDecl *Callee) {
  OwnCalls[Caller->getCanonicalDecl()].insert(Callee->getCanonicalDecl());
}

bool MemberEffects::actsDirectlyOn(const FunctionDecl *Function,
                                   const Decl *Target) const {
  auto It = Direct.find(Function->getCanonicalDecl());
  return It != Direct.end() && It->second.contains(Target->getCanonicalDecl());
}

bool MemberEffects::actsOn(const FunctionDecl *Function,
                           const Decl *Target) const {
  if (actsDirectlyOn(Function, Target))
    return true;
  auto It = OwnCalls.find(Function->getCanonicalDecl());
  return It != OwnCalls.end() &&
         llvm::any_of(It->second, [&](const FunctionDecl *Callee) {
           return actsDirectlyOn(Callee, Target);
         });
}

void MemberEffects::clear() {
  Direct.clear();
  OwnCalls.clear();
}

namespace detail {
// hasMemberName takes a single name; growth and removal come as sets.
AST_MATCHER_P(CXXDependentScopeMemberExpr, hasMemberNameIn,
              std::vector<std::string>, Names) {
  return llvm::is_contained(Names, Node.getMember().getAsString());
}
} // namespace detail

// Matchers written by hand for the hot paths (see docs/performance.md).
namespace fast {
using namespace clang::ast_matchers;

class CalleeNamedIn : public internal::MatcherInterface<CallExpr> {
public:
  explicit CalleeNamedIn(llvm::ArrayRef<std::string> Names) : Names(Names) {}
  bool matches(const CallExpr &Call, internal::ASTMatchFinder *,
               internal::BoundNodesTreeBuilder *) const override {
    return Names.containsCalleeOf(Call);
  }

private:
  NameSet Names;
};

/// One matcher's results on declarations of the current translation unit.
/// A MatchCallback only to hear onStartOfTranslationUnit: the next
/// translation unit may reuse the addresses.
class Results : public MatchFinder::MatchCallback {
public:
  llvm::DenseMap<const Decl *, bool> Known;
  void onStartOfTranslationUnit() override { Known.clear(); }
  void run(const MatchFinder::MatchResult &) override {}
  StringRef getID() const override { return "leak-*: memoized matchers"; }
};

template <typename T> class Memoized : public internal::MatcherInterface<T> {
public:
  Memoized(internal::Matcher<T> Inner, std::shared_ptr<Results> Memo)
      : Inner(std::move(Inner)), Memo(std::move(Memo)) {}
  bool matches(const T &Node, internal::ASTMatchFinder *Finder,
               internal::BoundNodesTreeBuilder *Builder) const override {
    auto It = Memo->Known.find(&Node);
    if (It != Memo->Known.end())
      return It->second;
    // Stored after: Inner (which binds nothing) may grow the map.
    bool Matched = Inner.matches(Node, Finder, Builder);
    Memo->Known[&Node] = Matched;
    return Matched;
  }

private:
  internal::Matcher<T> Inner;
  std::shared_ptr<Results> Memo;
};

template <typename T>
internal::Matcher<T> memoize(internal::Matcher<T> Inner, MatchFinder &Finder) {
  auto Memo = std::make_shared<Results>();
  // The MatchFinder calls onStartOfTranslationUnit on every callback it
  // knows, also on one whose matcher never matches. The memoized matcher
  // keeps Memo alive as long as the MatchFinder.
  Finder.addMatcher(translationUnitDecl(unless(anything())), Memo.get());
  return internal::Matcher<T>(
      new Memoized<T>(std::move(Inner), std::move(Memo)));
}

/// A type whose class (or, still dependent, class template) has one of
/// the unqualified \p Names: what containerType's qualified names imply,
/// in one hash lookup.
class TypeNamedIn : public internal::MatcherInterface<QualType> {
public:
  explicit TypeNamedIn(llvm::ArrayRef<std::string> QualifiedNames)
      : Names(QualifiedNames) {}
  bool matches(const QualType &Type, internal::ASTMatchFinder *,
               internal::BoundNodesTreeBuilder *) const override {
    return mayBeClassNamedIn(Type, Names);
  }

private:
  NameSet Names;
};

// The ancestor questions, answered by the Ancestry index instead of the
// parent map (see common/Ancestry.h): the same answers as the matchers
// named in LeakMatchers.h.

class InFunction : public internal::MatcherInterface<Stmt> {
public:
  explicit InFunction(internal::Matcher<FunctionDecl> Function)
      : Function(std::move(Function)) {}
  bool matches(const Stmt &S, internal::ASTMatchFinder *Finder,
               internal::BoundNodesTreeBuilder *Builder) const override {
    Ancestry &Index = Ancestry::of(Finder->getASTContext());
    return Index.anyEnclosing(S, [&](const Decl &Enclosing) {
      const FunctionDecl *Nearest = Index.nearestFunction(Enclosing);
      return Nearest && Function.matches(*Nearest, Finder, Builder);
    });
  }

private:
  internal::Matcher<FunctionDecl> Function;
};

class InsideFunction : public internal::MatcherInterface<Decl> {
public:
  explicit InsideFunction(internal::Matcher<FunctionDecl> Function)
      : Function(std::move(Function)) {}
  bool matches(const Decl &D, internal::ASTMatchFinder *Finder,
               internal::BoundNodesTreeBuilder *Builder) const override {
    Ancestry &Index = Ancestry::of(Finder->getASTContext());
    const Decl *Outer = Index.enclosing(D);
    return Outer && Index.anyOuter(*Outer, [&](const Decl &Candidate) {
      const auto *F = dyn_cast<FunctionDecl>(&Candidate);
      return F && Function.matches(*F, Finder, Builder);
    });
  }

private:
  internal::Matcher<FunctionDecl> Function;
};

class NotInTemplateInstantiation : public internal::MatcherInterface<Stmt> {
public:
  bool matches(const Stmt &S, internal::ASTMatchFinder *Finder,
               internal::BoundNodesTreeBuilder *) const override {
    Ancestry &Index = Ancestry::of(Finder->getASTContext());
    return !Index.anyEnclosing(S, [&](const Decl &Enclosing) {
      return Index.anyOuter(Enclosing, isTemplateInstantiationDecl);
    });
  }
};

class NotInstantiated : public internal::MatcherInterface<Decl> {
public:
  bool matches(const Decl &D, internal::ASTMatchFinder *Finder,
               internal::BoundNodesTreeBuilder *) const override {
    return !Ancestry::of(Finder->getASTContext())
                .anyOuter(D, isTemplateInstantiationDecl);
  }
};
} // namespace fast

namespace matchers {

internal::Matcher<FieldDecl>
memoizedField(internal::Matcher<FieldDecl> Inner, MatchFinder &Finder) {
  return fast::memoize(std::move(Inner), Finder);
}

internal::Matcher<VarDecl> memoizedVar(internal::Matcher<VarDecl> Inner,
                                       MatchFinder &Finder) {
  return fast::memoize(std::move(Inner), Finder);
}

internal::Matcher<CallExpr> calleeNamedIn(llvm::ArrayRef<std::string> Names) {
  return internal::Matcher<CallExpr>(new fast::CalleeNamedIn(Names));
}

internal::Matcher<Stmt> notInTemplateInstantiation() {
  return internal::Matcher<Stmt>(new fast::NotInTemplateInstantiation);
}

internal::Matcher<Decl> notInstantiated() {
  return internal::Matcher<Decl>(new fast::NotInstantiated);
}

internal::Matcher<Stmt> inFunction(internal::Matcher<FunctionDecl> Function) {
  return internal::Matcher<Stmt>(new fast::InFunction(std::move(Function)));
}

internal::Matcher<Decl>
insideFunction(internal::Matcher<FunctionDecl> Function) {
  return internal::Matcher<Decl>(
      new fast::InsideFunction(std::move(Function)));
}

internal::Matcher<QualType>
containerType(const std::vector<std::string> &Names) {
  std::vector<llvm::StringRef> Refs(Names.begin(), Names.end());
  // The unqualified name first: one hash lookup rules out nearly every type.
  return qualType(
      internal::Matcher<QualType>(new fast::TypeNamedIn(Names)),
      hasUnqualifiedDesugaredType(anyOf(
          recordType(hasDeclaration(cxxRecordDecl(hasAnyName(Refs)))),
          templateSpecializationType(
              hasDeclaration(classTemplateDecl(hasAnyName(Refs)))))));
}

internal::Matcher<Expr> memberReference(internal::Matcher<FieldDecl> Field) {
  return ignoringParenImpCasts(memberExpr(member(fieldDecl(Field))));
}

internal::Matcher<Stmt> methodCallOn(internal::Matcher<Expr> Object,
                                     const std::vector<std::string> &Methods) {
  std::vector<llvm::StringRef> Refs(Methods.begin(), Methods.end());
  auto DependentCallee = cxxDependentScopeMemberExpr(
      hasObjectExpression(Object), detail::hasMemberNameIn(Methods));
  // callExpr(anyOf(...)), not stmt(anyOf(...)): the MatchFinder then tries
  // it on calls only.
  return callExpr(
      calleeNamedIn(Methods),
      anyOf(cxxMemberCallExpr(on(Object),
                              callee(cxxMethodDecl(hasAnyName(Refs)))),
            callExpr(callee(DependentCallee))));
}

internal::Matcher<Stmt>
ownObjectCall(internal::Matcher<CXXMethodDecl> Method) {
  return cxxMemberCallExpr(on(ignoringParenImpCasts(cxxThisExpr())),
                           callee(cxxMethodDecl(Method)));
}

internal::Matcher<ParmVarDecl> mutableByReferenceParam() {
  return parmVarDecl(hasType(qualType(anyOf(
      lValueReferenceType(pointee(unless(isConstQualified()))),
      rValueReferenceType(),
      pointerType(pointee(unless(isConstQualified())))))));
}

} // namespace matchers
} // namespace clang::tidy::leakguard
