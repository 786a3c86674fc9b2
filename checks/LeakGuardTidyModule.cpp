//===--- LeakGuardTidyModule.cpp - leakguard ------------------------------===//
//
// Registers every leakguard check under the "leak-" prefix. The same object
// file serves the --load plugin and the standalone executable.
//
//===----------------------------------------------------------------------===//

#include "ClangTidyModule.h"
#include "GlobalConnectionCheck.h"
#include "ListenerNotRemovedCheck.h"
#include "UnboundedContainerCheck.h"
#include "UntrackedTimerCheck.h"
#include "common/Compat.h"
#include "common/HostVersion.h"
#include "common/UserCodeScope.h"

namespace clang::tidy::leakguard {

class LeakGuardModule : public ClangTidyModule {
public:
  // Each check as InUserCode<Check>: matched in user code only (see
  // common/UserCodeScope.h and docs/performance.md).
  void addCheckFactories(ClangTidyCheckFactories &CheckFactories) override {
    CheckFactories.registerCheck<InUserCode<UnboundedContainerCheck>>(
        "leak-unbounded-container");
    CheckFactories.registerCheck<InUserCode<ListenerNotRemovedCheck>>(
        "leak-listener-not-removed");
    CheckFactories.registerCheck<InUserCode<UntrackedTimerCheck>>(
        "leak-untracked-timer");
    CheckFactories.registerCheck<InUserCode<GlobalConnectionCheck>>(
        "leak-global-connection");
  }
};

// Registration waits for the host check: in a clang-tidy of another LLVM
// version the first call into its API would crash.
[[maybe_unused]] static const bool Registered = [] {
  if (!isHostLLVMCompatible(LEAKGUARD_LLVM_MAJOR))
    return false;
  static ClangTidyModuleRegistry::Add<LeakGuardModule> X(
      "leakguard-module", "Checks for leak patterns in long-running code.");
  return true;
}();

} // namespace clang::tidy::leakguard

// The LLVM version this module was built for, readable with `strings`.
extern "C" __attribute__((used)) const char LeakGuardBuiltForLLVM[] =
    "leakguard-built-for-llvm-" LEAKGUARD_LLVM_MAJOR_STRING;
