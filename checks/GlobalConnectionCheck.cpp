//===--- GlobalConnectionCheck.cpp - leakguard ----------------------------===//

#include "GlobalConnectionCheck.h"
#include "common/Ancestry.h"
#include "common/Compat.h"
#include "common/LeakMatchers.h"
#include "common/Preconditions.h"
#include "common/RuleSet.h"
#include "common/WholeProgramFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/TypeLoc.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"
#include <set>

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

namespace {

constexpr llvm::StringLiteral ManagedSingletonHeader =
    "<leakguard/managed_singleton.hpp>";

/// The expression that uses \p E, past parentheses and implicit casts;
/// \p E becomes the outermost of those.
const Stmt *user(const Expr *&E, ASTContext &Context) {
  for (;;) {
    const Stmt *Parent = Ancestry::of(Context).parentStatement(*E);
    if (!Parent)
      return nullptr;
    if (isa<ParenExpr, ImplicitCastExpr>(Parent)) {
      E = cast<Expr>(Parent);
      continue;
    }
    return Parent;
  }
}

/// The method named on the object \p Object (`Object.m` / `Object->m`),
/// if any.
const NamedDecl *memberNamedOn(const Expr *Object, ASTContext &Context) {
  const auto *Member = dyn_cast_or_null<MemberExpr>(user(Object, Context));
  return Member ? Member->getMemberDecl() : nullptr;
}

bool isStaticLocalReference(const DeclRefExpr &Reference) {
  const auto *Variable = dyn_cast<VarDecl>(Reference.getDecl());
  return Variable && Variable->isStaticLocal();
}

/// Looks for a reference to a static local everywhere
/// hasDescendant looks: written types, template arguments, qualifiers,
/// lambda bodies, instantiations and implicit code.
class StaticLocalSearch : public RecursiveASTVisitor<StaticLocalSearch> {
public:
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }
  bool VisitDeclRefExpr(DeclRefExpr *Reference) {
    Found = isStaticLocalReference(*Reference);
    return !Found;
  }
  bool Found = false;
};

bool searchStaticLocal(const Stmt &S) {
  StaticLocalSearch Search;
  Search.TraverseStmt(const_cast<Stmt *>(&S));
  return Search.Found;
}

/// Whether hasDescendant(declRefExpr(to(varDecl(isStaticLocal())))), or
/// that matcher itself, could match \p S or a part of it. The expressions
/// whose every part is a child statement are walked here; the others (a
/// written type, template argument or qualifier may hide a decltype) are
/// searched as hasDescendant would, which costs a visitor.
bool mayNameStaticLocal(const Stmt &S) {
  if (const auto *Reference = dyn_cast<DeclRefExpr>(&S)) {
    if (isStaticLocalReference(*Reference))
      return true;
    if (Reference->hasExplicitTemplateArgs() ||
        Reference->getNameInfo().getNamedTypeInfo() ||
        compat::qualifierNamesType(*Reference))
      return searchStaticLocal(S);
    return false;
  }
  if (const auto *Member = dyn_cast<MemberExpr>(&S)) {
    if (Member->hasExplicitTemplateArgs() || Member->hasQualifier() ||
        Member->getMemberNameInfo().getNamedTypeInfo())
      return searchStaticLocal(S);
  } else if (!isa<ImplicitCastExpr, ParenExpr, CallExpr, UnaryOperator,
                  BinaryOperator, ConditionalOperator, CXXThisExpr,
                  IntegerLiteral, FloatingLiteral, StringLiteral,
                  CharacterLiteral, CXXBoolLiteralExpr, CXXNullPtrLiteralExpr,
                  MaterializeTemporaryExpr, ExprWithCleanups,
                  CXXBindTemporaryExpr, ArraySubscriptExpr, ConstantExpr>(S) &&
             !(isa<CXXConstructExpr>(S) && !isa<CXXTemporaryObjectExpr>(S))) {
    return searchStaticLocal(S);
  }
  return llvm::any_of(S.children(), [](const Stmt *Child) {
    return Child && mayNameStaticLocal(*Child);
  });
}

bool isStdSmartPointer(const CXXRecordDecl *Record) {
  return Record && Record->isInStdNamespace() && Record->getIdentifier() &&
         (Record->getName() == "unique_ptr" ||
          Record->getName() == "shared_ptr");
}

bool isSmartPointerReset(const NamedDecl *Member) {
  const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Member);
  return Method && Method->getIdentifier() && Method->getName() == "reset" &&
         isStdSmartPointer(Method->getParent());
}

