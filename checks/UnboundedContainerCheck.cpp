//===--- UnboundedContainerCheck.cpp - leakguard --------------------------===//

#include "UnboundedContainerCheck.h"
#include "common/Compat.h"
#include "common/LeakMatchers.h"
#include "common/Preconditions.h"
#include "common/RuleSet.h"
#include "common/WholeProgramFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/TypeLoc.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

namespace {

/// The bounded replacement a container can be rewritten to mechanically.
struct Replacement {
  StringRef Type;
  StringRef Header;
  /// Members the replacement provides; a member using anything else
  /// would not compile after the rewrite.
  std::vector<StringRef> Api;
  /// Template arguments of the original carried over (the rest must be
  /// defaulted for the rewrite to be exact).
  unsigned CarriedArgs;
};

const Replacement RingBuffer{
    "leakguard::ring_buffer",
    "<leakguard/ring_buffer.hpp>",
    {"push_back", "emplace_back", "pop_back", "pop_front", "front", "back",
     "at", "operator[]", "size", "max_size", "capacity", "empty", "full",
     "clear", "begin", "end", "cbegin", "cend", "rbegin", "rend", "crbegin",
     "crend", "reserve", "swap", "operator=", "operator==", "operator!="},
    2};

const Replacement LruMap{
    "leakguard::lru_map",
    "<leakguard/lru_map.hpp>",
    {"find", "operator[]", "insert", "emplace", "try_emplace",
     "insert_or_assign", "erase", "contains", "count", "at", "size", "empty",
     "clear", "begin", "end", "cbegin", "cend", "swap", "operator="},
    4};

const std::vector<std::string> MapLikeNames = {
    "::std::map", "::std::multimap", "::std::unordered_map",
    "::std::unordered_multimap"};

const std::vector<std::string> StringNames = {"::std::basic_string"};

// Template arguments as written in the type; empty when the type is not a
// visible template specialization (an alias, a typedef).
std::optional<TemplateSpecializationTypeLoc> writtenSpecialization(TypeLoc TL) {
  TL = compat::withoutElaboration(TL);
  if (auto Spec = TL.getAs<TemplateSpecializationTypeLoc>())
    return Spec;
  return std::nullopt;
}

std::optional<QualType> firstTemplateArgument(QualType Container) {
  const Type *T = Container->getUnqualifiedDesugaredType();
  ArrayRef<TemplateArgument> Args;
  if (const auto *Record = T->getAsCXXRecordDecl()) {
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(Record))
      Args = Spec->getTemplateArgs().asArray();
  } else if (const auto *Spec = dyn_cast<TemplateSpecializationType>(T)) {
    Args = Spec->template_arguments();
  }
  if (Args.empty() || Args[0].getKind() != TemplateArgument::Type)
    return std::nullopt;
  return Args[0].getAsType();
}

StringRef templateName(QualType Type) {
  const TemplateDecl *Template = specializedTemplate(Type);
  return Template && Template->getIdentifier() ? Template->getName() : "";
}

/// A map or set with unique keys drawn from an enum or bool holds at most
/// as many entries as the key type has values.
bool hasBoundedKeyDomain(QualType Type) {
  StringRef Name = templateName(Type);
  bool UniqueKeyed =
      (compat::endsWith(Name, "map") || compat::endsWith(Name, "set")) &&
      !Name.contains("multi");
  if (!UniqueKeyed)
    return false;
  std::optional<QualType> Key = firstTemplateArgument(Type);
  return Key && ((*Key)->isEnumeralType() || (*Key)->isBooleanType());
}

const Replacement *replacementFor(QualType Type) {
  const TemplateDecl *Template = specializedTemplate(Type);
  if (!Template || !Template->isInStdNamespace())
    return nullptr;
  StringRef Name = Template->getName();
  if (Name == "vector" || Name == "deque")
    return &RingBuffer;
  if (Name == "unordered_map")
    return &LruMap;
  return nullptr;
}

/// The note at the member naming what bounds it.
StringRef replacementNote(QualType Type) {
  const Replacement *Target = replacementFor(Type);
  if (Target == &RingBuffer)
    return "'leakguard::ring_buffer' keeps only the newest elements";
  if (Target == &LruMap)
    return "'leakguard::lru_map' evicts the least recently used entries";
  return "bound it: remove the oldest elements where it grows, past a "
         "fixed limit";
}


