//===--- Ancestry.cpp - enclosing declarations without the parent map -----===//

#include "common/Ancestry.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include <memory>
#include <tuple>

namespace clang::tidy::leakguard {

/// One pass visiting what the parent map's visitor visits (implicit code,
/// template instantiations, the pieces of types and names), keeping two
/// stacks: the nodes on the path (null where the path leaves statements:
/// a declaration, a type, an initializer, an attribute) and the enclosing
/// declarations.
class AncestryBuilder : public RecursiveASTVisitor<AncestryBuilder> {
public:
  explicit AncestryBuilder(Ancestry &Index) : Index(Index) {}

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    Path.push_back(nullptr);
    Enclosing.push_back(D);
    bool Continue = RecursiveASTVisitor::TraverseDecl(D);
    Enclosing.pop_back();
    Path.pop_back();
    return Continue;
  }

  // Without the data-recursion queue, so that the stacks follow the
  // nesting (as the parent map's visitor does).
  bool TraverseStmt(Stmt *S) {
    if (!S)
      return true;
    const Stmt *Parent = Path.empty() ? nullptr : Path.back();
    auto [Entry, New] = Index.Statements.try_emplace(
        S, Ancestry::StatementEntry{Parent, innermostDecl()});
    if (!New && innermostDecl() != Entry->second.Enclosing)
      Index.SharedStatements[S].push_back(innermostDecl());
    Path.push_back(S);
    bool Continue = RecursiveASTVisitor::TraverseStmt(S);
    Path.pop_back();
    return Continue;
  }

  // forFunction stops at a lambda: its captures' initializers belong to
  // the call operator, like its body.
  bool TraverseLambdaExpr(LambdaExpr *Lambda) {
    Enclosing.push_back(Lambda->getCallOperator());
    bool Continue = RecursiveASTVisitor::TraverseLambdaExpr(Lambda);
    Enclosing.pop_back();
    return Continue;
  }

  // Variadic: LLVM 22 added a parameter (whether to traverse the
  // qualifier); the override forwards whatever the base takes.
  template <typename... Options>
  bool TraverseTypeLoc(TypeLoc Type, Options... More) {
    return outsideStatements([&] {
      return RecursiveASTVisitor::TraverseTypeLoc(Type, More...);
    });
  }
  bool TraverseNestedNameSpecifierLoc(NestedNameSpecifierLoc Name) {
    return outsideStatements([&] {
      return RecursiveASTVisitor::TraverseNestedNameSpecifierLoc(Name);
    });
  }
  bool TraverseTemplateArgumentLoc(const TemplateArgumentLoc &Argument) {
    return outsideStatements([&] {
      return RecursiveASTVisitor::TraverseTemplateArgumentLoc(Argument);
    });
  }
  bool TraverseConstructorInitializer(CXXCtorInitializer *Initializer) {
    return outsideStatements([&] {
      return RecursiveASTVisitor::TraverseConstructorInitializer(Initializer);
    });
  }
  bool TraverseAttr(Attr *Attribute) {
    return outsideStatements(
        [&] { return RecursiveASTVisitor::TraverseAttr(Attribute); });
  }

private:
  const Decl *innermostDecl() const {
    return Enclosing.empty() ? nullptr : Enclosing.back();
  }
  template <typename Traverse> bool outsideStatements(Traverse &&Children) {
    Path.push_back(nullptr);
    bool Continue = Children();
    Path.pop_back();
    return Continue;
  }

  Ancestry &Index;
  llvm::SmallVector<const Stmt *, 32> Path;
  llvm::SmallVector<const Decl *, 16> Enclosing;
};

namespace {
/// One index per context; the context's deallocation hook erases it, so a
/// later context at the same address starts afresh.
llvm::DenseMap<const ASTContext *, std::unique_ptr<Ancestry>> &indexes() {
  thread_local llvm::DenseMap<const ASTContext *, std::unique_ptr<Ancestry>>
      Indexes;
  return Indexes;
}

void forget(void *Context) {
  indexes().erase(static_cast<const ASTContext *>(Context));
}
} // namespace

