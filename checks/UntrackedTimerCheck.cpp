//===--- UntrackedTimerCheck.cpp - leakguard ------------------------------===//

#include "UntrackedTimerCheck.h"
#include "common/Compat.h"
#include "common/LeakMatchers.h"
#include "common/Preconditions.h"
#include "common/RuleSet.h"
#include "common/ShutdownPaths.h"
#include "common/WholeProgramFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

namespace {

const char DefaultTimerTypes[] =
    "::boost::asio::basic_waitable_timer;::boost::asio::basic_deadline_timer;"
    "::asio::basic_waitable_timer;::asio::basic_deadline_timer;::QTimer";

const char DefaultTimerFunctions[] =
    "set_?[Ii]nterval;set_?[Tt]imeout;"
    "schedule(_every|Every|AtFixedRate|WithFixedDelay)?;"
    "run_?[Ee]very;run_?[Aa]fter;call_?[Ll]ater";

const std::vector<std::string> CancelMethods = {"cancel", "cancel_one",
                                                "reset"};
const std::vector<std::string> ExpiryMethods = {"expires_at", "expires_after",
                                                "expires_from_now"};
const std::vector<std::string> ArmMethods = {"async_wait"};

const char ReplacementNote[] =
    "schedule it with 'leakguard::timer_registry' and keep the "
    "'leakguard::timer_handle' it returns: the handle cancels the timer when "
    "destroyed or reset";

const char CancelOnShutdownNote[] =
    "cancel it there, or keep the 'leakguard::timer_handle' returned by "
    "'leakguard::timer_registry::set_interval' and reset it there";

/// Handler adaptors that wrap the real handler as their last argument.
bool isHandlerAdaptor(const FunctionDecl &Function) {
  static const llvm::StringRef Names[] = {
      "bind_executor", "bind_cancellation_slot", "bind_allocator",
      "bind_immediate_executor"};
  const IdentifierInfo *Id = Function.getIdentifier();
  if (!Id || !llvm::is_contained(Names, Id->getName()))
    return false;
  const auto *Namespace = dyn_cast<NamespaceDecl>(Function.getDeclContext());
  return Namespace && Namespace->getName() == "asio";
}

/// `std::bind`, `std::bind_front`, `boost::bind`,
/// `boost::beast::bind_front_handler`: the bound function comes first, then
/// what it is bound to.
bool isBindFunction(const FunctionDecl &Function) {
  static const llvm::StringRef Names[] = {"bind", "bind_front",
                                          "bind_front_handler"};
  const IdentifierInfo *Id = Function.getIdentifier();
  if (!Id || !llvm::is_contained(Names, Id->getName()))
    return false;
  const DeclContext *Outermost = Function.getDeclContext();
  while (!Outermost->getParent()->isTranslationUnit())
    Outermost = Outermost->getParent();
  const auto *Namespace = dyn_cast<NamespaceDecl>(Outermost);
  return Namespace &&
         (Namespace->getName() == "std" || Namespace->getName() == "boost");
}

/// The callable an argument stands for, past copies into the parameter,
/// asio handler adaptors, and a local variable holding it.
const Expr *callableOf(const Expr *E) {
  // Bounded: `std::function<void()> h = h;` compiles.
  for (int Step = 0; E && Step != 8; ++Step) {
    E = E->IgnoreUnlessSpelledInSource();
    if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E)) {
      E = Cast->getSubExpr();
    } else if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
               Construct && Construct->getNumArgs() == 1 &&
               Construct->getConstructor()->isCopyOrMoveConstructor()) {
      E = Construct->getArg(0);
    } else if (const auto *Call = dyn_cast<CallExpr>(E);
               Call && Call->getDirectCallee() && Call->getNumArgs() > 0 &&
               isHandlerAdaptor(*Call->getDirectCallee())) {
      E = Call->getArg(Call->getNumArgs() - 1);
    } else if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
      const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
      if (!Var || !Var->hasLocalStorage() || isa<ParmVarDecl>(Var) ||
          !Var->getInit())
        return E;
      E = Var->getInit();
    } else {
      return E;
    }
  }
  return E;
}

/// A bind call (isBindFunction), if \p E is one.
const CallExpr *asBindCall(const Expr *E) {
  const auto *Call = dyn_cast_or_null<CallExpr>(E);
  return Call && Call->getDirectCallee() &&
                 isBindFunction(*Call->getDirectCallee()) &&
                 Call->getNumArgs() > 0
             ? Call
             : nullptr;
}

/// The function a callable expression names (`&X::tick`, `tick`).
const FunctionDecl *namedFunction(const Expr *E) {
  E = E->IgnoreUnlessSpelledInSource();
  if (const auto *AddressOf = dyn_cast<UnaryOperator>(E);
      AddressOf && AddressOf->getOpcode() == UO_AddrOf)
    E = AddressOf->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    return dyn_cast<FunctionDecl>(Ref->getDecl());
  return nullptr;
}

/// The body a callable runs: a lambda's, a named function's, or the
/// function a bind call binds.
const Stmt *bodyOfCallable(const Expr *Callable) {
  if (const auto *Lambda = dyn_cast_or_null<LambdaExpr>(Callable))
    return Lambda->getBody();
  if (const CallExpr *Bind = asBindCall(Callable))
    Callable = Bind->getArg(0);
  if (!Callable)
    return nullptr;
  const FunctionDecl *Function = namedFunction(Callable);
  const FunctionDecl *Definition =
      Function ? Function->getDefinition() : nullptr;
  return Definition ? Definition->getBody() : nullptr;
}

bool isSharedPointerTo(QualType Type, const CXXRecordDecl &Class) {
  const auto *Pointer = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      Type.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Pointer || Pointer->getName() != "shared_ptr" ||
      Pointer->getTemplateArgs().size() < 1 ||
      Pointer->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return false;
  const CXXRecordDecl *Pointee =
      Pointer->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
  if (!Pointee || !Class.hasDefinition() || !Pointee->hasDefinition())
    return false;
  const CXXRecordDecl *Canonical = Class.getCanonicalDecl();
  return Pointee->getCanonicalDecl() == Canonical ||
         Class.isDerivedFrom(Pointee) || Pointee->isDerivedFrom(&Class);
}

bool isSharedFromThisCall(const Expr *E) {
  E = E->IgnoreUnlessSpelledInSource();
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *Method = Member->getMethodDecl();
    return Method && Method->getIdentifier() &&
           Method->getName() == "shared_from_this";
  }
  // std::static_pointer_cast<Derived>(shared_from_this()) and friends.
  if (const auto *Call = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    return Callee && Callee->getIdentifier() &&
           compat::endsWith(Callee->getName(), "_pointer_cast") &&
           Call->getNumArgs() == 1 && isSharedFromThisCall(Call->getArg(0));
  }
  return false;
}

struct Owner {
  enum Kind { None, This, Shared } Kind = None;
  std::string Name;
  void add(enum Kind K, std::string N) {
    if (K > Kind) {
      Kind = K;
      Name = std::move(N);
    }
  }
};

/// What a value handed to a handler (a bind argument, an init-capture)
/// keeps alive.
void classifyOwnerValue(const Expr *E, const CXXRecordDecl &Class,
                        Owner &Result) {
  E = E->IgnoreUnlessSpelledInSource();
  if (isa<CXXThisExpr>(E))
    Result.add(Owner::This, "this");
  else if (isSharedFromThisCall(E))
    Result.add(Owner::Shared, "shared_from_this()");
  else if (const auto *Ref = dyn_cast<DeclRefExpr>(E);
           Ref && isSharedPointerTo(Ref->getType(), Class))
    Result.add(Owner::Shared, Ref->getDecl()->getNameAsString());
}