bool isNullPointer(const Expr *E, ASTContext &Context) {
  return E->IgnoreParenImpCasts()->isNullPointerConstant(
      Context, Expr::NPC_ValueDependentIsNotNull);
}

bool isConstantInitialized(const VarDecl &Var) {
  return Var.isConstexpr() || Var.hasAttr<ConstInitAttr>() || !Var.hasInit() ||
         Var.hasConstantInitialization();
}

bool isInMain(const VarDecl &Var) {
  const auto *Function =
      dyn_cast_or_null<FunctionDecl>(Var.getParentFunctionOrMethod());
  return Function && Function->isMain();
}

/// What creates the owned object in an initialiser, past conversions to
/// a smart pointer: a `new` expression or a std::make_unique /
/// std::make_shared call.
const Expr *ownedCreation(const Expr *E) {
  while (E) {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E)) {
      E = Cast->getSubExpr();
      continue;
    }
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
        Construct && Construct->getNumArgs() == 1) {
      E = Construct->getArg(0);
      continue;
    }
    break;
  }
  return E;
}

const CXXNewExpr *asSingleNew(const Expr *E) {
  const auto *New = dyn_cast_or_null<CXXNewExpr>(E);
  if (!New || New->isArray() || New->getNumPlacementArgs() != 0)
    return nullptr;
  return New;
}

const CallExpr *asMakeSmartPointer(const Expr *E) {
  const auto *Call = dyn_cast_or_null<CallExpr>(E);
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!Callee || !Callee->isInStdNamespace() || !Callee->getIdentifier() ||
      (Callee->getName() != "make_unique" &&
       Callee->getName() != "make_shared"))
    return nullptr;
  return Call;
}

bool isQObject(const CXXRecordDecl *Record) {
  if (!Record || !Record->hasDefinition())
    return false;
  if (Record->getIdentifier() && Record->getName() == "QObject")
    return true;
  return llvm::any_of(Record->bases(), [](const CXXBaseSpecifier &Base) {
    return isQObject(Base.getType()->getAsCXXRecordDecl());
  });
}

/// `new QTcpSocket(parent)`: a QObject given a parent is deleted by it.
bool isOwnedByQtParent(const CXXNewExpr &New) {
  const CXXConstructExpr *Construct = New.getConstructExpr();
  if (!Construct || !isQObject(New.getAllocatedType()->getAsCXXRecordDecl()))
    return false;
  return llvm::any_of(Construct->arguments(), [](const Expr *Argument) {
    return Argument->getType()->isPointerType() &&
           !isa<CXXDefaultArgExpr>(Argument) &&
           !isa<CXXNullPtrLiteralExpr, GNUNullExpr>(
               Argument->IgnoreParenImpCasts());
  });
}

/// A `new` whose object nobody else owns.
const CXXNewExpr *asOwningNew(const Expr *E) {
  const CXXNewExpr *New = asSingleNew(ownedCreation(E));
  return New && !isOwnedByQtParent(*New) ? New : nullptr;
}

bool isCreatedWithNew(const VarDecl &Var) {
  return Var.hasInit() && asOwningNew(Var.getInit());
}

/// No other variable is declared in the same declaration.
bool isAloneInItsDeclaration(const VarDecl &Var) {
  for (const Decl *Other : Var.getDeclContext()->decls())
    if (Other != &Var && isa<VarDecl>(Other) &&
        Other->getBeginLoc() == Var.getBeginLoc())
      return false;
  return true;
}

std::string sourceText(CharSourceRange Range, const ASTContext &Context) {
  return Lexer::getSourceText(Range, Context.getSourceManager(),
                              Context.getLangOpts())
      .str();
}

std::string typeText(QualType Type, const ASTContext &Context) {
  PrintingPolicy Policy(Context.getLangOpts());
  Policy.SuppressTagKeyword = true;
  return Type.getAsString(Policy);
}

/// The held object's type as written in the declaration, when it is
/// written out (not `auto`, not behind an alias).
std::optional<std::string> writtenObjectType(const VarDecl &Var,
                                             Holding How,
                                             const ASTContext &Context) {
  TypeLoc Loc = compat::withoutElaboration(
      Var.getTypeSourceInfo()->getTypeLoc().getUnqualifiedLoc());
  TypeLoc Object;
  if (How == Holding::RawPointer) {
    if (auto Pointer = Loc.getAs<PointerTypeLoc>())
      Object = Pointer.getPointeeLoc();
  } else if (auto Spec = Loc.getAs<TemplateSpecializationTypeLoc>()) {
    if (Spec.getNumArgs() >= 1)
      return sourceText(CharSourceRange::getTokenRange(
                            Spec.getArgLoc(0).getSourceRange()),
                        Context);
  }
  if (Object.isNull() || Object.getType()->getContainedDeducedType())
    return std::nullopt;
  return sourceText(CharSourceRange::getTokenRange(Object.getSourceRange()),
                    Context);
}