bool isDefinedHere(const FunctionDecl &Function) {
  return Function.isDefined() || Function.isDefaulted() ||
         Function.isDeleted() || compat::isPureVirtual(Function);
}

/// Calls Visit for each user-declared member function of Record and of its
/// nested classes (which share its access), templates through their
/// pattern; stops early when Visit returns false.
bool forEachMemberFunction(
    const CXXRecordDecl &Record,
    llvm::function_ref<bool(const CXXMethodDecl &)> Visit) {
  for (const Decl *Member : Record.decls()) {
    if (Member->isImplicit())
      continue;
    if (const auto *Template = dyn_cast<FunctionTemplateDecl>(Member))
      Member = Template->getTemplatedDecl();
    if (const auto *Method = dyn_cast<CXXMethodDecl>(Member)) {
      if (!Visit(*Method))
        return false;
    } else if (const auto *Nested = dyn_cast<CXXRecordDecl>(Member)) {
      if (Nested->isThisDeclarationADefinition() &&
          !forEachMemberFunction(*Nested, Visit))
        return false;
    }
  }
  return true;
}

/// Every member function is defined in this translation unit, so no other
/// translation unit can touch the class's private members.
bool isEveryMemberFunctionDefinedHere(const CXXRecordDecl &Record) {
  return forEachMemberFunction(Record, [](const CXXMethodDecl &Method) {
    return isDefinedHere(Method);
  });
}

/// Adds {"usr", "defined"} for each member function
/// isEveryMemberFunctionDefinedHere looks at.
void collectMemberFunctions(const CXXRecordDecl &Record,
                            llvm::json::Array &Out) {
  forEachMemberFunction(Record, [&Out](const CXXMethodDecl &Method) {
    if (std::optional<std::string> Usr = facts::usrOf(Method))
      Out.push_back(llvm::json::Object{{"usr", *Usr},
                                       {"defined", isDefinedHere(Method)}});
    return true;
  });
}

/// The warning's text, as diag() formats it, for findings the driver makes.
std::string growthMessage(const FieldDecl &Member,
                          const PrintingPolicy &Policy) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  OS << "member '";
  Member.getNameForDiagnostic(OS, Policy, /*Qualified=*/false);
  OS << "' of '";
  cast<CXXRecordDecl>(Member.getParent())
      ->getNameForDiagnostic(OS, Policy, /*Qualified=*/false);
  OS << "' grows without bound: elements are added but never removed";
  return Text;
}

bool isInitializedByConstructor(const FieldDecl &Field) {
  const auto *Record = dyn_cast<CXXRecordDecl>(Field.getParent());
  if (!Record)
    return false;
  for (const CXXConstructorDecl *Ctor : Record->ctors()) {
    const FunctionDecl *Definition = nullptr;
    if (!Ctor->isDefined(Definition))
      continue;
    for (const CXXCtorInitializer *Init :
         cast<CXXConstructorDecl>(Definition)->inits())
      if (Init->isWritten() && Init->getMember() == &Field)
        return true;
  }
  return false;
}

bool sharesDeclarationWithOtherMembers(const FieldDecl &Field) {
  for (const FieldDecl *Other : Field.getParent()->fields())
    if (Other != &Field && Other->getBeginLoc() == Field.getBeginLoc())
      return true;
  return false;
}

} // namespace

UnboundedContainerCheck::UnboundedContainerCheck(StringRef Name,
                                                 ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      ExtraContainerTypes(splitList(Options.get("ContainerTypes", ""))),
      DefaultCapacity(Options.get("DefaultCapacity", 1024U)),
      StrictMode(Options.get("StrictMode", false)),
      IgnoredGrowthFunctions(
          Options.get("IgnoredGrowthFunctions", "^[Ss]et([A-Z_].*)?$")),
      IgnoredGrowthFunctionsRegex(IgnoredGrowthFunctions),
      FactsDirectory(facts::exportDirectory()),
      Inserter(compat::includeInserter(
          Options.getLocalOrGlobal("IncludeStyle",
                                   utils::IncludeSorter::IS_LLVM),
          *Context)) {
  ContainerNames = standardContainerNames();
  ContainerNames.insert(ContainerNames.end(), ExtraContainerTypes.begin(),
                        ExtraContainerTypes.end());
}

void UnboundedContainerCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ContainerTypes", joinList(ExtraContainerTypes));
  Options.store(Opts, "DefaultCapacity", DefaultCapacity);
  Options.store(Opts, "StrictMode", StrictMode);
  Options.store(Opts, "IgnoredGrowthFunctions", IgnoredGrowthFunctions);
  Options.store(Opts, "IncludeStyle", Inserter.getStyle());
}

