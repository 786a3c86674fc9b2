//===--- Preconditions.h - plain C++ tests that run before a matcher ------===//
//
// Every nested matcher call costs the MatchFinder's dispatch (a traversal
// scope, traverseIgnored, a node-kind test), and a rule written as matchers
// makes a dozen of them on every node of its kind before it can say no.
// A precondition is a necessary condition of a rule written in plain C++:
// a RuleSet (common/RuleSet.h) calls it before the rule's matcher, and
// precondition<T> makes it a matcher to put first in a rule registered
// alone; either way it rules out nearly every node at the cost of one
// call. It must be implied by the rule it guards (it may let through
// nodes the rule rejects, never the reverse) and binds nothing. The
// helpers below look through more wrappers than any matcher they stand
// for, so that a test built from them stays implied.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_PRECONDITIONS_H
#define LEAKGUARD_CHECKS_COMMON_PRECONDITIONS_H

#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchersInternal.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include <functional>
#include <string>
#include <utility>

namespace clang::tidy::leakguard {

/// \p E without parentheses, casts (implicit and explicit), full-expression
/// and temporary wrappers: what ignoringParenImpCasts, ignoringParenCasts
/// and ignoringImplicit strip, in any combination.
const Expr *stripped(const Expr *E);

/// The field \p E names (`field_`, `this->field_`, `other.field_`), looking
/// through stripped(); null otherwise.
const FieldDecl *referencedField(const Expr *E);

/// The variable \p E names, looking through stripped(); null otherwise.
const VarDecl *referencedVariable(const Expr *E);

/// The object a member call is made on: the implicit object argument of a
/// resolved member call, or the object of a member call still dependent in
/// a template; null for other calls.
const Expr *calledObject(const CallExpr &Call);

/// True if \p Test holds for some argument of \p Call.
template <typename CallOrConstruct, typename Predicate>
bool anyArgument(const CallOrConstruct &Call, Predicate Test) {
  return llvm::any_of(Call.arguments(),
                      [&](const Expr *Argument) { return Test(Argument); });
}

/// Unqualified names, looked up in one hash probe. Qualified names
/// (`::std::move`) are stored by their last component, which they imply.
class NameSet {
public:
  explicit NameSet(llvm::ArrayRef<std::string> Names);
  bool contains(llvm::StringRef Name) const { return Names.count(Name); }
  /// The callee's unqualified name is in the set: the declaration the call
  /// resolves to, or the member a dependent call names.
  bool containsCalleeOf(const CallExpr &Call) const;

private:
  llvm::StringSet<> Names;
};

/// What containerType(Names) implies of \p Type: its class, or still
/// dependent class template, has one of the \p Names, or no name (left to
/// the full matcher).
bool mayBeClassNamedIn(QualType Type, const NameSet &Names);

/// True for an overloaded-operator call of \p Operator (`a[k]`, `a = b`).
inline bool isOperatorCall(const CallExpr &Call, OverloadedOperatorKind Op) {
  const auto *Operator = dyn_cast<CXXOperatorCallExpr>(&Call);
  return Operator && Operator->getOperator() == Op;
}

namespace matchers {

template <typename T>
using NodeTest =
    std::function<bool(const T &, ast_matchers::internal::ASTMatchFinder &)>;

namespace precondition_detail {
template <typename T>
class Precondition : public ast_matchers::internal::MatcherInterface<T> {
public:
  explicit Precondition(NodeTest<T> Test) : Test(std::move(Test)) {}
  bool
  matches(const T &Node, ast_matchers::internal::ASTMatchFinder *Finder,
          ast_matchers::internal::BoundNodesTreeBuilder *) const override {
    return Test(Node, *Finder);
  }

private:
  NodeTest<T> Test;
};
} // namespace precondition_detail

/// \p Test as a matcher, to put first in the rule it is a necessary
/// condition of.
template <typename T>
ast_matchers::internal::Matcher<T> precondition(NodeTest<T> Test) {
  return ast_matchers::internal::Matcher<T>(
      new precondition_detail::Precondition<T>(std::move(Test)));
}

/// calleeNamedIn(Names) as a precondition, for calls of kind \p CallT.
template <typename CallT = CallExpr>
NodeTest<CallT> calleeNameIn(llvm::ArrayRef<std::string> Names) {
  return [Set = NameSet(Names)](const CallT &Call,
                                ast_matchers::internal::ASTMatchFinder &) {
    return Set.containsCalleeOf(Call);
  };
}

/// Whether \p Matcher (which binds nothing, e.g. a memoized type test)
/// holds for \p Node: for preconditions that end with one.
template <typename T>
bool holds(const ast_matchers::internal::Matcher<T> &Matcher, const T &Node,
           ast_matchers::internal::ASTMatchFinder &Finder) {
  ast_matchers::internal::BoundNodesTreeBuilder Scratch;
  return Matcher.matches(Node, &Finder, &Scratch);
}

} // namespace matchers
} // namespace clang::tidy::leakguard

#endif
