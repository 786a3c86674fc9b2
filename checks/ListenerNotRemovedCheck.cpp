//===--- ListenerNotRemovedCheck.cpp - leakguard --------------------------===//

#include "ListenerNotRemovedCheck.h"
#include "common/Ancestry.h"
#include "common/Compat.h"
#include "common/Preconditions.h"
#include "common/RuleSet.h"
#include "common/ShutdownPaths.h"
#include "common/WholeProgramFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include <optional>

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

namespace {

/// Calls that drop every listener of a signal or emitter at once.
const std::vector<std::string> RemoveAllMethods = {
    "disconnect_all_slots", "remove_all_listeners", "removeAllListeners",
    "disconnect_all"};

/// Listener-adding methods of the SignalTypes classes, whatever the
/// SubscribeFunctions regex says.
const std::vector<std::string> SignalSubscribeMethods = {"connect", "on",
                                                         "once"};

/// Operations that take a container's elements out wholesale: what a queue
/// of pending callbacks does when it runs them.
const std::vector<std::string> DrainMethods = {"pop_front", "pop_back", "pop",
                                               "swap", "splice"};

bool isInTopLevelNamespace(const Decl &D, StringRef Name) {
  const DeclContext *Context =
      D.getDeclContext()->getEnclosingNamespaceContext();
  while (const auto *Namespace = dyn_cast<NamespaceDecl>(Context)) {
    if (isa<TranslationUnitDecl>(Namespace->getParent()->getRedeclContext()))
      return Namespace->getName() == Name;
    Context = Namespace->getParent()->getEnclosingNamespaceContext();
  }
  return false;
}

/// Listener storage, given a standard container type: its elements are
/// callables, or containers of them (a map from event name to a vector of
/// callbacks). A single std::function member is a callback slot, not
/// storage that grows, and is not a container.
AST_MATCHER(FieldDecl, hasCallableElements) {
  return holdsCallables(Node.getType());
}

AST_MATCHER_P(FunctionDecl, isSubscribeFunction,
              std::shared_ptr<ListenerNotRemovedCheck::NameFilter>, Filter) {
  return Filter->matches(Node);
}

bool isSharedPtr(QualType Type) {
  const auto *Record = Type.getNonReferenceType()->getAsCXXRecordDecl();
  return Record && Record->getIdentifier() &&
         Record->getName() == "shared_ptr" &&
         (Record->isInStdNamespace() ||
          isInTopLevelNamespace(*Record, "boost"));
}

bool isStdClass(QualType Type, std::initializer_list<StringRef> Names) {
  const auto *Record = Type.getNonReferenceType()->getAsCXXRecordDecl();
  return Record && Record->isInStdNamespace() && Record->getIdentifier() &&
         llvm::is_contained(Names, Record->getName());
}

/// What keeps a listener's targets reachable, or lets it outlive them.
struct LifetimeCapture {
  /// "'this'", "'x' by reference", "the shared_ptr 'self'".
  std::string Description;
  SourceLocation Location;
};

std::optional<LifetimeCapture> captureOfLambda(const LambdaExpr &Lambda) {
  for (const LambdaCapture &Capture : Lambda.captures()) {
    if (Capture.capturesThis()) {
      // [*this] copies the object: a value capture.
      if (Capture.getCaptureKind() == LCK_StarThis)
        continue;
      return LifetimeCapture{"'this'", Capture.getLocation()};
    }
    if (!Capture.capturesVariable())
      continue;
    const ValueDecl *Var = Capture.getCapturedVar();
    std::string Name = ("'" + Var->getName() + "'").str();
    if (Capture.getCaptureKind() == LCK_ByRef ||
        Var->getType()->isReferenceType())
      return LifetimeCapture{Name + " by reference", Capture.getLocation()};
    if (isSharedPtr(Var->getType()))
      return LifetimeCapture{"the shared_ptr " + Name, Capture.getLocation()};
    // [self = this] is `this` under another name.
    if (const auto *Init = dyn_cast<VarDecl>(Var);
        Init && Init->isInitCapture())
      if (isa_and_nonnull<CXXThisExpr>(
              Init->getInit() ? Init->getInit()->IgnoreParenImpCasts()
                              : nullptr))
        return LifetimeCapture{"'this' as " + Name, Capture.getLocation()};
  }
  return std::nullopt;
}

/// std::bind(&C::f, this, ...) and friends: bound `this`, shared_ptrs and
/// std::ref arguments.
std::optional<LifetimeCapture> captureOfBind(const CallExpr &Bind) {
  for (const Expr *Arg : llvm::drop_begin(Bind.arguments())) {
    const Expr *Bound = Arg->IgnoreUnlessSpelledInSource();
    if (isa<CXXThisExpr>(Bound))
      return LifetimeCapture{"'this'", Bound->getBeginLoc()};
    if (isSharedPtr(Bound->getType()))
      return LifetimeCapture{"a shared_ptr", Bound->getBeginLoc()};
    if (isStdClass(Bound->getType(), {"reference_wrapper"}))
      return LifetimeCapture{"a reference", Bound->getBeginLoc()};
  }
  return std::nullopt;
}

/// A hand-written function object holding references or shared_ptrs.
std::optional<LifetimeCapture> captureOfFunctor(const CXXRecordDecl &Functor) {
  for (const FieldDecl *Field : Functor.fields()) {
    std::string Name = ("'" + Field->getName() + "'").str();
    if (Field->getType()->isReferenceType())
      return LifetimeCapture{Name + " by reference", Field->getLocation()};
    if (isSharedPtr(Field->getType()))
      return LifetimeCapture{"the shared_ptr " + Name, Field->getLocation()};
  }
  return std::nullopt;
}

/// Looks through conversions to std::function / slot types, std::move, and
/// locals initialized with a lambda.
std::optional<LifetimeCapture> lifetimeCaptureOf(const Expr *E,
                                                 unsigned Depth = 0) {
  if (!E || Depth > 4)
    return std::nullopt;
  E = E->IgnoreUnlessSpelledInSource();
  if (const auto *Lambda = dyn_cast<LambdaExpr>(E))
    return captureOfLambda(*Lambda);
  if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E))
    return lifetimeCaptureOf(Cast->getSubExpr(), Depth + 1);
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
      Construct && Construct->getNumArgs() == 1)
    return lifetimeCaptureOf(Construct->getArg(0), Depth + 1);
  if (const auto *Call = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee || !Callee->getIdentifier())
      return std::nullopt;
    StringRef Name = Callee->getName();
    bool IsStd = Callee->isInStdNamespace();
    if (IsStd && (Name == "move" || Name == "forward") &&
        Call->getNumArgs() == 1)
      return lifetimeCaptureOf(Call->getArg(0), Depth + 1);
    if ((IsStd && (Name == "bind" || Name == "bind_front")) ||
        (Name == "bind" && isInTopLevelNamespace(*Callee, "boost")))
      return captureOfBind(*Call);
    return std::nullopt;
  }
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
    if (Var && !isa<ParmVarDecl>(Var) && Var->hasLocalStorage() &&
        !Var->getType()->isReferenceType())
      return lifetimeCaptureOf(Var->getInit(), Depth + 1);
    return std::nullopt;
  }
  const auto *Record = E->getType()->getAsCXXRecordDecl();
  if (Record && Record->hasDefinition() && !Record->isLambda() &&
      !Record->isInStdNamespace())
    return captureOfFunctor(*Record);
  return std::nullopt;
}

