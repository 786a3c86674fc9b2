//===--- LeakMatchers.h - shared knowledge of the leak checks -------------===//
//
// What every leakguard check needs to know once: which types are growable
// containers, which calls grow or shrink them, which methods are
// shutdown-like, how to parse list options. Checks compose these; they do
// not keep private copies.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_LEAKMATCHERS_H
#define LEAKGUARD_CHECKS_COMMON_LEAKMATCHERS_H

#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang::tidy::leakguard {

/// Splits a semicolon-separated option value, dropping empty entries and
/// surrounding blanks.
std::vector<std::string> splitList(llvm::StringRef Value);

/// Joins a list back into an option value.
std::string joinList(const std::vector<std::string> &Items);

/// Standard growable containers (sequence, associative, unordered,
/// adaptors, basic_string), fully qualified.
const std::vector<std::string> &standardContainerNames();

/// Methods that add elements to a container.
const std::vector<std::string> &growthMethodNames();

/// Methods that remove elements from (or replace the contents of) a
/// container, including list operations that move elements out.
const std::vector<std::string> &removalMethodNames();

/// Free functions that remove from, replace or move out their container
/// argument (std::erase, std::swap, std::move, ...).
const std::vector<std::string> &removalFreeFunctionNames();

/// Default names of shutdown-like methods, as a semicolon-separated option.
llvm::StringRef defaultShutdownMethods();

/// The class template \p Type specializes, written out (a record type) or
/// still dependent (std::vector<T> in a template); null for other types.
const TemplateDecl *specializedTemplate(QualType Type);

/// True for listener storage: a callable type (std::function,
/// std::move_only_function, a function pointer) or a standard container
/// whose elements or mapped values are, at any depth (e.g.
/// std::map<std::string, std::vector<std::function<void()>>>).
bool holdsCallables(QualType Type);

/// True for a method whose name is in \p Names (case-sensitive).
bool isNamedIn(const NamedDecl &D, const std::vector<std::string> &Names);

/// The field of the class template pattern \p Field was instantiated
/// from, or \p Field itself: so that a member of a class template is
/// reported once, whatever its instantiations.
const FieldDecl &instantiationPattern(const FieldDecl &Field);

/// "A member function that clears member X, followed one level deep":
/// what member functions do to a target (a member, or any declaration
/// standing for one), and which member functions they call on their own
/// object, collected over a translation unit. Functions are compared by
/// canonical declaration, so an out-of-line definition and its in-class
/// declaration are one.
class MemberEffects {
public:
  /// \p Function acts on \p Target itself.
  void record(const FunctionDecl *Function, const Decl *Target);
  /// \p Caller calls \p Callee on its own object (`this`).
  void recordOwnCall(const FunctionDecl *Caller, const FunctionDecl *Callee);
  /// \p Function acts on \p Target itself or through a member function it
  /// calls on its own object (one level deep).
  bool actsOn(const FunctionDecl *Function, const Decl *Target) const;
  void clear();

private:
  bool actsDirectlyOn(const FunctionDecl *Function, const Decl *Target) const;
  llvm::DenseMap<const FunctionDecl *, llvm::SmallPtrSet<const Decl *, 4>>
      Direct;
  llvm::DenseMap<const FunctionDecl *,
                 llvm::SmallPtrSet<const FunctionDecl *, 4>>
      OwnCalls;
};

namespace matchers {
using namespace clang::ast_matchers;

/// A type that is (after desugaring) a specialization of one of \p Names,
/// written out (a record type) or still dependent (a class template
/// pattern's member such as std::vector<T>).
internal::Matcher<QualType>
containerType(const std::vector<std::string> &Names);

/// A reference to a data member matched by \p Field, through `this` or any
/// other object (ignoring parentheses and implicit casts).
internal::Matcher<Expr> memberReference(internal::Matcher<FieldDecl> Field);

/// A call of one of \p Methods on an object matched by \p Object: a
/// resolved member call, or, inside a template, a dependent one.
internal::Matcher<Stmt> methodCallOn(internal::Matcher<Expr> Object,
                                     const std::vector<std::string> &Methods);

/// A call of a method matched by \p Method on the caller's own object
/// (`this`, written or implicit, including `Base::f()`).
internal::Matcher<Stmt> ownObjectCall(internal::Matcher<CXXMethodDecl> Method);

/// \p Inner on a field, evaluated once per field and translation unit:
/// for the type tests that hot matchers repeat on every reference to the
/// same member. \p Inner must bind nothing. Registers with \p Finder what
/// forgets the results at the start of each translation unit.
internal::Matcher<FieldDecl>
memoizedField(internal::Matcher<FieldDecl> Inner, MatchFinder &Finder);
/// The same for a variable (every reference to a local).
internal::Matcher<VarDecl> memoizedVar(internal::Matcher<VarDecl> Inner,
                                       MatchFinder &Finder);

/// A call whose callee's unqualified name is in \p Names: the declaration
/// it calls (a function, a method), or the member a dependent call names.
/// One hash lookup: put before callee(...hasName / hasAnyName...), which it
/// implies, to rule out the other calls cheaply.
internal::Matcher<CallExpr> calleeNamedIn(llvm::ArrayRef<std::string> Names);

// The ancestor matchers below answer from the Ancestry index
// (common/Ancestry.h), one pass over the translation unit, instead of the
// parent map that isInTemplateInstantiation, isInstantiated, forFunction
// and hasAncestor build on first use. Use them, not those.

/// unless(isInTemplateInstantiation()).
internal::Matcher<Stmt> notInTemplateInstantiation();
/// unless(isInstantiated()).
internal::Matcher<Decl> notInstantiated();
/// forFunction(Function): the nearest function or lambda call operator
/// enclosing the statement matches.
internal::Matcher<Stmt> inFunction(internal::Matcher<FunctionDecl> Function);
/// hasAncestor(Function) for a declaration: some function enclosing it,
/// at any depth, matches.
internal::Matcher<Decl>
insideFunction(internal::Matcher<FunctionDecl> Function);

/// A parameter through which the callee may modify its argument: a
/// non-const lvalue reference, a forwarding / rvalue reference, or a
/// pointer to non-const.
internal::Matcher<ParmVarDecl> mutableByReferenceParam();

} // namespace matchers
} // namespace clang::tidy::leakguard

#endif
