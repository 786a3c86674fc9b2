//===--- Ancestry.h - enclosing declarations without the parent map -------===//
//
// The leak checks ask three things of a node's ancestors: its parent
// statement, the function it is in, and whether it sits in a template
// instantiation. ASTContext::getParents answers them from the parent map,
// which records every node of the traversal scope (type locations, name
// specifiers, declarations, statements) on first use: on the generated
// large TU of bench/ that map cost more instructions than any one check's
// matching (docs/performance.md). This index is built in one pass over the
// same scope, visiting what the parent map visits, but records only what
// the questions need: for each statement its parent statement and its
// enclosing declarations. Above a declaration, its lexical context
// answers.
//
// The pass is made one declaration at a time, when a question first comes
// from it (the traversal scope's declarations, namespaces opened): with
// preconditions in front of the ancestor matchers, most of a translation
// unit is never asked about. A node no declaration's pass reaches (one
// outside the traversal scope, found by looking down from a user node) is
// answered by the parent map, as before.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_ANCESTRY_H
#define LEAKGUARD_CHECKS_COMMON_ANCESTRY_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/ASTTypeTraits.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace clang::tidy::leakguard {

class Ancestry {
public:
  /// The index of \p Context's traversal scope, built on first use and
  /// dropped with the context. The scope must be final by then (the
  /// UserCodeScope narrows it before any matcher runs). Not shared between
  /// threads: one index per thread and context.
  static Ancestry &of(ASTContext &Context);

  /// The statement \p S is a child of; null when its parent is not a
  /// statement (a declaration, a type, a constructor initializer) or it
  /// has none. For a statement reached on several paths (shared between a
  /// template and its instantiation), the first parent, as
  /// getParents()[0].
  const Stmt *parentStatement(const Stmt &S);

  /// Calls \p Visit with each declaration directly enclosing \p S (the
  /// innermost function, lambda call operator, variable, field or class it
  /// is part of): one, or several for a shared statement, last-reached
  /// first. Stops when \p Visit returns true; returns whether it did.
  bool anyEnclosing(const Stmt &S,
                    llvm::function_ref<bool(const Decl &)> Visit);

  /// The declaration enclosing \p D: its lexical context (for a local, its
  /// function; for a lambda's call operator, the closure class, then the
  /// function the lambda is in), which is where the parent map's walk up
  /// from a declaration meets declarations. Needs no index.
  const Decl *enclosing(const Decl &D);

  /// Calls \p Visit on \p D and each declaration enclosing it, innermost
  /// first, until it returns true; returns whether it did.
  bool anyOuter(const Decl &D, llvm::function_ref<bool(const Decl &)> Visit);

  /// The function \p D is: itself, or the nearest function (or lambda call
  /// operator) enclosing it; null outside functions.
  const FunctionDecl *nearestFunction(const Decl &D);

  struct StatementEntry {
    const Stmt *Parent = nullptr;
    const Decl *Enclosing = nullptr;
  };

private:
  /// Declarations at namespace scope whose text overlaps (`int a, b;`,
  /// `typedef struct S {...} T;`), indexed together on demand, and the
  /// offsets of their text in one file.
  struct Unit {
    unsigned Begin, End;
    llvm::SmallVector<Decl *, 1> Declarations;
    unsigned Order;
    bool Indexed = false;
  };

  explicit Ancestry(ASTContext &Context);
  void partition();
  void collectUnits(Decl *D);
  void index(Unit &U);
  void indexAll();
  /// Indexes the unit whose source range holds \p Location; false if there
  /// is none or it was indexed already.
  bool indexUnitAt(SourceLocation Location);
  const StatementEntry *entry(const Stmt &S);
  bool fromParentMap(const DynTypedNode &Node,
                     llvm::function_ref<bool(const Decl &)> Visit);

  ASTContext &Context;
  /// Per file, in order of offset and apart.
  llvm::DenseMap<FileID, std::vector<Unit>> Units;
  unsigned CollectedUnits = 0;
  bool AllIndexed = false;
  llvm::DenseMap<const Stmt *, StatementEntry> Statements;
  /// Further enclosing declarations of statements reached more than once.
  llvm::DenseMap<const Stmt *, llvm::SmallVector<const Decl *, 1>>
      SharedStatements;

  friend class AncestryBuilder;
};

/// True for a class, function or variable instantiated from a template
/// (implicitly or explicitly): what isTemplateInstantiation() matches.
bool isTemplateInstantiationDecl(const Decl &D);

} // namespace clang::tidy::leakguard

#endif