/// The emitter lives inside the subscribing object (a member held by value
/// or through a unique_ptr, or the object itself) or in a local of the
/// subscribing function: the listener goes with the emitter, no later than
/// what it captures.
bool isOwnedBySubscriber(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (isa<CXXThisExpr>(E))
    return true;
  if (const auto *Member = dyn_cast<MemberExpr>(E)) {
    const auto *Field = dyn_cast<FieldDecl>(Member->getMemberDecl());
    if (!Field || Field->getType()->isReferenceType() ||
        Field->getType()->isPointerType())
      return false;
    const Expr *Base = Member->getBase()->IgnoreParenImpCasts();
    // Through a raw pointer only `this` is known to be the owner; through
    // an overloaded `->`, the smart pointer decides below.
    if (Member->isArrow() && !isa<CXXOperatorCallExpr>(Base))
      return isa<CXXThisExpr>(Base);
    return isOwnedBySubscriber(Base);
  }
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
    return Var && Var->hasLocalStorage() &&
           !Var->getType()->isReferenceType() &&
           !Var->getType()->isPointerType();
  }
  // An accessor of an owned object hands out a part of it (or a proxy to
  // it): `button_.signal_clicked()`.
  if (const auto *Accessor = dyn_cast<CXXMemberCallExpr>(E))
    return isOwnedBySubscriber(Accessor->getImplicitObjectArgument());
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E))
    if ((Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
        Op->getNumArgs() == 1 &&
        isStdClass(Op->getArg(0)->getType(), {"unique_ptr", "optional"}))
      return isOwnedBySubscriber(Op->getArg(0));
  if (const auto *Deref = dyn_cast<UnaryOperator>(E);
      Deref && Deref->getOpcode() == UO_Deref)
    return isa<CXXThisExpr>(Deref->getSubExpr()->IgnoreParenImpCasts());
  return false;
}

/// The call is an expression statement (or the unused side of a comma):
/// its value goes nowhere. An explicit cast to void is a decision, not a
/// discard.
bool isResultDiscarded(const Expr &Call, ASTContext &Context) {
  const Stmt *Child = &Call;
  while (true) {
    const Stmt *Parent = Ancestry::of(Context).parentStatement(*Child);
    if (!Parent)
      return false;
    if (isa<ExprWithCleanups, CXXBindTemporaryExpr, MaterializeTemporaryExpr,
            ParenExpr>(Parent)) {
      Child = Parent;
      continue;
    }
    if (isa<CompoundStmt, SwitchCase, LabelStmt, AttributedStmt>(Parent))
      return true;
    if (const auto *If = dyn_cast<IfStmt>(Parent))
      return If->getThen() == Child || If->getElse() == Child;
    if (const auto *For = dyn_cast<ForStmt>(Parent))
      return For->getBody() == Child || For->getInc() == Child;
    if (const auto *While = dyn_cast<WhileStmt>(Parent))
      return While->getBody() == Child;
    if (const auto *Do = dyn_cast<DoStmt>(Parent))
      return Do->getBody() == Child;
    if (const auto *Range = dyn_cast<CXXForRangeStmt>(Parent))
      return Range->getBody() == Child;
    if (const auto *Comma = dyn_cast<BinaryOperator>(Parent);
        Comma && Comma->isCommaOp())
      return Comma->getLHS() == Child;
    return false;
  }
}

/// `Emitter &on(...)` returns the emitter for chaining, not a handle.
bool returnsItsEmitter(const FunctionDecl &Callee) {
  const auto *Method = dyn_cast<CXXMethodDecl>(&Callee);
  QualType Result = Callee.getReturnType();
  if (!Method || !(Result->isReferenceType() || Result->isPointerType()))
    return false;
  const auto *Returned = Result->getPointeeType()->getAsCXXRecordDecl();
  const CXXRecordDecl *Emitter = Method->getParent();
  return Returned &&
         (Returned->getCanonicalDecl() == Emitter->getCanonicalDecl() ||
          Emitter->isDerivedFrom(Returned) ||
          (Returned->hasDefinition() && Returned->isDerivedFrom(Emitter)));
}

/// A handle that removes its listener when destroyed: discarding it
/// disconnects at once (the compiler's [[nodiscard]] warning covers that
/// mistake), nothing is left behind.
bool returnsScopedHandle(const FunctionDecl &Callee) {
  const auto *Record = Callee.getReturnType()->getAsCXXRecordDecl();
  if (!Record || !Record->getIdentifier())
    return false;
  StringRef Name = Record->getName();
  return Name == "scoped_connection" ||
         (Name == "subscription" &&
          isInTopLevelNamespace(*Record, "leakguard"));
}

/// Where a call names its callee: `connect` in `QObject::connect(...)` and
/// in `sig.connect(...)`.
SourceLocation calleeNameLoc(const CallExpr &Call) {
  const Expr *Callee = Call.getCallee()->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(Callee))
    return Ref->getLocation();
  if (const auto *Member = dyn_cast<MemberExpr>(Callee))
    return Member->getMemberLoc();
  return Call.getExprLoc();
}

bool isQObject(const CXXRecordDecl *Record) {
  if (!Record || !Record->hasDefinition())
    return false;
  Record = Record->getDefinition();
  if (Record->getIdentifier() && Record->getName() == "QObject" &&
      Record->getDeclContext()->getRedeclContext()->isTranslationUnit())
    return true;
  return llvm::any_of(Record->bases(), [](const CXXBaseSpecifier &Base) {
    return isQObject(Base.getType()->getAsCXXRecordDecl());
  });
}

const CXXRecordDecl *recordOf(QualType Type) {
  if (const auto *Record = Type->getAsCXXRecordDecl())
    return Record->getDefinition();
  if (const TemplateDecl *Template = specializedTemplate(Type))
    if (const auto *Pattern =
            dyn_cast_or_null<CXXRecordDecl>(Template->getTemplatedDecl()))
      return Pattern->getDefinition();
  return nullptr;
}

/// The first of RemoveAllMethods the class or one of its bases declares.
std::optional<StringRef> removeAllMethodOf(const CXXRecordDecl *Record) {
  if (!Record)
    return std::nullopt;
  for (const std::string &Name : RemoveAllMethods)
    for (const CXXMethodDecl *Method : Record->methods())
      if (Method->getIdentifier() && Method->getName() == Name)
        return StringRef(Name);
  for (const CXXBaseSpecifier &Base : Record->bases())
    if (auto Name = removeAllMethodOf(recordOf(Base.getType())))
      return Name;
  return std::nullopt;
}

const char EmitterNote[] =
    "'leakguard::event_emitter' removes every listener with "
    "remove_all_listeners(), and its on() returns a "
    "'leakguard::subscription' that removes one";

bool isDefinedHere(const CXXMethodDecl &Method) {
  return Method.hasBody() && !compat::isPureVirtual(Method);
}