Ancestry::Ancestry(ASTContext &Context) : Context(Context) {}

Ancestry &Ancestry::of(ASTContext &Context) {
  std::unique_ptr<Ancestry> &Index = indexes()[&Context];
  if (!Index) {
    Index.reset(new Ancestry(Context));
    Context.AddDeallocation(forget, &Context);
    Index->partition();
  }
  return *Index;
}

void Ancestry::collectUnits(Decl *D) {
  // What RecursiveASTVisitor leaves out of a declaration context: it
  // reaches these through the expressions that own them.
  if (isa<BlockDecl, CapturedDecl>(D))
    return;
  if (const auto *Record = dyn_cast<CXXRecordDecl>(D); Record && Record->isLambda())
    return;
  if (isa<TranslationUnitDecl, NamespaceDecl, LinkageSpecDecl>(D)) {
    for (Decl *Member : cast<DeclContext>(D)->decls())
      collectUnits(Member);
    return;
  }
  // Offsets in one file, not SourceLocations: comparing locations of
  // different files walks the include stack every time.
  const SourceManager &SM = Context.getSourceManager();
  SourceRange Range = D->getSourceRange();
  std::pair<FileID, unsigned> Begin = SM.getDecomposedExpansionLoc(Range.getBegin());
  std::pair<FileID, unsigned> End = SM.getDecomposedExpansionLoc(Range.getEnd());
  if (Range.isInvalid() || Begin.first.isInvalid() || Begin.first != End.first) {
    // No place, or spread over files: indexed at once.
    Unit Unplaced{0, 0, {D}, 0};
    index(Unplaced);
    return;
  }
  Units[Begin.first].push_back(
      Unit{Begin.second, End.second, {D}, /*Order=*/CollectedUnits++});
}

void Ancestry::partition() {
  for (Decl *TopLevel : Context.getTraversalScope())
    collectUnits(TopLevel);
  // A binary search needs each file's units in order and apart: overlapping
  // ones become one unit (declared together, indexed together).
  for (auto &[File, FileUnits] : Units) {
    // Collected in traversal order, which ties keep (a stable sort's
    // temporary buffer is deprecated in libstdc++ 12).
    llvm::sort(FileUnits, [](const Unit &A, const Unit &B) {
      return std::tie(A.Begin, A.Order) < std::tie(B.Begin, B.Order);
    });
    std::vector<Unit> Merged;
    for (Unit &U : FileUnits) {
      if (!Merged.empty() && U.Begin <= Merged.back().End) {
        Merged.back().End = std::max(Merged.back().End, U.End);
        Merged.back().Declarations.append(U.Declarations);
        continue;
      }
      Merged.push_back(std::move(U));
    }
    FileUnits = std::move(Merged);
  }
}

void Ancestry::index(Unit &U) {
  U.Indexed = true;
  AncestryBuilder Builder(*this);
  for (Decl *D : U.Declarations)
    Builder.TraverseDecl(D);
  // A template's instantiations are traversed under its first declaration
  // (and a partial specialization's under the primary template), which may
  // be another unit: a forward declaration, the class of an out-of-line
  // member. Index that unit too, rather than everything when one of their
  // nodes is asked about.
  for (Decl *D : U.Declarations) {
    const Decl *First = D->getCanonicalDecl();
    if (const auto *Partial =
            dyn_cast<ClassTemplatePartialSpecializationDecl>(D))
      First = Partial->getSpecializedTemplate()->getCanonicalDecl();
    if (First != D)
      indexUnitAt(First->getLocation());
  }
}

void Ancestry::indexAll() {
  AllIndexed = true;
  for (auto &[File, FileUnits] : Units)
    for (Unit &U : FileUnits)
      if (!U.Indexed)
        index(U);
}

