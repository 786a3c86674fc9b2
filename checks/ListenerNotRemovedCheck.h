//===--- ListenerNotRemovedCheck.h - leakguard ----------------------------===//

#ifndef LEAKGUARD_CHECKS_LISTENERNOTREMOVEDCHECK_H
#define LEAKGUARD_CHECKS_LISTENERNOTREMOVEDCHECK_H

#include "ClangTidyCheck.h"
#include "common/LeakMatchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Regex.h"
#include <memory>
#include <string>
#include <vector>

namespace clang::tidy::leakguard {

/// Finds listeners nothing can remove:
///  1. a class that stores listeners (a container of callables, a signal,
///     an emitter base) and has shutdown-like methods, none of which
///     removes them;
///  2. a subscription whose handle is discarded while the listener
///     captures `this`, a reference or a `shared_ptr`;
///  3. Qt's three-argument `QObject::connect` with a capturing lambda and
///     no context object.
///
/// For the user-facing documentation see:
/// docs/checks/leak-listener-not-removed.md
class ListenerNotRemovedCheck : public ClangTidyCheck {
public:
  ListenerNotRemovedCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

  /// Unqualified function names matched by the SubscribeFunctions regex,
  /// memoized per identifier.
  class NameFilter {
  public:
    explicit NameFilter(StringRef Pattern) : Pattern(Pattern) {}
    bool matches(const NamedDecl &D);

  private:
    llvm::Regex Pattern;
    llvm::DenseMap<const IdentifierInfo *, bool> Known;
  };

private:
  enum class StorageKind { Unknown, Callables, Signal, EmitterBase };

  /// One place a class keeps its listeners: a data member (key: the
  /// FieldDecl) or the listeners it inherits from an emitter base (key:
  /// the class itself).
  struct Storage {
    StorageKind Kind = StorageKind::Unknown;
    const CXXRecordDecl *Owner = nullptr;
    /// The emitter base and how the class names it, for EmitterBase.
    const CXXRecordDecl *EmitterBase = nullptr;
    SourceRange EmitterBaseRange;
    llvm::SmallVector<SourceLocation, 4> AddSites;
    /// Taken out wholesale outside shutdown (popped, swapped, moved): a
    /// queue of pending callbacks, not a listener list.
    bool IsDrained = false;
    /// A shutdown-like method of another class (a derived one) removes it.
    bool RemovedByOtherShutdown = false;
  };

  void recordStorageFact(const ast_matchers::MatchFinder::MatchResult &Result);
  void checkSubscription(const CallExpr &Call, const FunctionDecl &Callee,
                         ASTContext &Context);
  void checkQtConnect(const CallExpr &Call, const FunctionDecl *Caller,
                      ASTContext &Context);
  bool isRemovedOnShutdown(const Decl &Key, const Storage &S,
                           ArrayRef<const CXXMethodDecl *> Shutdowns) const;
  void diagnoseEmitter(const CXXRecordDecl &Owner,
                       ArrayRef<std::pair<const Decl *, const Storage *>> Kept,
                       ArrayRef<const CXXMethodDecl *> Shutdowns);
  std::string removalStatement(const Decl &Key, const Storage &S) const;
  /// How the warning names the storage: 'handlers_', or "those it
  /// inherits from 'event_emitter<Event>'".
  std::string describeStorage(const Decl &Key, const Storage &S) const;
  /// Whether the storage gets the note suggesting leakguard::event_emitter.
  static bool needsEmitterNote(const Decl &Key, const Storage &S);
  /// Whole-program facts (LEAKGUARD_FACTS_DIR): for each class with
  /// shutdown-like methods, its listener storage, where this TU adds to it,
  /// and which of those methods this TU defines and what they remove.
  void exportFacts(const llvm::SmallPtrSetImpl<const CXXRecordDecl *>
                       &Reported) const;
  bool isShutdownLike(const FunctionDecl &Function) const;

  const std::vector<std::string> SignalTypes;
  const std::vector<std::string> EmitterBases;
  const std::vector<std::string> ShutdownMethods;
  const std::string SubscribeFunctions;
  std::shared_ptr<NameFilter> SubscribeNames;

  ASTContext *Context = nullptr;
  llvm::MapVector<const Decl *, Storage> Storages;
  MemberEffects Removals;
  /// Which functions still read the listeners (emit a "close" event, run
  /// shutdown hooks): a shutdown method that does gets the removal last.
  MemberEffects Uses;

  const std::string FactsDirectory; // "": export nothing
};

} // namespace clang::tidy::leakguard

#endif