std::string quotedList(ArrayRef<std::string> Names) {
  std::string Text;
  for (size_t I = 0; I < Names.size(); ++I) {
    if (I)
      Text += I + 1 == Names.size() ? " and " : ", ";
    Text += Names[I];
  }
  return Text;
}

/// Asio's `connect` connects sockets: its callable is a connect condition
/// called during the call, not a listener.
bool isAsioFunction(const FunctionDecl &Function) {
  for (const DeclContext *Context = Function.getDeclContext(); Context;
       Context = Context->getParent())
    if (const auto *Namespace = dyn_cast<NamespaceDecl>(Context))
      if (Namespace->getName() == "asio")
        return true;
  return false;
}

// Preconditions: plain C++ necessary conditions of the rules below, tried
// first (see common/Preconditions.h).
using ast_matchers::internal::ASTMatchFinder;
using FieldMatcher = ast_matchers::internal::Matcher<FieldDecl>;

/// A memoized field matcher (which binds nothing) behind a plain
/// necessary condition of it: the matcher runs once per field, the plain
/// test (the name of the field's type, whether it holds callables) rules
/// out nearly every field before.
class FieldTest {
public:
  using Necessary = std::function<bool(const FieldDecl &)>;
  FieldTest(Necessary MayMatch, FieldMatcher Memoized)
      : MayMatch(std::move(MayMatch)), Memoized(std::move(Memoized)) {}

  bool operator()(const FieldDecl &Field, ASTMatchFinder &Finder) const {
    return MayMatch(Field) && matchers::holds(Memoized, Field, Finder);
  }

  /// \p E names a field the test accepts.
  bool isNamedBy(const Expr *E, ASTMatchFinder &Finder) const {
    const FieldDecl *Field = referencedField(E);
    return Field && (*this)(*Field, Finder);
  }

  /// The object or some argument of \p Call names a field the test
  /// accepts.
  bool isActedOnBy(const CallExpr &Call, ASTMatchFinder &Finder) const {
    return isNamedBy(calledObject(Call), Finder) ||
           anyArgument(Call, [&](const Expr *Argument) {
             return isNamedBy(Argument, Finder);
           });
  }

private:
  Necessary MayMatch;
  FieldMatcher Memoized;
};

/// The container a listener is added to, given the object an adding
/// method is called on: the member itself, or the member an element
/// access (`handlers_[event]`, `handlers_.at(event)`) is made on.
const Expr *containerOf(const Expr *Object) {
  const Expr *Inner = stripped(Object);
  if (const auto *Element = dyn_cast_or_null<CXXOperatorCallExpr>(Inner);
      Element && Element->getOperator() == OO_Subscript &&
      Element->getNumArgs() > 0)
    return Element->getArg(0);
  if (const auto *Access = dyn_cast_or_null<CXXMemberCallExpr>(Inner))
    return Access->getImplicitObjectArgument();
  return Object;
}

/// A member call on the caller's own object (`this`, written or not).
bool isOnOwnObject(const CXXMemberCallExpr &Call) {
  return isa_and_nonnull<CXXThisExpr>(
      stripped(Call.getImplicitObjectArgument()));
}

/// The method \p Call calls belongs to a class whose unqualified name is
/// in \p Classes (or has none, left to the full matcher).
bool isMethodOfClassNamedIn(const CallExpr &Call, const NameSet &Classes) {
  const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Call.getCalleeDecl());
  if (!Method)
    return false;
  const CXXRecordDecl *Class = Method->getParent();
  return !Class->getIdentifier() || Classes.contains(Class->getName());
}

/// The names of several lists, for one NameSet.
std::vector<std::string>
concatenated(std::initializer_list<
             std::reference_wrapper<const std::vector<std::string>>>
                 Lists) {
  std::vector<std::string> All;
  for (const std::vector<std::string> &List : Lists)
    All.insert(All.end(), List.begin(), List.end());
  return All;
}

} // namespace

bool ListenerNotRemovedCheck::NameFilter::matches(const NamedDecl &D) {
  const IdentifierInfo *Id = D.getIdentifier();
  if (!Id)
    return false;
  auto [It, Inserted] = Known.try_emplace(Id, false);
  if (Inserted)
    It->second = Pattern.match(Id->getName());
  return It->second;
}

ListenerNotRemovedCheck::ListenerNotRemovedCheck(StringRef Name,
                                                 ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      SignalTypes(splitList(Options.get(
          "SignalTypes", "::boost::signals2::signal;::sigslot::signal_base;"
                         "::leakguard::basic_event_emitter;"
                         "::leakguard::basic_event_bus"))),
      EmitterBases(splitList(Options.get(
          "EmitterBases",
          "::leakguard::basic_event_emitter;::leakguard::basic_event_bus"))),
      ShutdownMethods(
          splitList(Options.get("ShutdownMethods", defaultShutdownMethods()))),
      SubscribeFunctions(
          Options.get("SubscribeFunctions",
                      "^(on|once|add_?[Ll]istener|subscribe|connect)$")),
      SubscribeNames(std::make_shared<NameFilter>(SubscribeFunctions)),
      FactsDirectory(facts::exportDirectory()) {}

void ListenerNotRemovedCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "SignalTypes", joinList(SignalTypes));
  Options.store(Opts, "EmitterBases", joinList(EmitterBases));
  Options.store(Opts, "ShutdownMethods", joinList(ShutdownMethods));
  Options.store(Opts, "SubscribeFunctions", SubscribeFunctions);
}

bool ListenerNotRemovedCheck::isShutdownLike(
    const FunctionDecl &Function) const {
  return isa<CXXMethodDecl>(Function) && isNamedIn(Function, ShutdownMethods);
}