/// "'Service' holds connection-like 'pqxx::connection' through member
/// 'conn_'" for a class that is connection-like through what it holds.
std::string whyConnectionLike(const ConnectionLikeType &Connection,
                              const ASTContext &Context) {
  if (!Connection.Member && !Connection.Base)
    return "";
  const CXXRecordDecl *Holder = Connection.Object->getAsCXXRecordDecl();
  if (Holder && Holder->isLambda())
    return " (captured by the lambda)";
  std::string Held = typeText(Connection.Connection, Context);
  std::string Why = " ('" + typeText(Connection.Object, Context) + "' ";
  if (Connection.Base)
    return Why + "derives from connection-like '" + Held + "')";
  return Why + "holds connection-like '" + Held + "' through member '" +
         Connection.Member->getNameAsString() + "')";
}

/// Rule 2's message; leakguard-run reports it in the defining TU's stead
/// when another TU assigns the pointer `new`.
std::string ownerPointerMessage(const VarDecl &Var, QualType Object,
                                llvm::StringRef Why,
                                const ASTContext &Context) {
  return (llvm::Twine(Var.isStaticDataMember() ? "static member" : "global") +
          " pointer " + facts::diagnosticText(Context, Var) +
          " owns connection-like " + facts::diagnosticText(Context, Object) +
          " created with 'new' and never deleted or closed in this "
          "translation unit" +
          Why)
      .str();
}

/// Rule 3's message for a static object (not a pointer).
std::string neverClosedStaticMessage(const VarDecl &Var, QualType Object,
                                     llvm::StringRef Why,
                                     const ASTContext &Context) {
  return (llvm::Twine("function-local static ") +
          facts::diagnosticText(Context, Var) + " holds connection-like " +
          facts::diagnosticText(Context, Object) +
          " that is never closed: it is destroyed at exit(), in an order "
          "nobody controls, possibly while other threads still use it" +
          Why)
      .str();
}

/// `E` is (the whole of) what a return statement returns.
bool isReturned(const Expr *E, ASTContext &Context) {
  return isa_and_nonnull<ReturnStmt>(user(E, Context));
}

/// What to use instead of the variable.
std::string replacementAdvice(QualType Object, const ASTContext &Context) {
  // A C handle (`CURL *`, `sqlite3 *`) needs a class that closes it first.
  if (!Object->getAsCXXRecordDecl())
    return "wrap the handle in a class whose destructor closes it and hold "
           "that in a 'leakguard::managed_singleton': created on first use, "
           "shut down in reverse creation order by "
           "'leakguard::shutdown_registry'";
  return "use 'leakguard::managed_singleton<" +
         typeText(Object.getUnqualifiedType(), Context) +
         ">': created on first use, shut down in reverse creation order by "
         "'leakguard::shutdown_registry'";
}

} // namespace

GlobalConnectionCheck::GlobalConnectionCheck(StringRef Name,
                                             ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      ConnectionTypes(Options.get(
          "ConnectionTypes", ConnectionLikeClassifier::defaultConnectionTypes())),
      ConnectionNamePattern(
          Options.get("ConnectionNamePattern",
                      ConnectionLikeClassifier::defaultNamePattern())),
      AllowedTypes(Options.get(
          "AllowedTypes", ConnectionLikeClassifier::defaultAllowedTypes())),
      ShutdownMethods(
          Options.get("ShutdownMethods", defaultShutdownMethods())),
      FlagFunctionLocalStatics(Options.get("FlagFunctionLocalStatics", true)),
      ShutdownMethodNames(splitList(ShutdownMethods)),
      FactsDirectory(facts::exportDirectory()),
      Classifier(splitList(ConnectionTypes), ConnectionNamePattern,
                 splitList(AllowedTypes)),
      Inserter(compat::includeInserter(
          Options.getLocalOrGlobal("IncludeStyle",
                                   utils::IncludeSorter::IS_LLVM),
          *Context)) {
  std::string Error = Classifier.configurationError();
  if (!Error.empty())
    configurationDiag("invalid regular expression in option %0") << Error;
}

void GlobalConnectionCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ConnectionTypes", ConnectionTypes);
  Options.store(Opts, "ConnectionNamePattern", ConnectionNamePattern);
  Options.store(Opts, "AllowedTypes", AllowedTypes);
  Options.store(Opts, "ShutdownMethods", ShutdownMethods);
  Options.store(Opts, "FlagFunctionLocalStatics", FlagFunctionLocalStatics);
  Options.store(Opts, "IncludeStyle", Inserter.getStyle());
}