void UnboundedContainerCheck::registerPPCallbacks(const SourceManager &SM,
                                                  Preprocessor *PP,
                                                  Preprocessor *) {
  Inserter.registerPreprocessor(PP);
}

void UnboundedContainerCheck::registerMatchers(MatchFinder *Finder) {
  using namespace matchers;
  // Memoized per field: tested on every member reference the matchers
  // below look at (call arguments, objects of member calls).
  auto IsContainer =
      memoizedField(fieldDecl(hasType(containerType(ContainerNames))), *Finder);
  auto Member = memberReference(fieldDecl(IsContainer).bind("field"));
  auto MapMember = memberReference(
      fieldDecl(memoizedField(fieldDecl(hasType(containerType(MapLikeNames))),
                         *Finder))
          .bind("field"));
  auto StringMember = memberReference(
      fieldDecl(memoizedField(fieldDecl(hasType(containerType(StringNames))),
                         *Finder))
          .bind("field"));
  auto InFunction = inFunction(functionDecl().bind("function"));

  // Each rule below is registered with the others of its kind as one
  // matcher (common/RuleSet.h); the calls keep their order of preference.
  // Each has a precondition in plain C++ (common/Preconditions.h): every
  // fact is about a container member, which nearly no node names.
  RuleSet Rules;

  // The members themselves.
  Rules.add<FieldDecl>(
      [IsContainer](const FieldDecl &Field, internal::ASTMatchFinder &F) {
        return holds(IsContainer, Field, F);
      },
      fieldDecl(unless(isExpansionInSystemHeader()), notInstantiated())
          .bind("member"));

  auto NamesContainer = [IsContainer](const Expr *E,
                                      internal::ASTMatchFinder &Finder) {
    const FieldDecl *Field = referencedField(E);
    return Field && holds(IsContainer, *Field, Finder);
  };
  auto ArgumentNamesContainer = [NamesContainer](const auto &Call,
                                                 internal::ASTMatchFinder &F) {
    return anyArgument(Call, [&](const Expr *E) { return NamesContainer(E, F); });
  };
  NodeTest<ReturnStmt> ReturnsContainer =
      [NamesContainer](const ReturnStmt &Return, internal::ASTMatchFinder &F) {
        return Return.getRetValue() && NamesContainer(Return.getRetValue(), F);
      };
  NodeTest<DeclStmt> InitializesFromContainer =
      [NamesContainer](const DeclStmt &Declaration,
                       internal::ASTMatchFinder &F) {
        return llvm::any_of(Declaration.decls(), [&](const Decl *D) {
          const auto *Variable = dyn_cast<VarDecl>(D);
          return Variable && Variable->getAnyInitializer() &&
                 NamesContainer(Variable->getAnyInitializer(), F);
        });
      };
  NodeTest<CallExpr> CallWithContainerArgument = ArgumentNamesContainer;
  NodeTest<CXXConstructExpr> ConstructionFromContainer = ArgumentNamesContainer;

  // Growth: element-adding methods, map subscripts, string appends.
  NameSet GrowthNames(growthMethodNames());
  Rules.add<CallExpr>(
      [=](const CallExpr &Call, internal::ASTMatchFinder &F) {
        if (isOperatorCall(Call, OO_Subscript) ||
            isOperatorCall(Call, OO_PlusEqual))
          return Call.getNumArgs() > 0 && NamesContainer(Call.getArg(0), F);
        return GrowthNames.containsCalleeOf(Call) &&
               NamesContainer(calledObject(Call), F);
      },
      callExpr(anyOf(methodCallOn(Member, growthMethodNames()),
                     cxxOperatorCallExpr(hasOverloadedOperatorName("[]"),
                                         hasArgument(0, MapMember)),
                     cxxOperatorCallExpr(hasOverloadedOperatorName("+="),
                                         hasArgument(0, StringMember))),
               optionally(InFunction))
          .bind("growth"));
  Rules.add<ArraySubscriptExpr>(
      [NamesContainer](const ArraySubscriptExpr &Subscript,
                       internal::ASTMatchFinder &F) {
        return NamesContainer(Subscript.getBase(), F);
      },
      arraySubscriptExpr(hasBase(MapMember), optionally(InFunction))
          .bind("growth"));

  // Removal: shrinking methods, std::erase / swap / exchange / move,
  // assignment, list operations that take the elements out.
  std::vector<std::string> SplicingMethods = {"splice", "splice_after",
                                              "merge"};
  std::vector<std::string> RemovingNames = removalMethodNames();
  llvm::append_range(RemovingNames, removalFreeFunctionNames());
  llvm::append_range(RemovingNames, SplicingMethods);
  NameSet RemovalNames(RemovingNames);
  Rules.add<CallExpr>(
      [=](const CallExpr &Call, internal::ASTMatchFinder &F) {
        if (isOperatorCall(Call, OO_Equal))
          return Call.getNumArgs() > 0 && NamesContainer(Call.getArg(0), F);
        return RemovalNames.containsCalleeOf(Call) &&
               (NamesContainer(calledObject(Call), F) ||
                ArgumentNamesContainer(Call, F));
      },
      callExpr(
          anyOf(methodCallOn(Member, removalMethodNames()),
                callExpr(hasAnyArgument(Member),
                         callee(functionDecl(hasAnyName(std::vector<StringRef>(
                             removalFreeFunctionNames().begin(),
                             removalFreeFunctionNames().end()))))),
                cxxOperatorCallExpr(hasOverloadedOperatorName("="),
                                    hasArgument(0, Member)),
                cxxMemberCallExpr(hasAnyArgument(Member),
                                  callee(cxxMethodDecl(hasAnyName(
                                      "splice", "splice_after", "merge"))))))
          .bind("removal"));
  Rules.add<BinaryOperator>(
      [NamesContainer](const BinaryOperator &Assignment,
                       internal::ASTMatchFinder &F) {
        return Assignment.getOpcode() == BO_Assign &&
               NamesContainer(Assignment.getLHS(), F);
      },
      binaryOperator(hasOperatorName("="), hasLHS(Member)).bind("removal"));

  // Escape: someone else may modify it, so the verdict is unknown.
  auto MutableReference =
      qualType(anyOf(lValueReferenceType(pointee(unless(isConstQualified()))),
                     pointerType(pointee(unless(isConstQualified())))));
  Rules.add<CallExpr>(
      CallWithContainerArgument,
      callExpr(forEachArgumentWithParam(Member, mutableByReferenceParam()))
          .bind("escape"));
  Rules.add<CXXConstructExpr>(
      ConstructionFromContainer,
      cxxConstructExpr(
          forEachArgumentWithParam(Member, mutableByReferenceParam()))
          .bind("escape"));
  Rules.add<UnaryOperator>(
      [NamesContainer](const UnaryOperator &AddressOf,
                       internal::ASTMatchFinder &F) {
        return AddressOf.getOpcode() == UO_AddrOf &&
               NamesContainer(AddressOf.getSubExpr(), F);
      },
      unaryOperator(hasOperatorName("&"), hasUnaryOperand(Member))
          .bind("escape"));
  Rules.add<ReturnStmt>(
      ReturnsContainer,
      returnStmt(hasReturnValue(Member),
                 inFunction(functionDecl(returns(MutableReference))))
          .bind("escape"));
  Rules.add<DeclStmt>(
      InitializesFromContainer,
      declStmt(has(varDecl(hasInitializer(Member), hasType(MutableReference))))
          .bind("escape"));
  Rules.add<CXXConstructorDecl>(
      [NamesContainer](const CXXConstructorDecl &Constructor,
                       internal::ASTMatchFinder &F) {
        return llvm::any_of(Constructor.inits(),
                            [&](const CXXCtorInitializer *Initializer) {
                              return NamesContainer(Initializer->getInit(), F);
                            });
      },
      cxxConstructorDecl(
          forEachConstructorInitializer(cxxCtorInitializer(
              forField(hasType(MutableReference)), withInitializer(Member))))
          .bind("escape"));

  // Uses a bounded replacement could not take over unchanged.
  Rules.add<CXXMemberCallExpr>(
      [NamesContainer](const CXXMemberCallExpr &Call,
                       internal::ASTMatchFinder &F) {
        return NamesContainer(Call.getImplicitObjectArgument(), F);
      },
      cxxMemberCallExpr(on(Member)).bind("call"));
  Rules.add<CallExpr>(
      CallWithContainerArgument,
      callExpr(
          anyOf(callExpr(hasAnyArgument(Member), unless(cxxOperatorCallExpr()),
                         unless(cxxMemberCallExpr(on(Member)))),
                cxxOperatorCallExpr(hasAnyArgument(Member),
                                    unless(hasArgument(0, Member)))))
          .bind("blocker"));
  Rules.add<CXXConstructExpr>(
      ConstructionFromContainer,
      cxxConstructExpr(hasAnyArgument(Member)).bind("blocker"));
  Rules.add<ReturnStmt>(ReturnsContainer,
                        returnStmt(hasReturnValue(Member)).bind("blocker"));
  Rules.add<DeclStmt>(
      InitializesFromContainer,
      declStmt(has(varDecl(hasInitializer(Member)))).bind("blocker"));
  Rules.registerWith(*Finder, this);
}