void ListenerNotRemovedCheck::registerMatchers(MatchFinder *Finder) {
  using namespace matchers;
  std::vector<StringRef> SignalNames(SignalTypes.begin(), SignalTypes.end());
  std::vector<StringRef> BaseNames(EmitterBases.begin(), EmitterBases.end());
  std::vector<StringRef> SubscribeMethods(SignalSubscribeMethods.begin(),
                                          SignalSubscribeMethods.end());
  std::vector<StringRef> RemoveAll(RemoveAllMethods.begin(),
                                   RemoveAllMethods.end());
  std::vector<StringRef> FreeRemovals(removalFreeFunctionNames().begin(),
                                      removalFreeFunctionNames().end());

  auto NotInstantiated = notInTemplateInstantiation();
  auto InFunction = inFunction(functionDecl().bind("function"));
  auto NotInConstructor = unless(inFunction(cxxConstructorDecl()));

  // Memoized per field: tested on every member reference.
  auto IsCallableStorage =
      memoizedField(fieldDecl(hasType(containerType(standardContainerNames())),
                              hasCallableElements()),
                    *Finder);
  auto IsSignalStorage =
      memoizedField(fieldDecl(hasType(containerType(SignalTypes))), *Finder);
  auto CallableStorage = fieldDecl(IsCallableStorage);
  auto SignalStorage = fieldDecl(IsSignalStorage);
  // Either kind, in one memoized test.
  auto IsStorage =
      memoizedField(fieldDecl(anyOf(CallableStorage, SignalStorage)), *Finder);
  auto CallableMember = memberReference(CallableStorage.bind("field"));
  auto SignalMember = memberReference(SignalStorage.bind("field"));
  auto StorageMember = memberReference(fieldDecl(IsStorage).bind("field"));
  // The same tests, for the preconditions.
  auto MayHoldCallables = [ContainerNames = NameSet(standardContainerNames())](
                              const FieldDecl &Field) {
    return mayBeClassNamedIn(Field.getType(), ContainerNames) &&
           holdsCallables(Field.getType());
  };
  auto MayBeSignal = [SignalTypeNames =
                          NameSet(SignalTypes)](const FieldDecl &Field) {
    return mayBeClassNamedIn(Field.getType(), SignalTypeNames);
  };
  const FieldTest IsCallableField(MayHoldCallables, IsCallableStorage);
  const FieldTest IsSignalField(MayBeSignal, IsSignalStorage);
  const FieldTest IsStorageField(
      [=](const FieldDecl &Field) {
        return MayHoldCallables(Field) || MayBeSignal(Field);
      },
      IsStorage);
  auto SubscribeName = cxxMethodDecl(
      anyOf(hasAnyName(SubscribeMethods), isSubscribeFunction(SubscribeNames)));
  // What SubscribeName and isSubscribeFunction imply of a call's callee.
  auto IsSubscribeCall = [SubscribeMethodNames =
                              NameSet(SignalSubscribeMethods),
                          Filter = SubscribeNames](const CallExpr &Call) {
    if (SubscribeMethodNames.containsCalleeOf(Call))
      return true;
    const auto *Callee = dyn_cast_or_null<FunctionDecl>(Call.getCalleeDecl());
    return Callee && Filter->matches(*Callee);
  };

  // Rule 1: where a class keeps listeners.
  // The rules, registered together at the end.
  RuleSet Rules;
  Rules.add<FieldDecl>(
      [IsStorageField](const FieldDecl &Field, ASTMatchFinder &F) {
        return IsStorageField(Field, F);
      },
      fieldDecl(anyOf(fieldDecl(CallableStorage).bind("callables"),
                      fieldDecl(SignalStorage).bind("signal")),
                unless(isExpansionInSystemHeader()), notInstantiated()));
  if (!BaseNames.empty()) {
    auto EmitterBase = cxxRecordDecl(hasAnyName(BaseNames));
    NameSet EmitterBaseNames(EmitterBases);
    Rules.add<CXXRecordDecl>(
        // A class derives from one of its direct bases.
        [](const CXXRecordDecl &Class, ASTMatchFinder &) {
          return Class.isThisDeclarationADefinition() &&
                 Class.hasDefinition() && !Class.isLambda() &&
                 Class.getNumBases() > 0;
        },
        // isInstantiated, which walks the ancestors, last.
        cxxRecordDecl(isDefinition(), unless(isExpansionInSystemHeader()),
                      unless(isLambda()),
                      isDerivedFrom(EmitterBase.bind("emitter_base")),
                      unless(EmitterBase), notInstantiated())
            .bind("emitter_class"));
    Rules.add<CXXMemberCallExpr>(
        [=](const CXXMemberCallExpr &Call, ASTMatchFinder &) {
          return IsSubscribeCall(Call) &&
                 isMethodOfClassNamedIn(Call, EmitterBaseNames);
        },
        cxxMemberCallExpr(
            callee(cxxMethodDecl(SubscribeName, ofClass(EmitterBase))),
            NotInstantiated, NotInConstructor)
            .bind("base_add"));
    Rules.add<CXXMemberCallExpr>(
        [RemoveAllNames = NameSet(RemoveAllMethods)](
            const CXXMemberCallExpr &Call, ASTMatchFinder &) {
          return RemoveAllNames.containsCalleeOf(Call) && isOnOwnObject(Call);
        },
        cxxMemberCallExpr(
            ownObjectCall(cxxMethodDecl(hasAnyName(RemoveAll)).bind("callee")),
            NotInstantiated, InFunction)
            .bind("base_removal"));
    Rules.add<CXXMemberCallExpr>(
        [=](const CXXMemberCallExpr &Call, ASTMatchFinder &) {
          return isOnOwnObject(Call) &&
                 isMethodOfClassNamedIn(Call, EmitterBaseNames);
        },
        cxxMemberCallExpr(
            ownObjectCall(cxxMethodDecl(ofClass(EmitterBase)).bind("callee")),
            NotInstantiated, InFunction)
            .bind("base_use"));
  }

  // Rule 1: where listeners are added (outside constructors, which add a
  // fixed set once), to the container or to one of its elements
  // (`handlers_[event].push_back(fn)`). Assigning one callback per key
  // (`handlers_[type] = fn`, insert_or_assign) replaces: a handler table
  // set up like configuration, not a list that accumulates.
  std::vector<std::string> AddingMethods;
  llvm::copy_if(
      growthMethodNames(), std::back_inserter(AddingMethods),
      [](const std::string &Name) { return Name != "insert_or_assign"; });
  auto ContainerObject =
      expr(anyOf(CallableMember,
                 cxxOperatorCallExpr(hasOverloadedOperatorName("[]"),
                                     hasArgument(0, CallableMember)),
                 cxxMemberCallExpr(on(CallableMember),
                                   callee(cxxMethodDecl(hasName("at"))))));
  Rules.add<CallExpr>(
      [AddingNames = NameSet(AddingMethods),
       IsCallableField](const CallExpr &Call, ASTMatchFinder &F) {
        return AddingNames.containsCalleeOf(Call) &&
               IsCallableField.isNamedBy(containerOf(calledObject(Call)), F);
      },
      callExpr(methodCallOn(ContainerObject, AddingMethods), NotInstantiated,
               NotInConstructor)
          .bind("add"));
  Rules.add<CallExpr>(
      [=](const CallExpr &Call, ASTMatchFinder &F) {
        return IsSubscribeCall(Call) &&
               IsSignalField.isNamedBy(calledObject(Call), F);
      },
      callExpr(anyOf(cxxMemberCallExpr(on(SignalMember), callee(SubscribeName)),
                     methodCallOn(SignalMember, SignalSubscribeMethods)),
               NotInstantiated, NotInConstructor)
          .bind("add"));

  // Rule 1: what removes them, and what member functions call on their own
  // object (removal is followed one call deep).
  // `Other.swap(listeners_)`: the elements leave with the other container.
  const std::vector<std::string> SwapMethods = {"swap", "splice", "merge"};
  const std::vector<std::string> DrainFunctions = {
      "::std::swap", "::std::exchange", "::std::move"};
  auto SwappedOut = cxxMemberCallExpr(
      hasAnyArgument(StorageMember),
      callee(cxxMethodDecl(hasAnyName("swap", "splice", "merge"))));
  // The calls keep their order of preference.
  Rules.add<CallExpr>(
      [RemovalNames =
           NameSet(concatenated({removalMethodNames(), RemoveAllMethods,
                                 removalFreeFunctionNames(), SwapMethods})),
       IsStorageField](const CallExpr &Call, ASTMatchFinder &F) {
        return (RemovalNames.containsCalleeOf(Call) ||
                isOperatorCall(Call, OO_Equal)) &&
               IsStorageField.isActedOnBy(Call, F);
      },
      callExpr(anyOf(methodCallOn(StorageMember, removalMethodNames()),
                     methodCallOn(StorageMember, RemoveAllMethods),
                     callExpr(hasAnyArgument(StorageMember),
                              callee(functionDecl(hasAnyName(FreeRemovals)))),
                     cxxOperatorCallExpr(hasOverloadedOperatorName("="),
                                         hasArgument(0, StorageMember)),
                     SwappedOut),
               NotInstantiated, InFunction)
          .bind("removal"));
  Rules.add<BinaryOperator>(
      [IsStorageField](const BinaryOperator &Assign, ASTMatchFinder &F) {
        return Assign.getOpcode() == BO_Assign &&
               IsStorageField.isNamedBy(Assign.getLHS(), F);
      },
      binaryOperator(hasOperatorName("="), hasLHS(StorageMember),
                     NotInstantiated, InFunction)
          .bind("removal"));
  Rules.add<CallExpr>(
      [DrainNames =
           NameSet(concatenated({DrainMethods, SwapMethods, DrainFunctions})),
       IsStorageField](const CallExpr &Call, ASTMatchFinder &F) {
        return DrainNames.containsCalleeOf(Call) &&
               IsStorageField.isActedOnBy(Call, F);
      },
      callExpr(anyOf(methodCallOn(StorageMember, DrainMethods), SwappedOut,
                     callExpr(hasAnyArgument(StorageMember),
                              callee(functionDecl(hasAnyName("::std::swap",
                                                             "::std::exchange",
                                                             "::std::move"))))),
               NotInstantiated, InFunction)
          .bind("drain"));
  Rules.add<MemberExpr>(
      [IsStorageField](const MemberExpr &Member, ASTMatchFinder &F) {
        const auto *Field = dyn_cast<FieldDecl>(Member.getMemberDecl());
        return Field && IsStorageField(*Field, F);
      },
      memberExpr(member(fieldDecl(IsStorage).bind("field")), NotInstantiated,
                 InFunction)
          .bind("use"));
  Rules.add<CXXMemberCallExpr>(
      [](const CXXMemberCallExpr &Call, ASTMatchFinder &) {
        return isOnOwnObject(Call);
      },
      cxxMemberCallExpr(ownObjectCall(cxxMethodDecl().bind("callee")),
                        NotInstantiated, InFunction)
          .bind("own_call"));

  // Rule 2: subscriptions whose handle may be discarded. Qt's connect is
  // rule 3's.
  auto QtConnect =
      cxxMethodDecl(hasName("connect"),
                    ofClass(cxxRecordDecl(isSameOrDerivedFrom("::QObject"))));
  Rules.add<CallExpr>(
      // The callee's name first: it rules out nearly every call.
      [=](const CallExpr &Call, ASTMatchFinder &) {
        return IsSubscribeCall(Call);
      },
      callExpr(unless(isExpansionInSystemHeader()),
               callee(functionDecl(
                          anyOf(cxxMethodDecl(hasAnyName(SubscribeMethods),
                                              ofClass(cxxRecordDecl(
                                                  hasAnyName(SignalNames)))),
                                isSubscribeFunction(SubscribeNames)),
                          unless(returns(anyOf(voidType(), booleanType()))),
                          unless(QtConnect))
                          .bind("subscribe")))
          .bind("subscribe_call"));

  // Rule 3: QObject::connect(sender, &S::signal, functor), no context.
  Rules.add<CallExpr>(
      [ConnectName = NameSet(std::vector<std::string>{"connect"})](
          const CallExpr &Call, ASTMatchFinder &) {
        // argumentCountIs may leave default arguments out.
        return Call.getNumArgs() >= 3 && ConnectName.containsCalleeOf(Call);
      },
      callExpr(argumentCountIs(3), unless(isExpansionInSystemHeader()),
               callee(cxxMethodDecl(hasName("connect"),
                                    ofClass(hasName("::QObject")))),
               optionally(InFunction))
          .bind("qt_connect"));
  Rules.registerWith(*Finder, this);
}