void GlobalConnectionCheck::registerPPCallbacks(const SourceManager &SM,
                                                Preprocessor *PP,
                                                Preprocessor *) {
  Inserter.registerPreprocessor(PP);
}

void GlobalConnectionCheck::registerMatchers(MatchFinder *Finder) {
  // Program-lifetime variables; what they hold is decided at the end of
  // the translation unit, when every class is complete.
  // The rules, registered together at the end.
  matchers::RuleSet Rules;
  Rules.add<VarDecl>(
      [](const VarDecl &Var, internal::ASTMatchFinder &) {
        return Var.getStorageDuration() == SD_Static;
      },
      varDecl(hasStaticStorageDuration(), isDefinition(),
              unless(isExpansionInSystemHeader()),
              unless(ast_matchers::isTemplateInstantiation()),
              matchers::notInstantiated())
          .bind("variable"));

  // Every use of one: how it is released, and whether a managed_singleton
  // could take its place.
  // Plain C++ first (common/Preconditions.h): nearly no reference names a
  // static.
  Rules.add<DeclRefExpr>(
      [](const DeclRefExpr &Reference, internal::ASTMatchFinder &) {
        const auto *Variable = dyn_cast<VarDecl>(Reference.getDecl());
        return Variable && Variable->getStorageDuration() == SD_Static;
      },
      declRefExpr(
          to(varDecl(hasStaticStorageDuration(),
                     unless(isExpansionInSystemHeader()),
                     hasType(qualType(
                         anyOf(pointerType(), hasCanonicalType(recordType())))))
                 .bind("used")),
          unless(isExpansionInSystemHeader()))
          .bind("use"));

  // `Client &instance() { static Client c; return c; }`: the static is
  // closed through its accessor, `instance().close()`. A copy returned by
  // value would be closed instead, unless it shares the object.
  auto StaticLocal = declRefExpr(to(varDecl(isStaticLocal()).bind("returned")));
  auto SharesObject = qualType(anyOf(
      referenceType(), pointerType(),
      hasCanonicalType(recordType(hasDeclaration(
          cxxRecordDecl(hasName("::std::shared_ptr")))))));
  // Plain C++ first: a returned value that may name a static local, from a
  // function returning a reference, a pointer or a class (SharesObject
  // needs one of them).
  Rules.add<ReturnStmt>(
      [](const ReturnStmt &Return, internal::ASTMatchFinder &Finder) {
        if (!Return.getRetValue() || !mayNameStaticLocal(*Return.getRetValue()))
          return false;
        Ancestry &Index = Ancestry::of(Finder.getASTContext());
        return Index.anyEnclosing(Return, [&](const Decl &Enclosing) {
          const FunctionDecl *Function = Index.nearestFunction(Enclosing);
          if (!Function)
            return false;
          QualType Result = Function->getReturnType();
          return Result->isReferenceType() || Result->isPointerType() ||
                 Result->getCanonicalTypeInternal()->isRecordType();
        });
      },
      returnStmt(
          matchers::inFunction(
              functionDecl(returns(SharesObject)).bind("accessor")),
          hasReturnValue(expr(anyOf(StaticLocal, hasDescendant(StaticLocal)))),
          unless(isExpansionInSystemHeader())));
  auto AccessorCall = callExpr(unless(cxxOperatorCallExpr()),
                               callee(functionDecl().bind("closed_accessor")));
  std::vector<StringRef> Names(ShutdownMethodNames.begin(),
                               ShutdownMethodNames.end());
  std::vector<std::string> ClosingNames = ShutdownMethodNames;
  ClosingNames.push_back("reset");
  NameSet Closing(ClosingNames);
  Rules.add<CXXMemberCallExpr>(
      [Closing](const CXXMemberCallExpr &Call, internal::ASTMatchFinder &) {
        return Closing.containsCalleeOf(Call);
      },
      cxxMemberCallExpr(
          callee(cxxMethodDecl(
              anyOf(hasAnyName(Names),
                    allOf(hasName("reset"),
                          ofClass(hasAnyName("::std::unique_ptr",
                                             "::std::shared_ptr")))))),
          on(ignoringParenImpCasts(
              anyOf(AccessorCall,
                    cxxOperatorCallExpr(
                        hasAnyOverloadedOperatorName("->", "*"),
                        hasArgument(0, ignoringParenImpCasts(AccessorCall))),
                    unaryOperator(hasOperatorName("*"),
                                  hasUnaryOperand(
                                      ignoringParenImpCasts(AccessorCall)))))),
          unless(isExpansionInSystemHeader())));
  Rules.registerWith(*Finder, this);
}

