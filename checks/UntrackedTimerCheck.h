//===--- UntrackedTimerCheck.h - leakguard --------------------------------===//

#ifndef LEAKGUARD_CHECKS_UNTRACKEDTIMERCHECK_H
#define LEAKGUARD_CHECKS_UNTRACKEDTIMERCHECK_H

#include "ClangTidyCheck.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Regex.h"
#include <string>
#include <vector>

namespace clang::tidy::leakguard {

/// Flags timers and periodic tasks that nothing can cancel: heap timers
/// owned only by their handler, self re-arming asio timers that are never
/// cancelled, detached threads running a sleeping loop, libuv timers never
/// stopped, discarded scheduling handles, and `QTimer::singleShot` without a
/// context object.
///
/// For the user-facing documentation see:
/// docs/checks/leak-untracked-timer.md
class UntrackedTimerCheck : public ClangTidyCheck {
public:
  UntrackedTimerCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

private:
  /// A timer created on the heap into a local variable (rule 1).
  struct LocalTimerFacts {
    bool Created = false; // by new / make_shared / make_unique, unparented
    const Expr *ArmedAt = nullptr;
    bool Kept = false;     // stored, returned, passed on, parented, cancelled
    bool MovedOut = false; // a unique_ptr handed to its handler
  };

  /// How a handler keeps its object alive.
  enum class CaptureKind { None, This, SharedOwner };

  /// One `async_wait` on a timer data member (rule 2).
  struct ArmingSite {
    const CXXMemberCallExpr *Call;
    CaptureKind Capture;
    std::string CapturedName;
    bool ReArms;
    /// Data members the re-arming path tests before waiting again
    /// (`if (stopped_) return;`); setting one is a way to stop it.
    llvm::SmallVector<const FieldDecl *, 2> Guards;
  };

  void checkDetachedThread(const CXXMemberCallExpr &Detach, const Expr &Thread,
                           ASTContext &Context);
  void checkDiscardedHandle(const CallExpr &Call);
  void checkSingleShot(const CallExpr &Call, const FunctionDecl *QObjectMethod);
  void recordArmingSite(const CXXMemberCallExpr &Call, const FieldDecl &Timer,
                        const Expr &Handler, const FunctionDecl *ArmingFunction,
                        ASTContext &Context);
  void diagnoseLocalTimers();
  void diagnoseMemberTimers();
  void diagnoseUvTimers();
  bool isTimerFunctionName(const FunctionDecl &Function);
  /// Whole-program facts (LEAKGUARD_FACTS_DIR): a rule-2 timer this TU
  /// reported, or left alone because a shutdown-like method is defined
  /// elsewhere.
  void recordTimerFacts(const FieldDecl &Timer, const ArmingSite &Site,
                        llvm::ArrayRef<const CXXMethodDecl *> Shutdowns,
                        bool Reported);
  void exportFacts();

  const std::vector<std::string> TimerTypes;
  const std::vector<std::string> ShutdownMethods;
  const std::string TimerFunctions;
  std::vector<llvm::Regex> TimerFunctionPatterns;
  llvm::DenseMap<const FunctionDecl *, bool> TimerFunctionCache;

  ASTContext *Context = nullptr;
  llvm::MapVector<const VarDecl *, LocalTimerFacts> LocalTimers;
  llvm::MapVector<const FieldDecl *, llvm::SmallVector<ArmingSite, 2>>
      MemberTimers;
  /// libuv handles started, and those stopped / closed / passed on.
  llvm::MapVector<const ValueDecl *, const CallExpr *> UvStarted;
  llvm::DenseMap<const ValueDecl *, bool> UvReleased;
  bool UvClosesEveryHandle = false;

  const std::string FactsDirectory; // "": export nothing
  llvm::json::Array TimerFacts;
};

} // namespace clang::tidy::leakguard

#endif