bool Ancestry::indexUnitAt(SourceLocation Location) {
  if (AllIndexed || Location.isInvalid())
    return false;
  std::pair<FileID, unsigned> Place =
      Context.getSourceManager().getDecomposedExpansionLoc(Location);
  auto File = Units.find(Place.first);
  if (File == Units.end())
    return false;
  auto It = llvm::partition_point(
      File->second, [&](const Unit &U) { return U.End < Place.second; });
  if (It == File->second.end() || It->Indexed || Place.second < It->Begin)
    return false;
  index(*It);
  return true;
}

// A node whose unit does not hold it (an instantiation traversed under the
// template's first declaration, a default initializer used elsewhere) is
// found by indexing everything.
const Ancestry::StatementEntry *Ancestry::entry(const Stmt &S) {
  for (int Attempt = 0; Attempt < 3; ++Attempt) {
    auto It = Statements.find(&S);
    if (It != Statements.end())
      return &It->second;
    if (Attempt == 0 && indexUnitAt(S.getBeginLoc()))
      continue;
    if (AllIndexed)
      return nullptr;
    indexAll();
  }
  return nullptr;
}

const Stmt *Ancestry::parentStatement(const Stmt &S) {
  if (const StatementEntry *Entry = entry(S))
    return Entry->Parent;
  DynTypedNodeList Parents = Context.getParents(S);
  return Parents.empty() ? nullptr : Parents[0].get<Stmt>();
}

bool Ancestry::anyEnclosing(const Stmt &S,
                            llvm::function_ref<bool(const Decl &)> Visit) {
  const StatementEntry *Entry = entry(S);
  if (!Entry)
    return fromParentMap(DynTypedNode::create(S), Visit);
  auto Shared = SharedStatements.find(&S);
  if (Shared != SharedStatements.end())
    for (const Decl *D : llvm::reverse(Shared->second))
      if (Visit(*D))
        return true;
  return Entry->Enclosing && Visit(*Entry->Enclosing);
}

const Decl *Ancestry::enclosing(const Decl &D) {
  return dyn_cast_or_null<Decl>(D.getLexicalDeclContext());
}

bool Ancestry::anyOuter(const Decl &D,
                        llvm::function_ref<bool(const Decl &)> Visit) {
  for (const Decl *Current = &D; Current; Current = enclosing(*Current))
    if (Visit(*Current))
      return true;
  return false;
}

const FunctionDecl *Ancestry::nearestFunction(const Decl &D) {
  const FunctionDecl *Found = nullptr;
  anyOuter(D, [&](const Decl &Outer) {
    Found = dyn_cast<FunctionDecl>(&Outer);
    return Found != nullptr;
  });
  return Found;
}

bool Ancestry::fromParentMap(const DynTypedNode &Node,
                             llvm::function_ref<bool(const Decl &)> Visit) {
  // The nearest declarations on every path up, as forFunction finds them.
  llvm::SmallVector<DynTypedNode, 8> Stack;
  llvm::append_range(Stack, Context.getParents(Node));
  while (!Stack.empty()) {
    DynTypedNode Current = Stack.pop_back_val();
    if (const auto *D = Current.get<Decl>()) {
      if (Visit(*D))
        return true;
    } else if (const auto *Lambda = Current.get<LambdaExpr>()) {
      if (Visit(*Lambda->getCallOperator()))
        return true;
    } else {
      llvm::append_range(Stack, Context.getParents(Current));
    }
  }
  return false;
}

bool isTemplateInstantiationDecl(const Decl &D) {
  if (const auto *Record = dyn_cast<CXXRecordDecl>(&D))
    return isTemplateInstantiation(Record->getTemplateSpecializationKind());
  if (const auto *Function = dyn_cast<FunctionDecl>(&D))
    return isTemplateInstantiation(Function->getTemplateSpecializationKind());
  if (const auto *Variable = dyn_cast<VarDecl>(&D))
    return isTemplateInstantiation(Variable->getTemplateSpecializationKind());
  return false;
}

} // namespace clang::tidy::leakguard