void GlobalConnectionCheck::check(const MatchFinder::MatchResult &Result) {
  Context = Result.Context;
  const auto &Nodes = Result.Nodes;
  if (const auto *Var = Nodes.getNodeAs<VarDecl>("variable")) {
    Definitions.insert(Var);
  } else if (const auto *Ref = Nodes.getNodeAs<DeclRefExpr>("use")) {
    recordUse(*Ref, *Nodes.getNodeAs<VarDecl>("used"), *Result.Context);
  } else if (const auto *Returned = Nodes.getNodeAs<VarDecl>("returned")) {
    auto &Functions = Accessors[Returned->getCanonicalDecl()];
    const auto *Accessor = Nodes.getNodeAs<FunctionDecl>("accessor");
    if (!llvm::is_contained(Functions, Accessor->getCanonicalDecl()))
      Functions.push_back(Accessor->getCanonicalDecl());
  } else if (const auto *Closed =
                 Nodes.getNodeAs<FunctionDecl>("closed_accessor")) {
    ClosedAccessors.insert(Closed->getCanonicalDecl());
  }
}

bool GlobalConnectionCheck::isShutdownMethod(const NamedDecl &Method) const {
  return isNamedIn(Method, ShutdownMethodNames) ||
         isSmartPointerReset(&Method);
}

void GlobalConnectionCheck::recordUse(const DeclRefExpr &Ref,
                                      const VarDecl &Var,
                                      ASTContext &Context) {
  VariableFacts &Facts = Variables[Var.getCanonicalDecl()];
  const Expr *Object = &Ref;
  const Stmt *User = user(Object, Context);
  const NamedDecl *Method = nullptr;
  bool KeepsReplacement = false;

  if (const auto *Member = dyn_cast_or_null<MemberExpr>(User)) {
    // `g->m` on a raw pointer, `g.m` on an object or a smart pointer.
    Method = Member->getMemberDecl();
    KeepsReplacement =
        Member->isArrow() ||
        (isStdSmartPointer(Var.getType()->getAsCXXRecordDecl()) && Method &&
         Method->getIdentifier() && Method->getName() == "get");
  } else if (const auto *Operator =
                 dyn_cast_or_null<CXXOperatorCallExpr>(User)) {
    OverloadedOperatorKind Kind = Operator->getOperator();
    if (Kind == OO_Arrow ||
        (Kind == OO_Star && Operator->getNumArgs() == 1)) {
      Method = memberNamedOn(Operator, Context);
      KeepsReplacement = true;
    } else if (Kind == OO_Equal && Operator->getArg(0) == Object) {
      if (isNullPointer(Operator->getArg(1), Context))
        Facts.IsReleased = true;
    }
  } else if (const auto *Unary = dyn_cast_or_null<UnaryOperator>(User)) {
    if (Unary->getOpcode() == UO_Deref) {
      Method = memberNamedOn(Unary, Context);
      KeepsReplacement = true;
    } else if (Unary->getOpcode() == UO_AddrOf) {
      // Whoever gets the address may delete or close it.
      if (Var.isStaticLocal() && !Var.getType()->isPointerType() &&
          isReturned(Unary, Context))
        Facts.ReturnedByAddress = true;
      else
        Facts.IsReleased = true;
    }
  } else if (isa_and_nonnull<CXXDeleteExpr>(User)) {
    Facts.IsReleased = true;
  } else if (const auto *Assign = dyn_cast_or_null<BinaryOperator>(User)) {
    if (Assign->getOpcode() == BO_Assign && Assign->getLHS() == Object &&
        asOwningNew(Assign->getRHS()) &&
        Facts.AssignedNew.isInvalid())
      Facts.AssignedNew = Assign->getOperatorLoc();
  } else if (const auto *Construct = dyn_cast_or_null<CXXConstructExpr>(User)) {
    // A raw pointer adopted: `std::unique_ptr<Client> Owner(g)`.
    if (Var.getType()->isPointerType() &&
        isStdSmartPointer(Construct->getConstructor()->getParent()))
      Facts.IsReleased = true;
  } else if (const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(User)) {
    // A raw pointer adopted: `Owner.reset(g)`.
    if (Var.getType()->isPointerType() &&
        isSmartPointerReset(Call->getMethodDecl()) &&
        Call->getImplicitObjectArgument() != Object)
      Facts.IsReleased = true;
  }

  if (Method && isShutdownMethod(*Method))
    Facts.IsReleased = true;
  if (!KeepsReplacement)
    Facts.BlocksReplacement = true;
}

