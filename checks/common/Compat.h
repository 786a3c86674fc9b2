//===--- Compat.h - differences between the supported LLVM versions -------===//
//
// Every place where the clang / clang-tidy API differs between the LLVM
// major versions leakguard builds against (docs/llvm-versions.md) goes
// here, keyed on LLVM_VERSION_MAJOR, so the checks read the same for all.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_COMPAT_H
#define LEAKGUARD_CHECKS_COMMON_COMPAT_H

#include "clang/AST/Type.h"
#include "clang/AST/TypeLoc.h"
#include "llvm/Config/llvm-config.h"

// LLVM 22 moved the module registry into ClangTidyModule.h and deprecated
// ClangTidyModuleRegistry.h (removed in LLVM 24).
#if LLVM_VERSION_MAJOR >= 22
#include "ClangTidyModule.h"
#else
#include "ClangTidyModuleRegistry.h"
#endif

namespace clang::tidy::leakguard::compat {

/// The type loc without the ElaboratedTypeLoc that LLVM < 22 wraps around
/// a name written with a qualifier or keyword (`std::vector<int>`). LLVM 22
/// removed ElaboratedType: the qualifier lives in the named type itself.
inline TypeLoc withoutElaboration(TypeLoc Loc) {
#if LLVM_VERSION_MAJOR < 22
  if (auto Elaborated = Loc.getAs<ElaboratedTypeLoc>())
    return Elaborated.getNamedTypeLoc();
#endif
  return Loc;
}

/// True for the qualifier-only sugar node of LLVM < 22 (never in LLVM 22).
inline bool isElaborationSugar(const Type *T) {
#if LLVM_VERSION_MAJOR < 22
  return isa<ElaboratedType>(T);
#else
  return false;
#endif
}

} // namespace clang::tidy::leakguard::compat

#endif