/// What a handler (lambda or bind call) keeps alive of \p Class.
Owner ownerHeldBy(const Expr *Callable, const CXXRecordDecl &Class) {
  Owner Result;
  if (const auto *Lambda = dyn_cast_or_null<LambdaExpr>(Callable)) {
    for (const LambdaCapture &Capture : Lambda->captures()) {
      if (Capture.capturesThis()) {
        if (Capture.getCaptureKind() == LCK_This)
          Result.add(Owner::This, "this");
        continue;
      }
      const auto *Var = Capture.capturesVariable()
                            ? dyn_cast<VarDecl>(Capture.getCapturedVar())
                            : nullptr;
      if (!Var)
        continue;
      if (Var->isInitCapture()) {
        if (isSharedFromThisCall(Var->getInit()))
          Result.add(Owner::Shared, "shared_from_this()");
        else if (isSharedPointerTo(Var->getType(), Class))
          Result.add(Owner::Shared, Var->getNameAsString());
      } else if (Capture.getCaptureKind() == LCK_ByCopy &&
                 isSharedPointerTo(Var->getType(), Class)) {
        Result.add(Owner::Shared, Var->getNameAsString());
      }
    }
  } else if (const CallExpr *Bind = asBindCall(Callable)) {
    for (const Expr *Argument : llvm::drop_begin(Bind->arguments()))
      classifyOwnerValue(Argument, Class, Result);
  }
  return Result;
}

bool isQObject(const CXXRecordDecl &Record) {
  if (Record.getIdentifier() && Record.getName() == "QObject")
    return true;
  if (!Record.hasDefinition())
    return false;
  return llvm::any_of(Record.bases(), [](const CXXBaseSpecifier &Base) {
    const CXXRecordDecl *BaseRecord = Base.getType()->getAsCXXRecordDecl();
    return BaseRecord && isQObject(*BaseRecord);
  });
}

/// A QObject timer created with a parent, which owns and deletes it.
bool isGivenParent(const Expr &Creation) {
  ArrayRef<const Expr *> Arguments;
  if (const auto *New = dyn_cast<CXXNewExpr>(&Creation)) {
    if (const CXXConstructExpr *Construct = New->getConstructExpr())
      Arguments = llvm::ArrayRef(Construct->getArgs(), Construct->getNumArgs());
  } else if (const auto *Call = dyn_cast<CallExpr>(&Creation)) {
    Arguments = llvm::ArrayRef(Call->getArgs(), Call->getNumArgs());
  }
  return llvm::any_of(Arguments, [](const Expr *Argument) {
    if (isa<CXXDefaultArgExpr>(Argument) ||
        isa<CXXNullPtrLiteralExpr>(Argument->IgnoreUnlessSpelledInSource()))
      return false;
    const CXXRecordDecl *Pointee =
        Argument->getType()->isPointerType()
            ? Argument->getType()->getPointeeCXXRecordDecl()
            : nullptr;
    return Pointee && isQObject(*Pointee);
  });
}

bool isUniquePointer(QualType Type) {
  const auto *Record = Type->getAsCXXRecordDecl();
  return Record && Record->getName() == "unique_ptr";
}

/// Functions whose loops sleep between rounds.
const std::vector<llvm::StringRef> SleepFunctions = {
    "::std::this_thread::sleep_for",
    "::std::this_thread::sleep_until",
    "::boost::this_thread::sleep_for",
    "::boost::this_thread::sleep_until",
    "::sleep",
    "::usleep",
    "::nanosleep"};

/// A loop that may run forever (not a counted `for`) and sleeps between
/// rounds: the sleeping function, or null.
const FunctionDecl *sleepingLoopIn(const Stmt &Body, ASTContext &Context) {
  auto Sleep = callExpr(callee(
      functionDecl(
          anyOf(hasAnyName(SleepFunctions),
                cxxMethodDecl(
                    hasAnyName("wait_for", "wait_until"),
                    ofClass(hasAnyName("::std::condition_variable",
                                       "::std::condition_variable_any",
                                       "::boost::condition_variable",
                                       "::boost::condition_variable_any")))))
          .bind("sleep")));
  auto Loop =
      stmt(anyOf(whileStmt(), doStmt(), forStmt(unless(hasIncrement(expr())))),
           hasDescendant(Sleep));
  auto Matches = match(stmt(anyOf(Loop, hasDescendant(Loop))), Body, Context);
  return Matches.empty() ? nullptr
                         : Matches.front().getNodeAs<FunctionDecl>("sleep");
}

/// As above, in \p Body or in a function of the program it calls (one level
/// deep; library functions such as sleep_for loop internally).
const FunctionDecl *sleepingLoopReachedFrom(const Stmt &Body,
                                            ASTContext &Context) {
  if (const FunctionDecl *Sleep = sleepingLoopIn(Body, Context))
    return Sleep;
  for (const BoundNodes &Nodes :
       match(stmt(forEachDescendant(callExpr(
                 callee(functionDecl(unless(isExpansionInSystemHeader()))
                            .bind("callee"))))),
             Body, Context)) {
    const FunctionDecl *Definition =
        Nodes.getNodeAs<FunctionDecl>("callee")->getDefinition();
    if (Definition && Definition->getBody())
      if (const FunctionDecl *Sleep =
              sleepingLoopIn(*Definition->getBody(), Context))
        return Sleep;
  }
  return nullptr;
}

/// The callable a thread object was constructed with, if visible here.
const Expr *threadCallable(const Expr &Thread) {
  const Expr *E = Thread.IgnoreUnlessSpelledInSource();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
    if (!Var || !Var->hasLocalStorage() || !Var->getInit())
      return nullptr;
    E = Var->getInit()->IgnoreUnlessSpelledInSource();
  }
  if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E))
    E = Cast->getSubExpr()->IgnoreUnlessSpelledInSource();
  const auto *Construct = dyn_cast<CXXConstructExpr>(E);
  if (!Construct || Construct->getNumArgs() == 0 ||
      Construct->getConstructor()->isCopyOrMoveConstructor())
    return nullptr;
  return callableOf(Construct->getArg(0));
}

/// A libuv timer callback that stops or closes the handle it is given.
bool stopsItsOwnHandle(const Expr &Callback, ASTContext &Context) {
  const Expr *E = Callback.IgnoreParenImpCasts();
  const Stmt *Body = nullptr;
  if (const auto *Conversion = dyn_cast<CXXMemberCallExpr>(E))
    E = Conversion->getImplicitObjectArgument()->IgnoreUnlessSpelledInSource();
  if (const auto *Lambda = dyn_cast<LambdaExpr>(E))
    Body = Lambda->getBody();
  else if (const FunctionDecl *Function = namedFunction(E))
    Body = Function->getDefinition() ? Function->getDefinition()->getBody()
                                     : nullptr;
  if (!Body)
    return false;
  auto StopsParameter = callExpr(
      callee(functionDecl(hasAnyName("::uv_timer_stop", "::uv_close"))),
      hasArgument(0, ignoringParenCasts(declRefExpr(to(parmVarDecl())))));
  return !match(stmt(hasDescendant(StopsParameter)), *Body, Context).empty();
}

/// True if \p Body calls \p Target, directly or from a member function of
/// \p Class that it calls.
bool callsWithinOneLevel(const Stmt &Body, const FunctionDecl &Target,
                         const CXXRecordDecl &Class, ASTContext &Context) {
  const FunctionDecl *Canonical = Target.getCanonicalDecl();
  auto CallsTarget = [&](const Stmt &S) {
    for (const BoundNodes &Nodes :
         match(stmt(forEachDescendant(callExpr().bind("call"))), S, Context)) {
      const FunctionDecl *Callee =
          Nodes.getNodeAs<CallExpr>("call")->getDirectCallee();
      if (Callee && Callee->getCanonicalDecl() == Canonical)
        return true;
    }
    return false;
  };
  if (CallsTarget(Body))
    return true;
  for (const BoundNodes &Nodes :
       match(stmt(forEachDescendant(cxxMemberCallExpr(callee(
                 cxxMethodDecl(ofClass(equalsNode(&Class))).bind("helper"))))),
             Body, Context)) {
    const FunctionDecl *Helper =
        Nodes.getNodeAs<FunctionDecl>("helper")->getDefinition();
    if (Helper && Helper->getBody() && CallsTarget(*Helper->getBody()))
      return true;
  }
  return false;
}