void ListenerNotRemovedCheck::check(const MatchFinder::MatchResult &Result) {
  Context = Result.Context;
  const auto &Nodes = Result.Nodes;
  if (const auto *Call = Nodes.getNodeAs<CallExpr>("subscribe_call"))
    return checkSubscription(*Call, *Nodes.getNodeAs<FunctionDecl>("subscribe"),
                             *Result.Context);
  if (const auto *Call = Nodes.getNodeAs<CallExpr>("qt_connect"))
    return checkQtConnect(*Call, Nodes.getNodeAs<FunctionDecl>("function"),
                          *Result.Context);
  recordStorageFact(Result);
}

void ListenerNotRemovedCheck::recordStorageFact(
    const MatchFinder::MatchResult &Result) {
  const auto &Nodes = Result.Nodes;
  const auto *Function = Nodes.getNodeAs<FunctionDecl>("function");

  if (Nodes.getNodeAs<CXXMemberCallExpr>("own_call")) {
    if (Function) {
      const auto *Callee = Nodes.getNodeAs<CXXMethodDecl>("callee");
      Removals.recordOwnCall(Function, Callee);
      Uses.recordOwnCall(Function, Callee);
    }
    return;
  }
  if (Nodes.getNodeAs<CXXMemberCallExpr>("base_use")) {
    if (const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Function)) {
      Uses.record(Method, Method->getParent());
      Uses.record(Method,
                  Nodes.getNodeAs<CXXMethodDecl>("callee")->getParent());
    }
    return;
  }
  if (Nodes.getNodeAs<CXXMemberCallExpr>("base_removal")) {
    const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Function);
    if (!Method)
      return;
    // Both the class that calls it and the base that declares it stand for
    // "its inherited listeners".
    Removals.record(Method, Method->getParent());
    Removals.record(Method,
                    Nodes.getNodeAs<CXXMethodDecl>("callee")->getParent());
    return;
  }
  if (const auto *Call = Nodes.getNodeAs<CXXMemberCallExpr>("base_add")) {
    // The derived object, before its conversion to the base.
    QualType Object =
        Call->getImplicitObjectArgument()->IgnoreParenImpCasts()->getType();
    if (Object->isPointerType())
      Object = Object->getPointeeType();
    if (const auto *Record = Object->getAsCXXRecordDecl())
      if ((Record = Record->getDefinition()))
        Storages[Record].AddSites.push_back(
            Result.SourceManager->getExpansionLoc(Call->getExprLoc()));
    return;
  }
  if (const auto *Class = Nodes.getNodeAs<CXXRecordDecl>("emitter_class")) {
    Storage &S = Storages[Class];
    S.Kind = StorageKind::EmitterBase;
    S.Owner = Class;
    S.EmitterBase = Nodes.getNodeAs<CXXRecordDecl>("emitter_base");
    for (const CXXBaseSpecifier &Base : Class->bases()) {
      // recordOf: a dependent base (`event_emitter<T>`) is its pattern.
      const CXXRecordDecl *Direct = recordOf(Base.getType());
      if (Direct && S.EmitterBase &&
          (Direct->getCanonicalDecl() == S.EmitterBase->getCanonicalDecl() ||
           (Direct->hasDefinition() && Direct->isDerivedFrom(S.EmitterBase))))
        S.EmitterBaseRange =
            Base.getTypeSourceInfo()->getTypeLoc().getSourceRange();
    }
    return;
  }
  for (StringRef Id : {"callables", "signal"}) {
    if (const auto *Field = Nodes.getNodeAs<FieldDecl>(Id)) {
      const auto *Record = dyn_cast<CXXRecordDecl>(Field->getParent());
      if (!Record || Record->isLambda() || Record->isUnion())
        return;
      Storage &S = Storages[Field];
      S.Kind = Id == "callables" ? StorageKind::Callables : StorageKind::Signal;
      S.Owner = Record;
      return;
    }
  }

  const auto *Field = Nodes.getNodeAs<FieldDecl>("field");
  if (!Field)
    return;
  if (Nodes.getNodeAs<Expr>("use")) {
    if (Function)
      Uses.record(Function, Field);
    return;
  }
  if (const auto *Add = Nodes.getNodeAs<Expr>("add")) {
    SourceLocation Site =
        Result.SourceManager->getExpansionLoc(Add->getExprLoc());
    auto &Sites = Storages[Field].AddSites;
    if (!llvm::is_contained(Sites, Site))
      Sites.push_back(Site);
    return;
  }
  if (!Function)
    return;
  if (Nodes.getNodeAs<Stmt>("removal")) {
    Removals.record(Function, Field);
    const auto *Method = dyn_cast<CXXMethodDecl>(Function);
    if (Method && isShutdownLike(*Method) &&
        Method->getParent()->getCanonicalDecl() !=
            Field->getParent()->getCanonicalDecl())
      Storages[Field].RemovedByOtherShutdown = true;
  } else if (Nodes.getNodeAs<Stmt>("drain")) {
    if (!isShutdownLike(*Function) && !isa<CXXDestructorDecl>(Function))
      Storages[Field].IsDrained = true;
  }
}