void GlobalConnectionCheck::onEndOfTranslationUnit() {
  for (const VarDecl *Var : Definitions) {
    if (Var->getType()->isDependentType() || Var->isConstexpr() ||
        Var->hasAttr<ConstInitAttr>())
      continue;
    std::optional<ConnectionLikeType> Connection =
        Classifier.classify(Var->getType());
    if (!Connection)
      continue;
    diagnose(*Var, *Connection, Variables.lookup(Var->getCanonicalDecl()));
  }
  // No match at all (Context unset): nothing to export.
  if (!FactsDirectory.empty() && Context)
    exportFacts();
  Definitions.clear();
  Variables.clear();
  Accessors.clear();
  ClosedAccessors.clear();
  MayBeShutDownElsewhere.clear();
  Undecided.clear();
  Classifier.reset();
}

void GlobalConnectionCheck::exportFacts() const {
  // Rule 2's and rule 3's findings; the findings this TU cannot decide; the
  // globals it deletes, closes or resets, or assigns `new` without defining
  // them; the functions on whose result it calls a shutdown-like method.
  // leakguard-run drops a finding when any TU shuts the variable down,
  // directly or through an accessor, and reports an undecided one when it
  // is created (here or by a `new` elsewhere) and no TU shuts it down.
  const SourceManager &SM = Context->getSourceManager();
  // A static's accessors: closing their result closes it.
  auto AddAccessors = [&](const VarDecl &Var, llvm::json::Object &Global) {
    std::set<std::string> Usrs;
    for (const FunctionDecl *Accessor :
         Accessors.lookup(Var.getCanonicalDecl()))
      if (std::optional<std::string> Usr = facts::usrOf(*Accessor))
        Usrs.insert(*Usr);
    if (!Usrs.empty())
      Global["accessors"] = llvm::json::Array(Usrs);
  };
  llvm::json::Array Globals;
  for (const VarDecl *Var : MayBeShutDownElsewhere) {
    std::optional<std::string> Usr = facts::usrOf(*Var);
    if (!Usr)
      continue;
    llvm::json::Object Global{
        {"usr", *Usr}, {"finding", facts::location(SM, Var->getLocation())}};
    AddAccessors(*Var, Global);
    Globals.push_back(std::move(Global));
  }
  for (const UndecidedFinding &F : Undecided) {
    std::optional<std::string> Usr = facts::usrOf(*F.Var);
    if (!Usr)
      continue;
    llvm::json::Object Global{
        {"usr", *Usr},
        {"definition", facts::location(SM, F.Var->getLocation())},
        {"message", F.Message},
        {"note", F.Note}};
    if (F.CreatedHere)
      Global["created_here"] = true;
    AddAccessors(*F.Var, Global);
    Globals.push_back(std::move(Global));
  }
  for (const auto &[Var, Facts] : Variables) {
    if (Var->isStaticLocal())
      continue;
    llvm::json::Object Global;
    if (Facts.IsReleased)
      Global["released"] = true;
    // Its defining TU decides whether it is a connection.
    if (Facts.AssignedNew.isValid() && !Var->getDefinition())
      Global["created"] = facts::location(SM, Facts.AssignedNew);
    if (Global.empty())
      continue;
    if (std::optional<std::string> Usr = facts::usrOf(*Var)) {
      Global["usr"] = *Usr;
      Globals.push_back(std::move(Global));
    }
  }
  std::set<std::string> ClosedAccessorUsrs;
  for (const FunctionDecl *Accessor : ClosedAccessors)
    if (std::optional<std::string> Usr = facts::usrOf(*Accessor))
      ClosedAccessorUsrs.insert(*Usr);
  if (Globals.empty() && ClosedAccessorUsrs.empty())
    return;
  llvm::json::Object Facts{{"globals", std::move(Globals)}};
  if (!ClosedAccessorUsrs.empty())
    Facts["closed_accessors"] = llvm::json::Array(ClosedAccessorUsrs);
  facts::write(FactsDirectory, "leak-global-connection", SM, std::move(Facts));
}