/// True if \p Function stops an asio event loop (`io_.stop()`): no handler
/// runs after that, and the pending ones die with the io_context.
bool stopsEventLoop(const FunctionDecl &Function, ASTContext &Context) {
  const FunctionDecl *Definition = Function.getDefinition();
  if (!Definition || !Definition->getBody())
    return false;
  auto Stop = cxxMemberCallExpr(callee(cxxMethodDecl(
      hasName("stop"),
      ofClass(hasAnyName("::boost::asio::io_context", "::asio::io_context")))));
  return !match(stmt(hasDescendant(Stop)), *Definition->getBody(), Context)
              .empty();
}

/// Data members read in the conditions of \p Body (`if (stopped_)`,
/// `while (running_)`, `ok_ ? a : b`).
void collectGuards(const Stmt &Body, ASTContext &Context,
                   llvm::SmallVectorImpl<const FieldDecl *> &Guards) {
  auto Condition = expr().bind("condition");
  auto Conditional = stmt(anyOf(ifStmt(hasCondition(Condition)),
                                whileStmt(hasCondition(Condition)),
                                doStmt(hasCondition(Condition)),
                                conditionalOperator(hasCondition(Condition))));
  for (const BoundNodes &Nodes :
       match(stmt(anyOf(Conditional, forEachDescendant(Conditional))), Body,
             Context)) {
    const auto *Cond = Nodes.getNodeAs<Expr>("condition");
    auto Read = memberExpr(member(fieldDecl().bind("guard")));
    for (const BoundNodes &Reads :
         match(expr(anyOf(Read, forEachDescendant(Read))), *Cond, Context)) {
      const FieldDecl &Guard =
          instantiationPattern(*Reads.getNodeAs<FieldDecl>("guard"));
      if (!llvm::is_contained(Guards, &Guard))
        Guards.push_back(&Guard);
    }
  }
}

/// The data members (instantiation patterns) \p Function sets: assigns,
/// increments, `store`s / `exchange`s, or calls one of \p ClosingMethods on.
llvm::SmallVector<const FieldDecl *, 4>
fieldsSetBy(const FunctionDecl &Function,
            const std::vector<std::string> &ClosingMethods,
            ASTContext &Context) {
  llvm::SmallVector<const FieldDecl *, 4> Result;
  const FunctionDecl *Definition = Function.getDefinition();
  if (!Definition || !Definition->getBody())
    return Result;
  auto Written = matchers::memberReference(fieldDecl().bind("written"));
  std::vector<std::string> Setters = ClosingMethods;
  Setters.insert(Setters.end(), {"store", "exchange", "reset"});
  auto Write = stmt(anyOf(
      binaryOperator(isAssignmentOperator(), hasLHS(Written)),
      cxxOperatorCallExpr(isAssignmentOperator(), hasArgument(0, Written)),
      unaryOperator(hasAnyOperatorName("++", "--"), hasUnaryOperand(Written)),
      cxxOperatorCallExpr(hasAnyOverloadedOperatorName("++", "--"),
                          hasArgument(0, Written)),
      matchers::methodCallOn(Written, Setters)));
  for (const BoundNodes &Nodes :
       match(stmt(forEachDescendant(Write)), *Definition->getBody(), Context)) {
    const FieldDecl &Field =
        instantiationPattern(*Nodes.getNodeAs<FieldDecl>("written"));
    if (!llvm::is_contained(Result, &Field))
      Result.push_back(&Field);
  }
  return Result;
}

/// True if \p Function sets one of \p Guards (fieldsSetBy).
bool setsGuard(const FunctionDecl &Function,
               llvm::ArrayRef<const FieldDecl *> Guards,
               const std::vector<std::string> &ClosingMethods,
               ASTContext &Context) {
  return !Guards.empty() &&
         llvm::any_of(fieldsSetBy(Function, ClosingMethods, Context),
                      [&](const FieldDecl *F) {
                        return llvm::is_contained(Guards, F);
                      });
}

std::string
quotedList(const llvm::SmallVectorImpl<const CXXMethodDecl *> &Methods) {
  std::string Result;
  for (const CXXMethodDecl *Method : Methods) {
    if (!Result.empty())
      Result += " or ";
    Result += "'" + Method->getNameAsString() + "'";
  }
  return Result;
}

// Preconditions of the hot rules (common/Preconditions.h): each looks
// through at least the wrappers its rule's matchers look through.

/// The local variable \p E names (Ref, past stripped()).
const VarDecl *localVariable(const Expr *E) {
  const VarDecl *Var = referencedVariable(E);
  return Var && Var->hasLocalStorage() ? Var : nullptr;
}

/// The local variable a timer operand of rule 1 (Value, Object) can only
/// be: the operand itself, argument 0 of a call (`std::move(t)`, `t->`,
/// `*t`) or of a construction (a copy of `t` or of `std::move(t)`), or the
/// operand of a unary operator (`*t`). Null if neither can match.
const VarDecl *localOperand(const Expr *E) {
  E = stripped(E);
  if (!E)
    return nullptr;
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
    if (Construct->getNumArgs() == 0)
      return nullptr;
    E = stripped(Construct->getArg(0));
  }
  if (const auto *Call = dyn_cast<CallExpr>(E))
    return Call->getNumArgs() ? localVariable(Call->getArg(0)) : nullptr;
  if (const auto *Unary = dyn_cast<UnaryOperator>(E))
    return localVariable(Unary->getSubExpr());
  return localVariable(E);
}

/// False only for a type PointerToTimer rejects: neither a pointer nor a
/// shared_ptr / unique_ptr.
bool mayPointToTimer(QualType Type) {
  if (Type.isNull())
    return false;
  if (Type->isPointerType())
    return true;
  const auto *Record = Type->getAsRecordDecl();
  if (!Record || !Record->getIdentifier())
    return false;
  return Record->getName() == "shared_ptr" || Record->getName() == "unique_ptr";
}

/// True if \p E may name a libuv handle (UvHandle): a variable or a data
/// member, or its address, past casts.
bool mayNameUvHandle(const Expr *E) {
  E = stripped(E);
  if (const auto *Unary = dyn_cast_or_null<UnaryOperator>(E))
    E = stripped(Unary->getSubExpr());
  return referencedVariable(E) || referencedField(E);
}

/// Whether the translation unit declares anything named `uv_timer_s`:
/// every declared name is in the identifier table, so one lookup per
/// translation unit tells whether a libuv timer type can exist at all.
/// A callback only to be told when a translation unit starts (the next
/// one's ASTContext may reuse the address of the last).
class UvTimerDeclared : public MatchFinder::MatchCallback {
public:
  bool in(const ASTContext &Context) {
    if (&Context != Known) {
      Known = &Context;
      Declared = Context.Idents.find("uv_timer_s") != Context.Idents.end();
    }
    return Declared;
  }
  void run(const MatchFinder::MatchResult &) override {}
  void onStartOfTranslationUnit() override { Known = nullptr; }

private:
  const ASTContext *Known = nullptr;
  bool Declared = false;
};

/// False only for a call SchedulingCall rejects: one of a function
/// returning void, bool or (as written) a reference, or of no function.
bool mayBeSchedulingCall(const CallExpr &Call) {
  const auto *Callee = dyn_cast_or_null<FunctionDecl>(Call.getCalleeDecl());
  if (!Callee)
    return false;
  QualType Result = Callee->getReturnType();
  return Result.isNull() ||
         !(Result->isVoidType() || Result->isBooleanType() ||
           isa<ReferenceType>(Result.getTypePtr()));
}