void ListenerNotRemovedCheck::checkSubscription(const CallExpr &Call,
                                                const FunctionDecl &Callee,
                                                ASTContext &Ctx) {
  if (!isResultDiscarded(Call, Ctx) || returnsItsEmitter(Callee) ||
      returnsScopedHandle(Callee) || isAsioFunction(Callee))
    return;
  const Expr *Emitter = nullptr;
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(&Call))
    Emitter = Member->getImplicitObjectArgument();
  // A free subscribing function takes its emitter first:
  // `sigslot::connect(sig, f)`.
  const Expr *OwnedCandidate =
      Emitter ? Emitter : (Call.getNumArgs() > 1 ? Call.getArg(0) : nullptr);
  if (OwnedCandidate && isOwnedBySubscriber(OwnedCandidate))
    return;
  std::optional<LifetimeCapture> Capture;
  for (const Expr *Arg : Call.arguments())
    if ((Capture = lifetimeCaptureOf(Arg)))
      break;
  if (!Capture)
    return;

  const SourceManager &SM = Ctx.getSourceManager();
  std::string Subject;
  if (Emitter) {
    // Through a smart pointer the object is `p.operator->()`: name `p`.
    const Expr *Named = Emitter->IgnoreParenImpCasts();
    if (const auto *Arrow = dyn_cast<CXXOperatorCallExpr>(Named))
      if (Arrow->getOperator() == OO_Arrow && Arrow->getNumArgs() == 1)
        Named = Arrow->getArg(0);
    StringRef Text = Lexer::getSourceText(
        CharSourceRange::getTokenRange(Named->getSourceRange()), SM,
        Ctx.getLangOpts());
    if (!Text.empty())
      Subject = ("to '" + Text + "'").str();
  }
  if (Subject.empty())
    Subject = ("made by '" + Callee.getName() + "'").str();

  diag(calleeNameLoc(Call), "subscription %0 is discarded while its listener "
                            "captures %1: nothing can remove the listener")
      << Subject << Capture->Description;
  diag(Capture->Location, "the listener captures %0 here", DiagnosticIDs::Note)
      << Capture->Description;
  diag(calleeNameLoc(Call),
       "keep the handle: 'leakguard::event_emitter::on' returns a "
       "'leakguard::subscription' that removes its listener when destroyed, "
       "and a 'leakguard::subscription_set' holds many",
       DiagnosticIDs::Note);
}

void ListenerNotRemovedCheck::checkQtConnect(const CallExpr &Call,
                                             const FunctionDecl *Caller,
                                             ASTContext &Ctx) {
  if (!isResultDiscarded(Call, Ctx))
    return;
  // The sender is the subscriber itself (or lives inside it): the
  // connection goes when the sender is destroyed, with what it captured.
  const Expr *Sender = Call.getArg(0)->IgnoreParenImpCasts();
  if (const auto *AddressOf = dyn_cast<UnaryOperator>(Sender);
      AddressOf && AddressOf->getOpcode() == UO_AddrOf)
    Sender = AddressOf->getSubExpr();
  if (isOwnedBySubscriber(Sender))
    return;
  std::optional<LifetimeCapture> Capture = lifetimeCaptureOf(Call.getArg(2));
  if (!Capture)
    return;

  {
    auto Diag = diag(calleeNameLoc(Call),
                     "'QObject::connect' without a context object: the slot "
                     "captures %0 and stays connected as long as the sender "
                     "lives")
                << Capture->Description;
    const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Caller);
    SourceLocation Slot = Call.getArg(2)->getBeginLoc();
    if (Method && Method->isInstance() && isQObject(Method->getParent()) &&
        !Slot.isMacroID() && !Call.getBeginLoc().isMacroID())
      Diag << FixItHint::CreateInsertion(Slot, "this, ");
  }
  diag(Capture->Location, "the slot captures %0 here", DiagnosticIDs::Note)
      << Capture->Description;
  diag(calleeNameLoc(Call),
       "pass a context object (the 4-argument overload): Qt disconnects the "
       "slot when the context is destroyed",
       DiagnosticIDs::Note);
}

bool ListenerNotRemovedCheck::isRemovedOnShutdown(
    const Decl &Key, const Storage &S,
    ArrayRef<const CXXMethodDecl *> Shutdowns) const {
  return llvm::any_of(Shutdowns, [&](const CXXMethodDecl *Shutdown) {
    if (S.Kind == StorageKind::EmitterBase)
      return Removals.actsOn(Shutdown, S.Owner) ||
             (S.EmitterBase && Removals.actsOn(Shutdown, S.EmitterBase));
    return Removals.actsOn(Shutdown, &Key);
  });
}