bool GlobalConnectionCheck::isClosedThroughAccessor(const VarDecl &Var) const {
  auto It = Accessors.find(Var.getCanonicalDecl());
  if (It == Accessors.end())
    return false;
  return llvm::any_of(It->second, [&](const FunctionDecl *Accessor) {
    return ClosedAccessors.contains(Accessor);
  });
}

void GlobalConnectionCheck::diagnose(const VarDecl &Var,
                                     const ConnectionLikeType &Connection,
                                     const VariableFacts &Facts) {
  const bool IsRawPointer = Connection.How == Holding::RawPointer;
  const bool OwnsNew =
      IsRawPointer && (isCreatedWithNew(Var) || Facts.AssignedNew.isValid());
  const bool IsReleased = Facts.IsReleased || isClosedThroughAccessor(Var);
  const std::string Why = whyConnectionLike(Connection, *Context);
  // A lambda is named by what it captures: its closure type has no name.
  const CXXRecordDecl *Holder = Connection.Object->getAsCXXRecordDecl();
  const QualType Object = (Holder && Holder->isLambda() ? Connection.Connection
                                                         : Connection.Object)
                              .getUnqualifiedType();

  if (Var.isStaticLocal()) {
    // Rule 3: function-local static singletons.
    if (!FlagFunctionLocalStatics || isInMain(Var) || IsReleased)
      return;
    if (IsRawPointer) {
      if (!OwnsNew)
        return;
      diag(Var.getLocation(), "function-local static pointer %0 owns "
                              "connection-like %1 created with 'new' and "
                              "never deleted or closed%2")
          << &Var << Object << Why;
    } else {
      if (isConstantInitialized(Var))
        return;
      std::string Message =
          neverClosedStaticMessage(Var, Object, Why, *Context);
      if (Facts.ReturnedByAddress) {
        // The callers, in any TU, may close it: leakguard-run decides.
        if (!FactsDirectory.empty())
          Undecided.push_back({&Var, std::move(Message),
                               replacementAdvice(Object, *Context),
                               /*CreatedHere=*/true});
        return;
      }
      diag(Var.getLocation(), "%0") << Message;
    }
    // Another TU may close it through a function returning it.
    if (Accessors.count(Var.getCanonicalDecl()))
      MayBeShutDownElsewhere.push_back(&Var);
    noteReplacement(Var, Object);
    return;
  }

  const bool NeverReleased = OwnsNew && !IsReleased;
  if (!isConstantInitialized(Var)) {
    // Rule 1: created during static initialisation.
    {
      auto Diag = diag(Var.getLocation(),
                       "%select{global|static member}0 %1 creates "
                       "connection-like %2 during static initialisation, "
                       "before main() and in an order nobody controls%3")
                  << Var.isStaticDataMember() << &Var << Object << Why;
      if (std::optional<FixItHint> Fix =
              managedSingletonFix(Var, Connection, Facts))
        Diag << *Fix
             << Inserter.createIncludeInsertion(
                    Context->getSourceManager().getFileID(Var.getLocation()),
                    ManagedSingletonHeader);
    }
    if (NeverReleased)
      diag(Var.getLocation(),
           "and it is never deleted or closed in this translation unit",
           DiagnosticIDs::Note);
  } else if (NeverReleased) {
    // Rule 2: a raw owning pointer assigned later.
    diag(Var.getLocation(), "%0")
        << ownerPointerMessage(Var, Object, Why, *Context);
    if (Facts.AssignedNew.isValid())
      diag(Facts.AssignedNew, "created here", DiagnosticIDs::Note);
    MayBeShutDownElsewhere.push_back(&Var);
  } else if (IsRawPointer && !IsReleased && !FactsDirectory.empty()) {
    // Rule 2 if a TU that only declares it (`extern`) assigns it `new`.
    Undecided.push_back({&Var, ownerPointerMessage(Var, Object, Why, *Context),
                         replacementAdvice(Object, *Context),
                         /*CreatedHere=*/false});
    return;
  } else {
    return;
  }
  noteReplacement(Var, Object);
}

void GlobalConnectionCheck::noteReplacement(const VarDecl &Var,
                                            QualType Object) {
  diag(Var.getLocation(), "%0", DiagnosticIDs::Note)
      << replacementAdvice(Object, *Context);
}