void UnboundedContainerCheck::check(const MatchFinder::MatchResult &Result) {
  Context = Result.Context;
  const auto &Nodes = Result.Nodes;
  if (const auto *Declared = Nodes.getNodeAs<FieldDecl>("member")) {
    Members[Declared];
    return;
  }
  const auto *Field = Nodes.getNodeAs<FieldDecl>("field");
  if (!Field)
    return;
  MemberFacts &Facts = Members[&instantiationPattern(*Field)];

  if (const auto *Growth = Nodes.getNodeAs<Expr>("growth")) {
    const auto *Function = Nodes.getNodeAs<FunctionDecl>("function");
    // Filling in a constructor or a default member initializer happens
    // once per object.
    if (!Function || isa<CXXConstructorDecl>(Function))
      return;
    // A setter stores what its caller configures, once per setting.
    if (!IgnoredGrowthFunctions.empty() && Function->getIdentifier() &&
        IgnoredGrowthFunctionsRegex.match(Function->getName()))
      return;
    Facts.GrowsOutsideConstructor = true;
    SourceLocation Site = Result.SourceManager->getExpansionLoc(
        Growth->getExprLoc());
    if (!llvm::is_contained(Facts.GrowthSites, Site))
      Facts.GrowthSites.push_back(Site);
  } else if (Nodes.getNodeAs<Stmt>("removal")) {
    Facts.IsRemoved = true;
  } else if (Nodes.getNodeAs<Stmt>("escape") ||
             Nodes.getNodeAs<CXXConstructorDecl>("escape")) {
    Facts.Escapes = true;
  } else if (const auto *Call = Nodes.getNodeAs<CXXMemberCallExpr>("call")) {
    if (const CXXMethodDecl *Method = Call->getMethodDecl())
      Facts.CalledMethods.insert(Method->getNameAsString());
  } else if (Nodes.getNodeAs<Stmt>("blocker")) {
    Facts.BlocksReplacement = true;
  }
}