void ListenerNotRemovedCheck::onEndOfTranslationUnit() {
  llvm::MapVector<
      const CXXRecordDecl *,
      llvm::SmallVector<std::pair<const Decl *, const Storage *>, 2>>
      Kept;
  for (const auto &[Key, S] : Storages) {
    if (S.Kind == StorageKind::Unknown || S.IsDrained ||
        S.RemovedByOtherShutdown)
      continue;
    // A container or signal member counts once something adds to it; an
    // emitter base hands its adding API to every user of the class.
    if (S.Kind != StorageKind::EmitterBase && S.AddSites.empty())
      continue;
    auto Shutdowns = shutdownMethodsOf(*S.Owner, ShutdownMethods);
    // No shutdown-like method: the destructor frees the listeners with the
    // storage. One defined elsewhere may remove them.
    if (Shutdowns.empty() ||
        !llvm::all_of(Shutdowns,
                      [](const CXXMethodDecl *M) { return isDefinedHere(*M); }))
      continue;
    if (isRemovedOnShutdown(*Key, S, Shutdowns))
      continue;
    Kept[S.Owner].push_back({Key, &S});
  }
  if (!FactsDirectory.empty()) {
    llvm::SmallPtrSet<const CXXRecordDecl *, 8> Reported;
    for (const auto &Entry : Kept)
      Reported.insert(Entry.first);
    exportFacts(Reported);
  }
  for (const auto &[Owner, Entries] : Kept)
    diagnoseEmitter(*Owner, Entries,
                    shutdownMethodsOf(*Owner, ShutdownMethods));
  Storages.clear();
  Removals.clear();
  Uses.clear();
}

std::string ListenerNotRemovedCheck::removalStatement(const Decl &Key,
                                                      const Storage &S) const {
  if (S.Kind == StorageKind::EmitterBase) {
    std::optional<StringRef> Method = removeAllMethodOf(S.EmitterBase);
    if (!Method)
      return "";
    // Members of a dependent base need `this->` to be found.
    return ((S.Owner->isDependentContext() ? "this->" : "") + *Method + "();")
        .str();
  }
  const auto &Field = cast<FieldDecl>(Key);
  if (S.Kind == StorageKind::Callables)
    return (Field.getName() + ".clear();").str();
  std::optional<StringRef> Method =
      removeAllMethodOf(recordOf(Field.getType()));
  return Method ? (Field.getName() + "." + *Method + "();").str() : "";
}

/// Inserts \p Statements as the first statements of \p Body, indented like
/// the statement they come before.
static std::optional<FixItHint> insertAtTop(const CompoundStmt &Body,
                                            ArrayRef<std::string> Statements,
                                            const SourceManager &SM) {
  if (Statements.empty() || Body.getLBracLoc().isMacroID() ||
      Body.getRBracLoc().isMacroID())
    return std::nullopt;
  SourceLocation After = Body.getLBracLoc().getLocWithOffset(1);
  unsigned BraceLine = SM.getSpellingLineNumber(Body.getLBracLoc());
  if (Body.body_empty()) {
    if (SM.getSpellingLineNumber(Body.getRBracLoc()) == BraceLine) {
      std::string Text = " ";
      for (const std::string &S : Statements)
        Text += S + " ";
      // `{ }` becomes `{ x.clear(); }`, not `{ x.clear();  }`.
      CharSourceRange Inside =
          CharSourceRange::getCharRange(After, Body.getRBracLoc());
      bool Blank =
          Lexer::getSourceText(Inside, SM, LangOptions()).trim().empty();
      return Blank ? FixItHint::CreateReplacement(Inside, Text)
                   : FixItHint::CreateInsertion(After, Text);
    }
    std::string Indent =
        (Lexer::getIndentationForLine(Body.getRBracLoc(), SM) + "  ").str();
    std::string Text;
    for (const std::string &S : Statements)
      Text += "\n" + Indent + S;
    return FixItHint::CreateInsertion(After, Text);
  }
  SourceLocation First = Body.body_front()->getBeginLoc();
  if (First.isMacroID())
    return std::nullopt;
  if (SM.getSpellingLineNumber(First) == BraceLine) {
    std::string Text;
    for (const std::string &S : Statements)
      Text += S + " ";
    return FixItHint::CreateInsertion(First, Text);
  }
  std::string Indent = Lexer::getIndentationForLine(First, SM).str();
  std::string Text;
  for (const std::string &S : Statements)
    Text += "\n" + Indent + S;
  return FixItHint::CreateInsertion(After, Text);
}

/// Appends \p Statements as the last statements of \p Body; nothing when
/// a return statement could skip them.
static std::optional<FixItHint> insertAtEnd(const CompoundStmt &Body,
                                            ArrayRef<std::string> Statements,
                                            ASTContext &Context) {
  const SourceManager &SM = Context.getSourceManager();
  if (Statements.empty() || Body.body_empty() ||
      Body.getRBracLoc().isMacroID() ||
      Body.body_back()->getBeginLoc().isMacroID() ||
      !match(compoundStmt(hasDescendant(returnStmt())), Body, Context).empty())
    return std::nullopt;
  SourceLocation Close = Body.getRBracLoc();
  const Stmt *Last = Body.body_back();
  if (SM.getSpellingLineNumber(Last->getEndLoc()) ==
      SM.getSpellingLineNumber(Close)) {
    std::string Text;
    for (const std::string &S : Statements)
      Text += S + " ";
    return FixItHint::CreateInsertion(Close, Text);
  }
  std::string Indent =
      Lexer::getIndentationForLine(Last->getBeginLoc(), SM).str();
  std::string Text;
  for (const std::string &S : Statements)
    Text += Indent + S + "\n";
  SourceLocation LineStart =
      Close.getLocWithOffset(1 - int(SM.getSpellingColumnNumber(Close)));
  return FixItHint::CreateInsertion(LineStart, Text);
}

void ListenerNotRemovedCheck::diagnoseEmitter(
    const CXXRecordDecl &Owner,
    ArrayRef<std::pair<const Decl *, const Storage *>> Kept,
    ArrayRef<const CXXMethodDecl *> Shutdowns) {
  const SourceManager &SM = Context->getSourceManager();
  std::vector<std::string> ShutdownNames;
  for (const CXXMethodDecl *Method : Shutdowns) {
    std::string Name = ("'" + Method->getName() + "'").str();
    if (!llvm::is_contained(ShutdownNames, Name))
      ShutdownNames.push_back(Name);
  }
  std::vector<std::string> What;
  std::vector<std::string> Statements;
  for (const auto &[Key, S] : Kept) {
    What.push_back(describeStorage(*Key, *S));
    std::string Statement = removalStatement(*Key, *S);
    if (!Statement.empty())
      Statements.push_back(Statement);
  }

  // The fix goes into the best-matching shutdown method with a body here.
  std::optional<FixItHint> Fix;
  for (const CXXMethodDecl *Method : Shutdowns) {
    const FunctionDecl *Definition = nullptr;
    const auto *Body =
        dyn_cast_or_null<CompoundStmt>(Method->getBody(Definition));
    if (!Body || SM.isInSystemHeader(Body->getBeginLoc()))
      continue;
    // Removing first would silence what shutdown still tells the
    // listeners (a "close" event) or runs (shutdown hooks).
    bool StillUsed = llvm::any_of(Kept, [&](const auto &Entry) {
      const Storage &S = *Entry.second;
      if (S.Kind == StorageKind::EmitterBase)
        return Uses.actsOn(Method, S.Owner) ||
               (S.EmitterBase && Uses.actsOn(Method, S.EmitterBase));
      return Uses.actsOn(Method, Entry.first);
    });
    Fix = StillUsed ? insertAtEnd(*Body, Statements, *Context)
                    : insertAtTop(*Body, Statements, SM);
    break;
  }

  {
    auto Diag = diag(Owner.getLocation(),
                     "class %0 keeps its listeners after shutdown: "
                     "%select{%2 does not remove|none of %2 removes}1 %3")
                << &Owner << (ShutdownNames.size() > 1)
                << quotedList(ShutdownNames) << quotedList(What);
    if (Fix)
      Diag << *Fix;
  }
  for (const auto &[Key, S] : Kept) {
    for (SourceLocation Site :
         ArrayRef<SourceLocation>(S->AddSites).take_front(3))
      diag(Site, "listeners are added here", DiagnosticIDs::Note);
    if (needsEmitterNote(*Key, *S))
      diag(Key->getLocation(), EmitterNote, DiagnosticIDs::Note);
  }
}