std::optional<FixItHint> GlobalConnectionCheck::managedSingletonFix(
    const VarDecl &Var, const ConnectionLikeType &Connection,
    const VariableFacts &Facts) {
  // Only a pointer's uses (`->`, `*`, `.get()`) all stay valid.
  if (Connection.How == Holding::Value || Connection.HasCustomDeleter ||
      Facts.BlocksReplacement || Facts.AssignedNew.isValid() || Connection.Object.hasQualifiers())
    return std::nullopt;
  // A single declaration at namespace scope: a static member or an extern
  // declaration elsewhere would keep the old type.
  if (!Var.getDeclContext()->getRedeclContext()->isFileContext() ||
      Var.getPreviousDecl() || Var.getMostRecentDecl() != &Var ||
      !isAloneInItsDeclaration(Var))
    return std::nullopt;
  SourceLocation Begin = Var.getTypeSpecStartLoc();
  SourceLocation End = Var.getEndLoc();
  if (Begin.isMacroID() || End.isMacroID() || Var.getLocation().isMacroID())
    return std::nullopt;

  std::optional<std::string> ObjectText =
      writtenObjectType(Var, Connection.How, *Context);
  if (!ObjectText)
    ObjectText = typeText(Connection.Object, *Context);

  const Expr *Creation = ownedCreation(Var.getInit());
  std::string Body;
  QualType Created;
  if (const CXXNewExpr *New = asSingleNew(Creation)) {
    // A std::unique_ptr would delete it a second time.
    if (isOwnedByQtParent(*New))
      return std::nullopt;
    Created = New->getAllocatedType();
    std::string CreatedText = sourceText(
        CharSourceRange::getTokenRange(
            New->getAllocatedTypeSourceInfo()->getTypeLoc().getSourceRange()),
        *Context);
    switch (New->getInitializationStyle()) {
    case compat::NewWithoutInit:
      Body = "std::make_unique<" + CreatedText + ">()";
      break;
    case compat::NewWithParens: {
      SourceRange Parens = New->getDirectInitRange();
      Body = "std::make_unique<" + CreatedText + ">(" +
             sourceText(CharSourceRange::getCharRange(
                            Parens.getBegin().getLocWithOffset(1),
                            Parens.getEnd()),
                        *Context) +
             ")";
      break;
    }
    default:
      // `new Client{...}` may be aggregate initialisation, which
      // std::make_unique cannot do before C++20: keep the expression.
      Body = "std::unique_ptr<" + *ObjectText + ">(" +
             sourceText(CharSourceRange::getTokenRange(New->getSourceRange()),
                        *Context) +
             ")";
      Created = Connection.Object;
      break;
    }
  } else if (const CallExpr *Make = asMakeSmartPointer(Creation)) {
    const auto *Callee =
        dyn_cast<DeclRefExpr>(Make->getCallee()->IgnoreParenImpCasts());
    if (!Callee || Callee->getNumTemplateArgs() != 1)
      return std::nullopt;
    const TemplateArgumentLoc &Argument = Callee->getTemplateArgs()[0];
    if (Argument.getArgument().getKind() != TemplateArgument::Type ||
        Argument.getArgument().getAsType()->isArrayType())
      return std::nullopt;
    Created = Argument.getArgument().getAsType();
    std::string Arguments;
    if (Make->getNumArgs() > 0)
      Arguments = sourceText(
          CharSourceRange::getCharRange(Make->getArg(0)->getBeginLoc(),
                                        Make->getRParenLoc()),
          *Context);
    Body = "std::make_unique<" +
           sourceText(CharSourceRange::getTokenRange(
                          Argument.getSourceRange()),
                      *Context) +
           ">(" + Arguments + ")";
  } else {
    // A factory call: who owns its result is not visible here.
    return std::nullopt;
  }

  // A captureless lambda returning exactly std::unique_ptr<T> keeps the
  // singleton constant-initialised; a derived class needs the return type.
  std::string Lambda =
      Context->hasSameUnqualifiedType(Created, Connection.Object)
          ? "[] { return " + Body + "; }"
          : "[]() -> std::unique_ptr<" + *ObjectText + "> { return " + Body +
                "; }";
  return FixItHint::CreateReplacement(
      CharSourceRange::getTokenRange(Begin, End),
      "leakguard::managed_singleton<" + *ObjectText + "> " +
          Var.getNameAsString() + "{" + Lambda + "}");
}

} // namespace clang::tidy::leakguard