/// True if \p S may be, as written, a scheduling call or an explicit cast
/// of one (Dropped under TK_IgnoreUnlessSpelledInSource). Looks through
/// what IgnoreUnlessSpelledInSource does and more: stripped() takes every
/// cast (also a cast's source expression) and full-expression wrapper, a
/// construction is followed into argument 0, and a member call that is
/// not a scheduling call into its object (IgnoreUnlessSpelledInSource
/// steps over conversion calls).
bool mayBeSchedulingCallAsWritten(const Stmt *S) {
  const auto *E = dyn_cast_or_null<Expr>(S);
  while (E) {
    E = stripped(E);
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      if (mayBeSchedulingCall(*Call))
        return true;
      const auto *MemberCall = dyn_cast<CXXMemberCallExpr>(Call);
      E = MemberCall ? MemberCall->getImplicitObjectArgument() : nullptr;
      continue;
    }
    const auto *Construct = dyn_cast<CXXConstructExpr>(E);
    if (!Construct || Construct->getNumArgs() == 0)
      return false;
    E = Construct->getArg(0);
  }
  return false;
}

/// The children of an initializer list as `has` visits them: those of its
/// syntactic and of its semantic form.
template <typename Predicate>
bool anyInitListChild(const InitListExpr &List, Predicate Test) {
  const InitListExpr *Forms[] = {&List, List.getSyntacticForm(),
                                 List.getSemanticForm()};
  for (const InitListExpr *Form : Forms) {
    if (!Form)
      continue;
    for (const Stmt *Child : Form->children()) {
      const auto *E = dyn_cast_or_null<Expr>(Child);
      if (const auto *Designated = dyn_cast_or_null<DesignatedInitExpr>(E))
        E = Designated->getInit();
      if (E && Test(E))
        return true;
    }
  }
  return false;
}

} // namespace

UntrackedTimerCheck::UntrackedTimerCheck(StringRef Name,
                                         ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      TimerTypes(splitList(Options.get("TimerTypes", DefaultTimerTypes))),
      ShutdownMethods(
          splitList(Options.get("ShutdownMethods", defaultShutdownMethods()))),
      TimerFunctions(Options.get("TimerFunctions", DefaultTimerFunctions)),
      FactsDirectory(facts::exportDirectory()) {
  for (const std::string &Pattern : splitList(TimerFunctions)) {
    llvm::Regex Regex("^(" + Pattern + ")$");
    std::string Error;
    if (Regex.isValid(Error))
      TimerFunctionPatterns.push_back(std::move(Regex));
    else
      configurationDiag("invalid regular expression '%0' in option "
                        "'TimerFunctions': %1")
          << Pattern << Error;
  }
}

void UntrackedTimerCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "TimerTypes", joinList(TimerTypes));
  Options.store(Opts, "ShutdownMethods", joinList(ShutdownMethods));
  Options.store(Opts, "TimerFunctions", TimerFunctions);
}

