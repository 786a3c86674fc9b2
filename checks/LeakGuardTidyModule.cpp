//===--- LeakGuardTidyModule.cpp - leakguard ------------------------------===//
//
// Registers every leakguard check under the "leak-" prefix. The same object
// file serves the --load plugin and the standalone executable.
//
//===----------------------------------------------------------------------===//

#include "ClangTidyModule.h"
#include "ClangTidyModuleRegistry.h"
#include "GlobalConnectionCheck.h"
#include "ListenerNotRemovedCheck.h"
#include "UnboundedContainerCheck.h"
#include "UntrackedTimerCheck.h"

namespace clang::tidy::leakguard {

class LeakGuardModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &CheckFactories) override {
    CheckFactories.registerCheck<UnboundedContainerCheck>(
        "leak-unbounded-container");
    CheckFactories.registerCheck<ListenerNotRemovedCheck>(
        "leak-listener-not-removed");
    CheckFactories.registerCheck<UntrackedTimerCheck>("leak-untracked-timer");
    CheckFactories.registerCheck<GlobalConnectionCheck>(
        "leak-global-connection");
  }
};

static ClangTidyModuleRegistry::Add<LeakGuardModule>
    X("leakguard-module", "Checks for leak patterns in long-running code.");

} // namespace clang::tidy::leakguard
