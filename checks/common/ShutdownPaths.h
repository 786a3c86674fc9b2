//===--- ShutdownPaths.h - what a class does to a member on shutdown ------===//
//
// Questions several leak checks ask about a class at the end of the
// translation unit: which of its member functions are shutdown-like (the
// ShutdownMethods option), and whether a function calls a given method on a
// given data member, directly or through one member function of the same
// class (`void stop() { cancelTimers(); }`).
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_SHUTDOWNPATHS_H
#define LEAKGUARD_CHECKS_COMMON_SHUTDOWNPATHS_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/SmallVector.h"
#include <string>
#include <vector>

namespace clang::tidy::leakguard {

/// The non-static member functions \p Record declares itself (not
/// inherited ones) whose names are in \p Names, e.g.
/// splitList(Options.get("ShutdownMethods", defaultShutdownMethods())),
/// best match first: in the order of \p Names. Each appears once, as its
/// first declaration.
llvm::SmallVector<const CXXMethodDecl *, 4>
shutdownMethodsOf(const CXXRecordDecl &Record,
                  const std::vector<std::string> &Names);

/// True if \p Body calls one of \p Methods on \p Member (`m.f()`, `m->f()`,
/// also through a smart pointer), or calls a member function of \p Member's
/// class whose definition does so directly: followed one level deep.
bool callsMethodOnMember(const Stmt &Body, const FieldDecl &Member,
                         const std::vector<std::string> &Methods,
                         ASTContext &Context);

/// As above, on the definition of \p Function; false when this translation
/// unit has no definition of it.
bool callsMethodOnMember(const FunctionDecl &Function, const FieldDecl &Member,
                         const std::vector<std::string> &Methods,
                         ASTContext &Context);


namespace matchers {
using namespace clang::ast_matchers;

/// A reference to a data member matched by \p Field, or the object it
/// points to through an overloaded `->` or `*` (smart pointers); raw
/// pointers need nothing more than memberReference().
internal::Matcher<Expr>
memberOrPointeeReference(internal::Matcher<FieldDecl> Field);

} // namespace matchers
} // namespace clang::tidy::leakguard

#endif