void UntrackedTimerCheck::registerMatchers(MatchFinder *Finder) {
  using namespace matchers;
  // containerType() matches any class or class template specialization by
  // its qualified name, which is all a timer type needs.
  auto TimerType = containerType(TimerTypes);
  auto OwningPointerToTimer = qualType(hasUnqualifiedDesugaredType(
      recordType(hasDeclaration(classTemplateSpecializationDecl(
          hasAnyName("::std::shared_ptr", "::std::unique_ptr",
                     "::boost::shared_ptr"),
          hasTemplateArgument(0, refersToType(TimerType)))))));
  auto PointerToTimer =
      qualType(anyOf(pointerType(pointee(TimerType)), OwningPointerToTimer));
  // Tested last: isInTemplateInstantiation walks the node's ancestors.
  auto InUserCode =
      allOf(unless(isExpansionInSystemHeader()), notInTemplateInstantiation());

  // Rule 1: a timer made on the heap into a local variable...
  auto NewTimer = cxxNewExpr(hasType(pointerType(pointee(TimerType))));
  auto Creation =
      expr(anyOf(NewTimer,
                 callExpr(callee(functionDecl(hasAnyName(
                              "::std::make_shared", "::std::make_unique",
                              "::boost::make_shared"))),
                          hasType(OwningPointerToTimer)),
                 cxxConstructExpr(hasArgument(0, NewTimer),
                                  hasType(OwningPointerToTimer))));
  // In main() the program ends within the variable's scope.
  const NameSet MakeFunctions(
      {"::std::make_shared", "::std::make_unique", "::boost::make_shared"});
  // The rules, registered together at the end.
  RuleSet Rules;
  Rules.add<VarDecl>(
      [MakeFunctions](const VarDecl &Var, internal::ASTMatchFinder &) {
        if (!Var.hasLocalStorage() || isa<ParmVarDecl>(Var))
          return false;
        const Expr *Init = stripped(Var.getAnyInitializer());
        if (const auto *Call = dyn_cast_or_null<CallExpr>(Init))
          return MakeFunctions.containsCalleeOf(*Call);
        return isa_and_nonnull<CXXNewExpr, CXXConstructExpr>(Init);
      },
      varDecl(hasLocalStorage(), unless(parmVarDecl()),
              hasInitializer(ignoringImplicit(Creation.bind("creation"))),
              unless(isExpansionInSystemHeader()), notInstantiated(),
              unless(insideFunction(functionDecl(isMain()))))
          .bind("heap_timer"));

  // ...armed, and never kept anywhere else.
  // Memoized per variable: tested on every reference to a local.
  auto IsLocalTimer = memoizedVar(
      varDecl(hasLocalStorage(), hasType(PointerToTimer)), *Finder);
  auto LocalTimer = varDecl(IsLocalTimer).bind("local_timer");
  // What Value and Object can match: an operand standing for a local timer
  // (localOperand finds the variable Ref would match; IsLocalTimer binds
  // nothing).
  auto IsTimerOperand = [IsLocalTimer](const Expr *Operand,
                                       internal::ASTMatchFinder &Finder) {
    const VarDecl *Var = Operand ? localOperand(Operand) : nullptr;
    if (!Var || !mayPointToTimer(Var->getType()))
      return false;
    return holds(IsLocalTimer, *Var, Finder);
  };
  auto ArgumentIsTimerOperand = [IsTimerOperand](
                                    const auto &CallOrConstruct,
                                    internal::ASTMatchFinder &Finder) {
    return anyArgument(CallOrConstruct, [&](const Expr *Argument) {
      return IsTimerOperand(Argument, Finder);
    });
  };
  auto Ref = ignoringParenImpCasts(declRefExpr(to(LocalTimer)));
  auto Moved = callExpr(
      hasArgument(0, Ref),
      callee(functionDecl(hasAnyName("::std::move", "::std::forward"))));
  auto Value = ignoringImplicit(
      expr(anyOf(Ref, Moved,
                 cxxConstructExpr(hasArgument(
                     0, ignoringImplicit(expr(anyOf(Ref, Moved))))))));
  auto Object =
      expr(anyOf(Ref,
                 cxxOperatorCallExpr(hasAnyOverloadedOperatorName("->", "*"),
                                     hasArgument(0, Ref)),
                 unaryOperator(hasOperatorName("*"), hasUnaryOperand(Ref))));
  Rules.add<CXXMemberCallExpr>(
      calleeNameIn<CXXMemberCallExpr>({"async_wait", "start"}),
      cxxMemberCallExpr(
          callee(cxxMethodDecl(hasAnyName("async_wait", "start"))), on(Object),
          InUserCode)
          .bind("local_arm"));
  // Handing the timer to its own handler, or connecting its signal, does
  // not keep it anywhere else.
  auto HandlerOwnership = functionDecl(
      hasAnyName("::std::move", "::std::forward", "::std::bind",
                 "::std::bind_front", "::boost::bind",
                 "::boost::beast::bind_front_handler", "::QObject::connect"));
  // The calls keep their order of preference.
  Rules.add<CallExpr>(
      [=](const CallExpr &Call, internal::ASTMatchFinder &Finder) {
        return ArgumentIsTimerOperand(Call, Finder) ||
               IsTimerOperand(calledObject(Call), Finder);
      },
      callExpr(
          anyOf(
              // Cancelled, parented, or its raw pointer handed out.
              cxxMemberCallExpr(
                  callee(cxxMethodDecl(
                      hasAnyName("cancel", "cancel_one", "stop", "setParent"))),
                  on(Object)),
              cxxMemberCallExpr(
                  callee(cxxMethodDecl(hasAnyName("release", "get"))), on(Ref)),
              // Assigned, passed on.
              cxxOperatorCallExpr(hasOverloadedOperatorName("="),
                                  hasArgument(1, Value)),
              callExpr(unless(cxxOperatorCallExpr()), hasAnyArgument(Value),
                       unless(callee(HandlerOwnership)))),
          InUserCode)
          .bind("local_kept"));
  // Returned, assigned, aliased.
  Rules.add<ReturnStmt>(
      [IsTimerOperand](const ReturnStmt &Return,
                       internal::ASTMatchFinder &Finder) {
        return IsTimerOperand(Return.getRetValue(), Finder);
      },
      returnStmt(hasReturnValue(Value), InUserCode).bind("local_kept"));
  Rules.add<BinaryOperator>(
      [IsTimerOperand](const BinaryOperator &Operator,
                       internal::ASTMatchFinder &Finder) {
        return Operator.isAssignmentOp() &&
               IsTimerOperand(Operator.getRHS(), Finder);
      },
      binaryOperator(isAssignmentOperator(), hasRHS(Value), InUserCode)
          .bind("local_kept"));
  Rules.add<CXXConstructExpr>(
      NodeTest<CXXConstructExpr>(ArgumentIsTimerOperand),
      cxxConstructExpr(hasAnyArgument(Value), unless(hasType(PointerToTimer)),
                       InUserCode)
          .bind("local_kept"));
  Rules.add<InitListExpr>(
      [IsTimerOperand](const InitListExpr &List,
                       internal::ASTMatchFinder &Finder) {
        return anyInitListChild(List, [&](const Expr *Init) {
          return IsTimerOperand(Init, Finder);
        });
      },
      initListExpr(has(Value), InUserCode).bind("local_kept"));
  Rules.add<DeclStmt>(
      [IsTimerOperand](const DeclStmt &Declaration,
                       internal::ASTMatchFinder &Finder) {
        return llvm::any_of(Declaration.decls(), [&](const Decl *D) {
          const auto *Var = dyn_cast<VarDecl>(D);
          return Var && IsTimerOperand(Var->getAnyInitializer(), Finder);
        });
      },
      declStmt(has(varDecl(hasInitializer(Value))), InUserCode)
          .bind("local_kept"));
  // A unique_ptr handed to its handler (it would die at the end of the
  // scope otherwise).
  Rules.add<VarDecl>(
      [IsTimerOperand](const VarDecl &Var, internal::ASTMatchFinder &Finder) {
        return Var.isInitCapture() &&
               IsTimerOperand(Var.getAnyInitializer(), Finder);
      },
      varDecl(isInitCapture(), hasInitializer(Value),
              unless(isExpansionInSystemHeader()), notInstantiated())
          .bind("local_moved_out"));

  // Rule 2: an async_wait on a timer data member.
  auto TimerField =
      fieldDecl(memoizedField(fieldDecl(hasType(
                             qualType(anyOf(TimerType, PointerToTimer)))),
                         *Finder))
          .bind("timer_field");
  // Class templates are seen through their instantiations, where the
  // handler's calls are resolved, and reported through their pattern.
  Rules.add<CXXMemberCallExpr>(
      calleeNameIn<CXXMemberCallExpr>({"async_wait"}),
      cxxMemberCallExpr(
          unless(isExpansionInSystemHeader()),
          callee(cxxMethodDecl(hasName("async_wait"))),
          on(memberOrPointeeReference(TimerField)),
          hasArgument(0, expr().bind("handler")),
          optionally(inFunction(functionDecl().bind("arming_function"))))
          .bind("member_arm"));

  // Rule 3: a thread detached.
  Rules.add<CXXMemberCallExpr>(
      calleeNameIn<CXXMemberCallExpr>({"detach"}),
      cxxMemberCallExpr(
          callee(cxxMethodDecl(
              hasName("detach"),
              ofClass(hasAnyName("::std::thread", "::std::jthread",
                                 "::boost::thread")))),
          on(expr().bind("thread")), InUserCode)
          .bind("detach"));

  // Rule 4: libuv timers started, stopped or closed, passed elsewhere.
  auto UvTimer = qualType(hasUnqualifiedDesugaredType(
      recordType(hasDeclaration(recordDecl(hasName("::uv_timer_s"))))));
  auto UvTimerOrPointer =
      qualType(anyOf(UvTimer, pointerType(pointee(UvTimer))));
  // Memoized per declaration: tested on every argument of every call.
  auto NamedHandle = ignoringParenImpCasts(anyOf(
      declRefExpr(to(varDecl(memoizedVar(varDecl(hasType(UvTimerOrPointer)),
                                      *Finder))
                         .bind("uv_handle"))),
      memberExpr(member(fieldDecl(memoizedField(fieldDecl(hasType(
                                                UvTimerOrPointer)),
                                            *Finder))
                            .bind("uv_handle")))));
  auto UvHandle = ignoringParenCasts(
      anyOf(unaryOperator(hasOperatorName("&"), hasUnaryOperand(NamedHandle)),
            NamedHandle));
  Rules.add<CallExpr>(
      calleeNameIn({"uv_timer_start"}),
      callExpr(callee(functionDecl(hasName("::uv_timer_start"))),
               hasArgument(0, UvHandle), InUserCode)
          .bind("uv_start"));
  auto UvClose = callExpr(callee(functionDecl(hasName("::uv_close"))));
  // Every call of a translation unit is tested: ruled out at once where no
  // libuv timer type is declared, then by its arguments.
  auto UvDeclared = std::make_shared<UvTimerDeclared>();
  // The MatchFinder tells every callback it knows that a translation unit
  // starts, also one whose matcher never matches.
  Finder->addMatcher(translationUnitDecl(unless(anything())), UvDeclared.get());
  Rules.add<CallExpr>(
      [Declared = UvDeclared](const CallExpr &Call,
                              internal::ASTMatchFinder &Finder) {
        return Declared->in(Finder.getASTContext()) &&
               anyArgument(Call, mayNameUvHandle);
      },
      callExpr(
          anyOf(callExpr(hasArgument(0, UvHandle),
                         callee(functionDecl(
                             hasAnyName("::uv_timer_stop", "::uv_close")))),
                // Handed to code that may stop it.
                callExpr(hasAnyArgument(UvHandle),
                         callee(functionDecl(unless(matchesName("^::uv_")))))),
          InUserCode)
          .bind("uv_release"));
  // uv_walk with a callback that closes every handle, the usual shutdown.
  Rules.add<CallExpr>(
      calleeNameIn({"uv_walk"}),
      callExpr(
          callee(functionDecl(hasName("::uv_walk"))),
          hasArgument(1, anyOf(hasDescendant(UvClose),
                               ignoringParenImpCasts(declRefExpr(
                                   to(functionDecl(hasDescendant(UvClose))))))),
          InUserCode)
          .bind("uv_walk_close"));

  // Rule 5: a scheduling call whose result is dropped. Matched as written,
  // so that the temporaries around a returned handle do not hide it.
  auto SchedulingCall =
      callExpr(callee(functionDecl(unless(returns(
                   anyOf(voidType(), booleanType(), referenceType()))))))
          .bind("scheduling");
  auto Dropped = expr(anyOf(
      SchedulingCall, explicitCastExpr(unless(cxxFunctionalCastExpr()),
                                       hasDestinationType(voidType()),
                                       hasSourceExpression(SchedulingCall))));
  // One matcher per kind of statement holding statements.
  auto NotInSystemHeader = unless(isExpansionInSystemHeader());
  // Each first asks whether a statement it holds may be a call at all.
  const internal::Matcher<Stmt> HoldsDropped[] = {
      compoundStmt(precondition<CompoundStmt>(
                       [](const CompoundStmt &Block, internal::ASTMatchFinder &) {
                         return llvm::any_of(Block.body(), mayBeSchedulingCallAsWritten);
                       }),
                   NotInSystemHeader, forEach(Dropped)),
      ifStmt(precondition<IfStmt>(
                 [](const IfStmt &If, internal::ASTMatchFinder &) {
                   return mayBeSchedulingCallAsWritten(If.getThen()) ||
                          mayBeSchedulingCallAsWritten(If.getElse());
                 }),
             NotInSystemHeader, eachOf(hasThen(Dropped), hasElse(Dropped))),
      whileStmt(precondition<WhileStmt>(
                    [](const WhileStmt &Loop, internal::ASTMatchFinder &) {
                      return mayBeSchedulingCallAsWritten(Loop.getBody());
                    }),
                NotInSystemHeader, hasBody(Dropped)),
      doStmt(precondition<DoStmt>(
                 [](const DoStmt &Loop, internal::ASTMatchFinder &) {
                   return mayBeSchedulingCallAsWritten(Loop.getBody());
                 }),
             NotInSystemHeader, hasBody(Dropped)),
      forStmt(precondition<ForStmt>(
                  [](const ForStmt &Loop, internal::ASTMatchFinder &) {
                    return mayBeSchedulingCallAsWritten(Loop.getBody());
                  }),
              NotInSystemHeader, hasBody(Dropped)),
      cxxForRangeStmt(
          precondition<CXXForRangeStmt>(
              [](const CXXForRangeStmt &Loop, internal::ASTMatchFinder &) {
                return mayBeSchedulingCallAsWritten(Loop.getBody());
              }),
          NotInSystemHeader, hasBody(Dropped))};
  for (const auto &Holds : HoldsDropped)
    Finder->addMatcher(traverse(TK_IgnoreUnlessSpelledInSource, stmt(Holds)),
                       this);

  // Rule 6: QTimer::singleShot with no context object.
  auto QObjectPointer = hasType(pointerType(pointee(
      hasDeclaration(cxxRecordDecl(isSameOrDerivedFrom("::QObject"))))));
  Rules.add<CallExpr>(
      calleeNameIn({"singleShot"}),
      callExpr(callee(functionDecl(hasName("::QTimer::singleShot"))),
               unless(hasAnyArgument(QObjectPointer)), InUserCode,
               optionally(inFunction(
                   cxxMethodDecl(
                       unless(isStaticStorageClass()),
                       ofClass(cxxRecordDecl(isSameOrDerivedFrom("::QObject"))))
                       .bind("qobject_method"))))
          .bind("single_shot"));
  Rules.registerWith(*Finder, this);

  // Whole-program facts need the ASTContext even in a TU where nothing
  // else matches (one that only defines `stop()`).
  if (!FactsDirectory.empty())
    Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void UntrackedTimerCheck::check(const MatchFinder::MatchResult &Result) {
  Context = Result.Context;
  const auto &Nodes = Result.Nodes;

  if (const auto *Var = Nodes.getNodeAs<VarDecl>("heap_timer")) {
    if (!isGivenParent(*Nodes.getNodeAs<Expr>("creation")))
      LocalTimers[Var].Created = true;
    return;
  }
  if (const auto *Local = Nodes.getNodeAs<VarDecl>("local_timer")) {
    LocalTimerFacts &Facts = LocalTimers[Local];
    if (const auto *Arm = Nodes.getNodeAs<CXXMemberCallExpr>("local_arm")) {
      if (!Facts.ArmedAt)
        Facts.ArmedAt = Arm;
    } else if (Nodes.getNodeAs<VarDecl>("local_moved_out")) {
      Facts.MovedOut = true;
    } else if (Nodes.getNodeAs<Stmt>("local_kept")) {
      Facts.Kept = true;
    }
    return;
  }
  if (const auto *Arm = Nodes.getNodeAs<CXXMemberCallExpr>("member_arm")) {
    recordArmingSite(*Arm, *Nodes.getNodeAs<FieldDecl>("timer_field"),
                     *Nodes.getNodeAs<Expr>("handler"),
                     Nodes.getNodeAs<FunctionDecl>("arming_function"),
                     *Result.Context);
    return;
  }
  if (const auto *Detach = Nodes.getNodeAs<CXXMemberCallExpr>("detach")) {
    checkDetachedThread(*Detach, *Nodes.getNodeAs<Expr>("thread"),
                        *Result.Context);
    return;
  }
  if (const auto *Start = Nodes.getNodeAs<CallExpr>("uv_start")) {
    const auto *Handle = Nodes.getNodeAs<ValueDecl>("uv_handle");
    if (Start->getNumArgs() > 1 &&
        stopsItsOwnHandle(*Start->getArg(1), *Result.Context))
      UvReleased[Handle] = true;
    UvStarted.insert({Handle, Start});
    return;
  }
  if (Nodes.getNodeAs<CallExpr>("uv_release")) {
    UvReleased[Nodes.getNodeAs<ValueDecl>("uv_handle")] = true;
    return;
  }
  if (Nodes.getNodeAs<CallExpr>("uv_walk_close")) {
    UvClosesEveryHandle = true;
    return;
  }
  if (const auto *Call = Nodes.getNodeAs<CallExpr>("scheduling")) {
    checkDiscardedHandle(*Call);
    return;
  }
  if (const auto *Call = Nodes.getNodeAs<CallExpr>("single_shot"))
    checkSingleShot(*Call, Nodes.getNodeAs<FunctionDecl>("qobject_method"));
}

void UntrackedTimerCheck::recordArmingSite(const CXXMemberCallExpr &Call,
                                           const FieldDecl &Timer,
                                           const Expr &Handler,
                                           const FunctionDecl *ArmingFunction,
                                           ASTContext &Context) {
  const auto *Class = dyn_cast<CXXRecordDecl>(Timer.getParent());
  if (!Class)
    return;
  const Expr *Callable = callableOf(&Handler);
  Owner Held = ownerHeldBy(Callable, *Class);
  if (Held.Kind == Owner::None)
    return;
  // Re-arming: the handler waits on the timer again, or calls back into
  // the function that armed it (`schedule()` from its own handler).
  const Stmt *Body = bodyOfCallable(Callable);
  bool ReArms =
      Body && (callsMethodOnMember(*Body, Timer, ArmMethods, Context) ||
               (ArmingFunction &&
                callsWithinOneLevel(*Body, *ArmingFunction, *Class, Context)));
  ArmingSite Site{&Call,
                  Held.Kind == Owner::Shared ? CaptureKind::SharedOwner
                                             : CaptureKind::This,
                  Held.Name,
                  ReArms,
                  {}};
  if (Body)
    collectGuards(*Body, Context, Site.Guards);
  if (ArmingFunction && ArmingFunction->getBody())
    collectGuards(*ArmingFunction->getBody(), Context, Site.Guards);
  MemberTimers[&instantiationPattern(Timer)].push_back(std::move(Site));
}

void UntrackedTimerCheck::checkDetachedThread(const CXXMemberCallExpr &Detach,
                                              const Expr &Thread,
                                              ASTContext &Context) {
  const Stmt *Body = bodyOfCallable(threadCallable(Thread));
  if (!Body)
    return;
  const FunctionDecl *Sleep = sleepingLoopReachedFrom(*Body, Context);
  if (!Sleep)
    return;
  diag(Detach.getExprLoc(),
       "detached thread runs a periodic loop (sleeping in %0) that nothing "
       "can stop or join; it outlives shutdown")
      << Sleep->getDeclName();
  diag(Detach.getExprLoc(),
       "run the periodic work with 'leakguard::timer_registry::set_interval' "
       "and keep its 'leakguard::timer_handle', or keep the thread and join "
       "it on shutdown",
       DiagnosticIDs::Note);
}

bool UntrackedTimerCheck::isTimerFunctionName(const FunctionDecl &Function) {
  auto [It, Inserted] = TimerFunctionCache.try_emplace(&Function, false);
  if (!Inserted)
    return It->second;
  const IdentifierInfo *Id = Function.getIdentifier();
  if (!Id)
    return false;
  std::string Qualified = Function.getQualifiedNameAsString();
  It->second = llvm::any_of(TimerFunctionPatterns, [&](const llvm::Regex &R) {
    return R.match(Id->getName()) || R.match(Qualified);
  });
  return It->second;
}

void UntrackedTimerCheck::checkDiscardedHandle(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !isTimerFunctionName(*Callee))
    return;
  // A leakguard::timer_handle cancels its timer when the discarded
  // temporary dies; the compiler's [[nodiscard]] warning covers that.
  const CXXRecordDecl *Returned = Callee->getReturnType()->getAsCXXRecordDecl();
  if (Returned &&
      Returned->getQualifiedNameAsString() == "leakguard::timer_handle")
    return;
  diag(Call.getExprLoc(),
       "handle returned by %0 is discarded; the timer it schedules can never "
       "be cancelled")
      << Callee;
  diag(Call.getExprLoc(),
       "keep the handle; 'leakguard::timer_registry' returns a "
       "'[[nodiscard]] leakguard::timer_handle' that cancels its timer when "
       "destroyed",
       DiagnosticIDs::Note);
}

