//===--- Compat.h - differences between the supported LLVM versions -------===//
//
// Every place where the clang / clang-tidy API differs between the LLVM
// major versions leakguard builds against (docs/llvm-versions.md) goes
// here, keyed on LLVM_VERSION_MAJOR, so the checks read the same for all.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_COMPAT_H
#define LEAKGUARD_CHECKS_COMMON_COMPAT_H

#include "clang/AST/Decl.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Type.h"
#include "clang/AST/TypeLoc.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/xxhash.h"

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

/// FunctionDecl::isPureVirtual() of LLVM 18; isPure() before.
inline bool isPureVirtual(const FunctionDecl &Function) {
#if LLVM_VERSION_MAJOR >= 18
  return Function.isPureVirtual();
#else
  return Function.isPure();
#endif
}

/// How a new-expression initialises its object, as written: LLVM 18's
/// CXXNewInitializationStyle, CXXNewExpr::InitializationStyle before.
#if LLVM_VERSION_MAJOR >= 18
using NewInitStyle = CXXNewInitializationStyle;
inline constexpr NewInitStyle NewWithoutInit = CXXNewInitializationStyle::None;
inline constexpr NewInitStyle NewWithParens = CXXNewInitializationStyle::Parens;
#else
using NewInitStyle = CXXNewExpr::InitializationStyle;
inline constexpr NewInitStyle NewWithoutInit = CXXNewExpr::NoInit;
inline constexpr NewInitStyle NewWithParens = CXXNewExpr::CallInit;
#endif

/// Removes every element equal to \p Value: llvm::erase of LLVM 18,
/// llvm::erase_value before.
template <typename Container, typename Value>
void eraseValue(Container &C, const Value &V) {
#if LLVM_VERSION_MAJOR >= 18
  llvm::erase(C, V);
#else
  llvm::erase_value(C, V);
#endif
}

/// A 64-bit hash of \p Data, stable across runs of the same build:
/// xxh3_64bits from LLVM 17 on, xxHash64 before (different values: do not
/// compare hashes made by builds against different LLVM versions).
inline uint64_t hash64(llvm::StringRef Data) {
#if LLVM_VERSION_MAJOR >= 17
  return llvm::xxh3_64bits(Data);
#else
  return llvm::xxHash64(Data);
#endif
}

} // namespace clang::tidy::leakguard::compat

#endif