std::string ListenerNotRemovedCheck::describeStorage(const Decl &Key,
                                                     const Storage &S) const {
  if (S.Kind != StorageKind::EmitterBase)
    return ("'" + cast<FieldDecl>(Key).getName() + "'").str();
  StringRef Written = Lexer::getSourceText(
      CharSourceRange::getTokenRange(S.EmitterBaseRange),
      Context->getSourceManager(), Context->getLangOpts());
  return ("those it inherits from '" +
          (Written.empty() ? S.EmitterBase->getName() : Written) + "'")
      .str();
}

bool ListenerNotRemovedCheck::needsEmitterNote(const Decl &Key,
                                               const Storage &S) {
  const CXXRecordDecl *Type = S.Kind == StorageKind::EmitterBase
                                  ? S.EmitterBase
                                  : recordOf(cast<ValueDecl>(Key).getType());
  return S.Kind == StorageKind::Callables ||
         !(Type && isInTopLevelNamespace(*Type, "leakguard"));
}

// ---- Whole-program facts (docs/whole-program.md) ------------------------
//
// Rule 1 stays silent when a shutdown-like method is defined in another TU
// (it may remove the listeners there). Each TU exports, for every class with
// shutdown-like methods and listener storage: the storage, where this TU adds
// to it, and which shutdown-like methods it defines and what they remove.
// The driver merges them (tool/leakguard-run/WholeProgramListeners.cpp).

void ListenerNotRemovedCheck::exportFacts(
    const llvm::SmallPtrSetImpl<const CXXRecordDecl *> &Reported) const {
  if (!Context)
    return;
  const SourceManager &SM = Context->getSourceManager();
  llvm::json::Array ExportedStorages, ExportedClasses;
  llvm::SmallVector<const CXXRecordDecl *, 8> Owners;
  for (const auto &[Key, S] : Storages) {
    // Class templates keep their single-TU verdict.
    if (S.Kind == StorageKind::Unknown || S.Owner->isDependentContext() ||
        SM.isInSystemHeader(S.Owner->getLocation()))
      continue;
    auto Shutdowns = shutdownMethodsOf(*S.Owner, ShutdownMethods);
    if (Shutdowns.empty())
      continue;
    // The class matters to this TU's facts if the TU defines one of its
    // shutdown-like methods; the storage, if the TU adds to it or takes it
    // out (an emitter base counts without adding, as in one TU).
    bool DefinesShutdown = llvm::any_of(
        Shutdowns, [](const CXXMethodDecl *M) { return isDefinedHere(*M); });
    bool Touched = S.Kind == StorageKind::EmitterBase || !S.AddSites.empty() ||
                   S.IsDrained || S.RemovedByOtherShutdown;
    if ((DefinesShutdown || Touched) && !llvm::is_contained(Owners, S.Owner))
      Owners.push_back(S.Owner);
    if (!Touched)
      continue;
    std::optional<std::string> Usr = facts::usrOf(*Key);
    std::optional<std::string> ClassUsr = facts::usrOf(*S.Owner);
    if (!Usr || !ClassUsr)
      continue;
    llvm::json::Array Added;
    for (SourceLocation Site : S.AddSites)
      Added.push_back(facts::location(SM, Site));
    ExportedStorages.push_back(llvm::json::Object{
        {"usr", *Usr},
        {"class", *ClassUsr},
        {"inherited", S.Kind == StorageKind::EmitterBase},
        {"what", describeStorage(*Key, S)},
        {"location", facts::location(SM, Key->getLocation())},
        {"note", needsEmitterNote(*Key, S) ? EmitterNote : ""},
        {"added", std::move(Added)},
        {"drained", S.IsDrained},
        {"removed_elsewhere", S.RemovedByOtherShutdown}});
  }
  for (const CXXRecordDecl *Owner : Owners) {
    std::optional<std::string> ClassUsr = facts::usrOf(*Owner);
    if (!ClassUsr)
      continue;
    auto Shutdowns = shutdownMethodsOf(*Owner, ShutdownMethods);
    llvm::json::Array Methods;
    std::vector<std::string> Names;
    for (const CXXMethodDecl *Method : Shutdowns) {
      std::string Name = ("'" + Method->getName() + "'").str();
      if (!llvm::is_contained(Names, Name))
        Names.push_back(Name);
      std::optional<std::string> Usr = facts::usrOf(*Method);
      if (!Usr)
        continue;
      llvm::json::Object Fact{{"usr", *Usr},
                              {"defined", isDefinedHere(*Method)}};
      llvm::json::Array Removes;
      for (const auto &[Key, S] : Storages)
        if (S.Owner == Owner && isDefinedHere(*Method) &&
            isRemovedOnShutdown(*Key, S, {Method}))
          if (std::optional<std::string> StorageUsr = facts::usrOf(*Key))
            Removes.push_back(*StorageUsr);
      if (!Removes.empty())
        Fact["removes"] = std::move(Removes);
      Methods.push_back(std::move(Fact));
    }
    // The warning's text up to the storage list, as diag() formats it.
    std::string Message;
    llvm::raw_string_ostream OS(Message);
    OS << "class '";
    Owner->getNameForDiagnostic(OS, Context->getPrintingPolicy(),
                                /*Qualified=*/false);
    OS << "' keeps its listeners after shutdown: "
       << (Names.size() > 1 ? "none of " : "") << quotedList(Names)
       << (Names.size() > 1 ? " removes" : " does not remove");
    ExportedClasses.push_back(llvm::json::Object{
        {"usr", *ClassUsr},
        {"location", facts::location(SM, Owner->getLocation())},
        {"message", std::move(Message)},
        {"shutdowns", std::move(Methods)},
        {"reported", Reported.count(Owner) != 0}});
  }
  if (ExportedClasses.empty())
    return;
  facts::write(FactsDirectory, "leak-listener-not-removed", SM,
               llvm::json::Object{{"storages", std::move(ExportedStorages)},
                                  {"classes", std::move(ExportedClasses)}});
}

} // namespace clang::tidy::leakguard