void UntrackedTimerCheck::checkSingleShot(const CallExpr &Call,
                                          const FunctionDecl *QObjectMethod) {
  if (Call.getNumArgs() < 2)
    return;
  const Expr *FunctorArg = Call.getArg(Call.getNumArgs() - 1);
  const Expr *Callable = callableOf(FunctorArg);
  std::string Captured;
  if (const auto *Lambda = dyn_cast_or_null<LambdaExpr>(Callable)) {
    for (const LambdaCapture &Capture : Lambda->captures()) {
      if (Capture.capturesThis() && Capture.getCaptureKind() == LCK_This) {
        Captured = "'this'";
        break;
      }
      if (Capture.capturesVariable() && Capture.getCaptureKind() == LCK_ByRef &&
          Captured.empty())
        Captured = "'" + Capture.getCapturedVar()->getNameAsString() +
                   "' by reference";
    }
  } else if (const CallExpr *Bind = asBindCall(Callable)) {
    for (const Expr *Argument : llvm::drop_begin(Bind->arguments()))
      if (isa<CXXThisExpr>(Argument->IgnoreUnlessSpelledInSource()))
        Captured = "'this'";
  }
  if (Captured.empty())
    return;

  SourceLocation Insert = FunctorArg->getBeginLoc();
  bool CanFix = QObjectMethod && Captured == "'this'" && Insert.isValid() &&
                !Insert.isMacroID();
  {
    auto Diag = diag(Call.getExprLoc(),
                     "'QTimer::singleShot' without a context object: the "
                     "callback captures %0 and runs even if that is "
                     "destroyed first")
                << Captured;
    if (CanFix)
      Diag << FixItHint::CreateInsertion(Insert, "this, ");
  }
  if (!CanFix)
    diag(Call.getExprLoc(),
         "pass a context object before the callback; Qt drops the call when "
         "the context is destroyed",
         DiagnosticIDs::Note);
}