void UnboundedContainerCheck::onEndOfTranslationUnit() {
  if (!FactsDirectory.empty() && !Members.empty())
    exportFacts();
  for (const auto &[Field, Facts] : Members) {
    if (!Facts.GrowsOutsideConstructor || Facts.IsRemoved)
      continue;
    if (Facts.Escapes && !StrictMode)
      continue;
    const auto *Record = dyn_cast<CXXRecordDecl>(Field->getParent());
    if (!Record || hasBoundedKeyDomain(Field->getType()))
      continue;
    // Listener storage is leak-listener-not-removed's business.
    if (holdsCallables(Field->getType()))
      continue;
    // Anyone may trim a public member, and friends or member functions
    // defined elsewhere may trim a private one: only the whole program
    // can tell.
    bool OthersMayTouch = Field->getAccess() == AS_public ||
                          Record->hasFriends() ||
                          !isEveryMemberFunctionDefinedHere(*Record);
    if (OthersMayTouch && !StrictMode)
      continue;
    diagnose(*Field, Facts);
  }
  Members.clear();
}

std::optional<FixItHint>
UnboundedContainerCheck::replacementFix(const FieldDecl &Member,
                                        const MemberFacts &Facts,
                                        StringRef &Header) {
  const Replacement *Target = replacementFor(Member.getType());
  if (!Target || Facts.BlocksReplacement || Facts.Escapes ||
      Member.hasInClassInitializer() || isInitializedByConstructor(Member) ||
      sharesDeclarationWithOtherMembers(Member) ||
      Member.getLocation().isMacroID() || Member.getBeginLoc().isMacroID())
    return std::nullopt;
  for (const auto &Called : Facts.CalledMethods)
    if (!llvm::is_contained(Target->Api, Called.getKey()))
      return std::nullopt;

  std::optional<TemplateSpecializationTypeLoc> Written =
      writtenSpecialization(Member.getTypeSourceInfo()->getTypeLoc());
  if (!Written || Written->getNumArgs() > Target->CarriedArgs)
    return std::nullopt;
  const SourceManager &SM = Context->getSourceManager();
  const LangOptions &LangOpts = Context->getLangOpts();
  std::string Text = (Target->Type + "<").str();
  for (unsigned I = 0, E = Written->getNumArgs(); I != E; ++I) {
    CharSourceRange ArgRange = CharSourceRange::getTokenRange(
        Written->getArgLoc(I).getSourceRange());
    Text += (I ? ", " : "");
    Text += Lexer::getSourceText(ArgRange, SM, LangOpts);
  }
  Text += ">";

  SourceRange TypeRange = Member.getTypeSourceInfo()->getTypeLoc()
                              .getSourceRange();
  Header = Target->Header;
  return FixItHint::CreateReplacement(
      CharSourceRange::getTokenRange(TypeRange), Text);
}