void UntrackedTimerCheck::onEndOfTranslationUnit() {
  diagnoseLocalTimers();
  diagnoseMemberTimers();
  diagnoseUvTimers();
  if (!FactsDirectory.empty())
    exportFacts();
  LocalTimers.clear();
  MemberTimers.clear();
  UvStarted.clear();
  UvReleased.clear();
  UvClosesEveryHandle = false;
  TimerFunctionCache.clear();
}

void UntrackedTimerCheck::diagnoseLocalTimers() {
  for (const auto &[Var, Facts] : LocalTimers) {
    if (!Facts.Created || !Facts.ArmedAt || Facts.Kept)
      continue;
    // A unique_ptr nobody moved out dies, and cancels, at the end of scope.
    if (isUniquePointer(Var->getType()) && !Facts.MovedOut)
      continue;
    diag(Var->getLocation(),
         "heap-allocated timer %0 is armed but never stored in a member or "
         "returned; nothing can cancel it")
        << Var;
    diag(Facts.ArmedAt->getExprLoc(), "armed here", DiagnosticIDs::Note);
    diag(Var->getLocation(), ReplacementNote, DiagnosticIDs::Note);
  }
}

void UntrackedTimerCheck::diagnoseMemberTimers() {
  for (const auto &Entry : MemberTimers) {
    const FieldDecl *Timer = Entry.first;
    const auto &Sites = Entry.second;
    const auto *Class = cast<CXXRecordDecl>(Timer->getParent());
    const ArmingSite *Shared = nullptr, *This = nullptr;
    for (const ArmingSite &Site : Sites) {
      if (!Site.ReArms)
        continue;
      if (Site.Capture == CaptureKind::SharedOwner && !Shared)
        Shared = &Site;
      else if (Site.Capture == CaptureKind::This && !This)
        This = &Site;
    }

    if (Shared) {
      // Any cancel, an expiry change outside the re-arming path, setting a
      // member the re-arming path tests, or stopping the event loop, ends
      // the cycle.
      bool Cancelled =
          llvm::any_of(Class->methods(), [&](const CXXMethodDecl *M) {
            // The cycle keeps the destructor from ever running.
            if (isa<CXXDestructorDecl>(M))
              return false;
            return callsMethodOnMember(*M, *Timer, CancelMethods, *Context) ||
                   (callsMethodOnMember(*M, *Timer, ExpiryMethods, *Context) &&
                    !callsMethodOnMember(*M, *Timer, ArmMethods, *Context)) ||
                   (!isa<CXXConstructorDecl>(M) &&
                    setsGuard(*M, Shared->Guards, ShutdownMethods, *Context)) ||
                   stopsEventLoop(*M, *Context);
          });
      if (Cancelled)
        continue;
      if (!FactsDirectory.empty())
        recordTimerFacts(*Timer, *Shared, {}, /*Reported=*/true);
      diag(Shared->Call->getExprLoc(),
           "periodic timer %0 re-arms itself and captures '%1' but is never "
           "cancelled; the object can never be destroyed")
          << Timer << Shared->CapturedName;
      diag(Shared->Call->getExprLoc(),
           "cancel it on shutdown, or use "
           "'leakguard::timer_registry::set_interval' with a 'std::weak_ptr' "
           "owner: its 'leakguard::timer_handle' cancels the timer once the "
           "object is gone",
           DiagnosticIDs::Note);
      continue;
    }
    if (!This)
      continue;
    // Without a shutdown-like method the timer dies with its object, whose
    // destructor cancels it.
    auto Shutdowns = shutdownMethodsOf(*Class, ShutdownMethods);
    if (Shutdowns.empty())
      continue;
    // Defined elsewhere: it may well cancel it. Only the whole program
    // (leakguard-run, through the facts) can tell.
    bool DefinedElsewhere = llvm::any_of(
        Shutdowns, [](const CXXMethodDecl *M) { return !M->getDefinition(); });
    if (DefinedElsewhere && FactsDirectory.empty())
      continue;
    bool CancelledOnShutdown =
        llvm::any_of(Shutdowns, [&](const CXXMethodDecl *M) {
          return callsMethodOnMember(*M, *Timer, CancelMethods, *Context) ||
                 callsMethodOnMember(*M, *Timer, ExpiryMethods, *Context) ||
                 setsGuard(*M, This->Guards, ShutdownMethods, *Context) ||
                 stopsEventLoop(*M, *Context);
        });
    if (CancelledOnShutdown)
      continue;
    if (!FactsDirectory.empty())
      recordTimerFacts(*Timer, *This, Shutdowns, !DefinedElsewhere);
    if (DefinedElsewhere)
      continue;
    diag(This->Call->getExprLoc(),
         "periodic timer %0 re-arms itself and captures 'this' but is not "
         "cancelled by %1; it keeps firing after shutdown")
        << Timer << quotedList(Shutdowns);
    diag(This->Call->getExprLoc(), CancelOnShutdownNote, DiagnosticIDs::Note);
  }
}

void UntrackedTimerCheck::diagnoseUvTimers() {
  if (UvClosesEveryHandle)
    return;
  for (const auto &[Handle, Start] : UvStarted) {
    if (UvReleased.lookup(Handle))
      continue;
    diag(Start->getExprLoc(),
         "libuv timer %0 is started but never stopped ('uv_timer_stop') or "
         "closed ('uv_close') in this translation unit")
        << Handle;
    diag(Start->getExprLoc(), ReplacementNote, DiagnosticIDs::Note);
  }
}

// ---- Whole-program facts (docs/whole-program.md) ------------------------
//
// Rule 2(b) stays silent when a shutdown-like method is defined in another
// TU; rule 2(a) reports although a member function defined in another TU
// may cancel the timer. Each TU exports those rule-2 timers, and what each
// member function it defines of a class with a timer data member does to
// the timers (cancels, moves the expiry) and to the other data members
// (sets them: a guard the re-arming path tests) or the event loop. The
// driver merges them (tool/leakguard-run/WholeProgramTimers.cpp).

namespace {

/// The warning's text of rule 2(b), as diag() formats it.
std::string notCancelledOnShutdownMessage(
    const FieldDecl &Timer, llvm::ArrayRef<const CXXMethodDecl *> Shutdowns,
    const PrintingPolicy &Policy) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  OS << "periodic timer '";
  Timer.getNameForDiagnostic(OS, Policy, /*Qualified=*/false);
  OS << "' re-arms itself and captures 'this' but is not cancelled by ";
  for (const CXXMethodDecl *Method : Shutdowns)
    OS << (Method == Shutdowns.front() ? "'" : " or '")
       << Method->getNameAsString() << "'";
  OS << "; it keeps firing after shutdown";
  return Text;
}

llvm::json::Array usrsOf(llvm::ArrayRef<const FieldDecl *> Fields) {
  llvm::json::Array Result;
  for (const FieldDecl *Field : Fields)
    if (std::optional<std::string> Usr = facts::usrOf(*Field))
      Result.push_back(*Usr);
  return Result;
}

/// Classes defined in user code (not templates) anywhere in \p Context,
/// nested ones included.
void collectUserClasses(const DeclContext &Context, const SourceManager &SM,
                        llvm::SmallVectorImpl<const CXXRecordDecl *> &Out) {
  for (const Decl *D : Context.decls()) {
    if (D->isImplicit() || SM.isInSystemHeader(D->getLocation()))
      continue;
    if (isa<NamespaceDecl, LinkageSpecDecl>(D)) {
      collectUserClasses(*cast<DeclContext>(D), SM, Out);
    } else if (const auto *Record = dyn_cast<CXXRecordDecl>(D)) {
      if (!Record->isThisDeclarationADefinition() ||
          Record->isDependentContext() || Record->isLambda() ||
          isa<ClassTemplateSpecializationDecl>(Record))
        continue;
      Out.push_back(Record);
      collectUserClasses(*Record, SM, Out);
    }
  }
}

} // namespace

void UntrackedTimerCheck::recordTimerFacts(
    const FieldDecl &Timer, const ArmingSite &Site,
    llvm::ArrayRef<const CXXMethodDecl *> Shutdowns, bool Reported) {
  const auto *Class = cast<CXXRecordDecl>(Timer.getParent());
  // Class templates: their member functions are not exported; the class
  // keeps its single-TU verdict.
  if (Class->isDependentContext())
    return;
  std::optional<std::string> Usr = facts::usrOf(Timer);
  std::optional<std::string> ClassUsr = facts::usrOf(*Class);
  if (!Usr || !ClassUsr)
    return;
  const SourceManager &SM = Context->getSourceManager();
  llvm::json::Object Fact{
      {"usr", *Usr},
      {"class", *ClassUsr},
      {"captures", Site.Capture == CaptureKind::SharedOwner ? "shared" : "this"},
      {"location", facts::location(SM, Site.Call->getExprLoc())},
      {"guards", usrsOf(Site.Guards)},
      {"reported", Reported}};
  if (!Shutdowns.empty()) {
    llvm::json::Array ShutdownUsrs;
    for (const CXXMethodDecl *Method : Shutdowns)
      if (std::optional<std::string> MethodUsr = facts::usrOf(*Method))
        ShutdownUsrs.push_back(*MethodUsr);
    Fact["shutdowns"] = std::move(ShutdownUsrs);
    Fact["message"] = notCancelledOnShutdownMessage(
        Timer, Shutdowns, Context->getPrintingPolicy());
    Fact["note"] = CancelOnShutdownNote;
  }
  TimerFacts.push_back(std::move(Fact));
}

void UntrackedTimerCheck::exportFacts() {
  if (!Context)
    return;
  const SourceManager &SM = Context->getSourceManager();
  auto TimerField = fieldDecl(hasType(qualType(anyOf(
      matchers::containerType(TimerTypes),
      pointerType(pointee(matchers::containerType(TimerTypes))),
      hasUnqualifiedDesugaredType(recordType(
          hasDeclaration(classTemplateSpecializationDecl(
              hasAnyName("::std::shared_ptr", "::std::unique_ptr",
                         "::boost::shared_ptr"),
              hasTemplateArgument(
                  0, refersToType(matchers::containerType(TimerTypes)))))))))));
  llvm::SmallVector<const CXXRecordDecl *, 16> Classes;
  collectUserClasses(*Context->getTranslationUnitDecl(), SM, Classes);

  llvm::json::Array Methods;
  for (const CXXRecordDecl *Class : Classes) {
    llvm::SmallVector<const FieldDecl *, 2> Timers;
    for (const FieldDecl *Field : Class->fields())
      if (!match(TimerField, *Field, *Context).empty())
        Timers.push_back(Field);
    if (Timers.empty())
      continue;
    auto Shutdowns = shutdownMethodsOf(*Class, ShutdownMethods);
    for (const CXXMethodDecl *Method : Class->methods()) {
      // The cycle keeps the destructor from running (2a); 2(b) asks only
      // the shutdown-like methods.
      const FunctionDecl *Definition = Method->getDefinition();
      if (Method->isImplicit() || isa<CXXDestructorDecl>(Method) ||
          !Definition || !Definition->getBody())
        continue;
      bool IsShutdown =
          llvm::is_contained(Shutdowns, Method->getCanonicalDecl());
      llvm::SmallVector<const FieldDecl *, 2> Cancels, Expires;
      for (const FieldDecl *Timer : Timers) {
        bool Cancel = callsMethodOnMember(*Method, *Timer, CancelMethods,
                                          *Context);
        bool Expiry = callsMethodOnMember(*Method, *Timer, ExpiryMethods,
                                          *Context);
        // Rule 2(a) counts an expiry change outside the re-arming path.
        if (Cancel || (Expiry && !callsMethodOnMember(*Method, *Timer,
                                                      ArmMethods, *Context)))
          Cancels.push_back(Timer);
        // Rule 2(b) asks the shutdown-like methods only.
        if (Expiry && IsShutdown)
          Expires.push_back(Timer);
      }
      llvm::SmallVector<const FieldDecl *, 4> Sets;
      if (!isa<CXXConstructorDecl>(Method))
        Sets = fieldsSetBy(*Method, ShutdownMethods, *Context);
      bool StopsLoop = stopsEventLoop(*Method, *Context);
      if (!IsShutdown && Cancels.empty() && Expires.empty() && Sets.empty() &&
          !StopsLoop)
        continue;
      std::optional<std::string> Usr = facts::usrOf(*Method);
      std::optional<std::string> ClassUsr = facts::usrOf(*Class);
      if (!Usr || !ClassUsr)
        continue;
      llvm::json::Object Fact{{"usr", *Usr}, {"class", *ClassUsr}};
      if (!Cancels.empty())
        Fact["cancels"] = usrsOf(Cancels);
      if (!Expires.empty())
        Fact["expires"] = usrsOf(Expires);
      if (!Sets.empty())
        Fact["sets"] = usrsOf(Sets);
      if (StopsLoop)
        Fact["stops_event_loop"] = true;
      Methods.push_back(std::move(Fact));
    }
  }
  if (TimerFacts.empty() && Methods.empty())
    return;
  facts::write(FactsDirectory, "leak-untracked-timer", SM,
               llvm::json::Object{{"timers", std::move(TimerFacts)},
                                  {"methods", std::move(Methods)}});
  TimerFacts = llvm::json::Array();
}

} // namespace clang::tidy::leakguard