void UnboundedContainerCheck::diagnose(const FieldDecl &Member,
                                       const MemberFacts &Facts) {
  const SourceManager &SM = Context->getSourceManager();
  StringRef Header;
  std::optional<FixItHint> TypeFix = replacementFix(Member, Facts, Header);
  {
    auto Diag = diag(Member.getLocation(),
                     "member %0 of %1 grows without bound: elements are "
                     "added but never removed")
                << &Member << cast<CXXRecordDecl>(Member.getParent());
    if (TypeFix) {
      Diag << *TypeFix
           << FixItHint::CreateInsertion(
                  Lexer::getLocForEndOfToken(Member.getLocation(), 0, SM,
                                             Context->getLangOpts()),
                  "{" + std::to_string(DefaultCapacity) + "}")
           << Inserter.createIncludeInsertion(
                  SM.getFileID(Member.getLocation()), Header);
    }
  }
  for (SourceLocation Site :
       ArrayRef<SourceLocation>(Facts.GrowthSites).take_front(3))
    diag(Site, "elements are added here", DiagnosticIDs::Note);

  diag(Member.getLocation(), replacementNote(Member.getType()),
       DiagnosticIDs::Note);
}

void UnboundedContainerCheck::exportFacts() const {
  const SourceManager &SM = Context->getSourceManager();
  llvm::json::Array ExportedMembers, ExportedClasses;
  llvm::SmallPtrSet<const CXXRecordDecl *, 8> Classes;
  for (const auto &[Field, Facts] : Members) {
    const auto *Record = dyn_cast<CXXRecordDecl>(Field->getParent());
    if (!Record || SM.isInSystemHeader(Field->getLocation()) ||
        hasBoundedKeyDomain(Field->getType()) ||
        holdsCallables(Field->getType()))
      continue;
    std::optional<std::string> Usr = facts::usrOf(*Field);
    std::optional<std::string> ClassUsr = facts::usrOf(*Record);
    if (!Usr || !ClassUsr)
      continue;
    // Every TU that sees the class tells which of its member functions it
    // defines, whether or not it touches the member.
    if (Classes.insert(Record).second) {
      llvm::json::Array Methods;
      collectMemberFunctions(*Record, Methods);
      ExportedClasses.push_back(llvm::json::Object{
          {"usr", *ClassUsr}, {"methods", std::move(Methods)}});
    }
    if (Facts.GrowthSites.empty() && !Facts.IsRemoved && !Facts.Escapes)
      continue;
    llvm::json::Array Growth;
    for (SourceLocation Site : Facts.GrowthSites)
      Growth.push_back(facts::location(SM, Site));
    ExportedMembers.push_back(llvm::json::Object{
        {"usr", *Usr},
        {"class", *ClassUsr},
        {"access", facts::accessName(Field->getAccess())},
        {"location", facts::location(SM, Field->getLocation())},
        {"message", growthMessage(*Field, Context->getPrintingPolicy())},
        {"note", replacementNote(Field->getType())},
        {"growth", std::move(Growth)},
        {"removed", Facts.IsRemoved},
        {"escapes", Facts.Escapes}});
  }
  facts::write(FactsDirectory, "leak-unbounded-container", SM,
               llvm::json::Object{{"strict", StrictMode},
                                  {"members", std::move(ExportedMembers)},
                                  {"classes", std::move(ExportedClasses)}});
}

} // namespace clang::tidy::leakguard
