//===--- Compat.h - differences between the supported LLVM versions -------===//
//
// Every place where the clang / clang-tidy API differs between the LLVM
// major versions leakguard builds against (docs/llvm-versions.md) goes
// here, keyed on LLVM_VERSION_MAJOR, so the checks read the same for all.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_COMPAT_H
#define LEAKGUARD_CHECKS_COMMON_COMPAT_H

#include "ClangTidyDiagnosticConsumer.h"
#include "utils/IncludeInserter.h"
#include "clang/AST/Decl.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Type.h"
#include "clang/AST/TypeLoc.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/xxhash.h"
#include <optional>
#include <utility>

// What LLVM < 16's APIs return instead of std::optional (toStdOptional).
#if LLVM_VERSION_MAJOR < 16
#include "llvm/ADT/Optional.h"
#endif

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

/// Whether a name's qualifier (`A::B::name`) names a type anywhere (a
/// class, a `decltype(x)::`): LLVM 22 made NestedNameSpecifier a value
/// whose type component holds its own prefix; before, a pointer chain.
template <typename QualifiedNode>
bool qualifierNamesType(const QualifiedNode &Node) {
#if LLVM_VERSION_MAJOR >= 22
  for (NestedNameSpecifier Qualifier = Node.getQualifier(); Qualifier;) {
    switch (Qualifier.getKind()) {
    case NestedNameSpecifier::Kind::Type:
      return true;
    case NestedNameSpecifier::Kind::Namespace:
      Qualifier = Qualifier.getAsNamespaceAndPrefix().Prefix;
      continue;
    default:
      return false;
    }
  }
  return false;
#else
  for (const NestedNameSpecifier *Qualifier = Node.getQualifier(); Qualifier;
       Qualifier = Qualifier->getPrefix())
    if (Qualifier->getAsType())
      return true;
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

//===--- LLVM 14 and 15 (the checks) -------------------------------------===//
// Debian bookworm's plain clang-tidy is 14, Ubuntu 22.04's too. These APIs
// changed in LLVM 15 or 16; everything the checks need from them goes
// through the helpers below.

/// StringRef::starts_with / ends_with of LLVM 16; startswith / endswith
/// before (removed in LLVM 19).
inline bool startsWith(llvm::StringRef S, llvm::StringRef Prefix) {
#if LLVM_VERSION_MAJOR >= 16
  return S.starts_with(Prefix);
#else
  return S.startswith(Prefix);
#endif
}
inline bool endsWith(llvm::StringRef S, llvm::StringRef Suffix) {
#if LLVM_VERSION_MAJOR >= 16
  return S.ends_with(Suffix);
#else
  return S.endswith(Suffix);
#endif
}

/// The std::optional of a value an LLVM API returns as std::optional from
/// LLVM 16 on and as llvm::Optional before (sys::Process::GetEnv,
/// ClangTidyCheck::OptionsView::get without a default, ...).
template <typename T> std::optional<T> toStdOptional(std::optional<T> Value) {
  return Value;
}
#if LLVM_VERSION_MAJOR < 16
template <typename T> std::optional<T> toStdOptional(llvm::Optional<T> Value) {
  if (!Value)
    return std::nullopt;
  return std::move(*Value);
}
#endif

/// ClangTidyContext::areDiagsSelfContained() of LLVM 15 (clangd asks for
/// each fix to carry its own include insertion); LLVM 14 never does.
inline bool areDiagsSelfContained(const ClangTidyContext &Context) {
#if LLVM_VERSION_MAJOR >= 15
  return Context.areDiagsSelfContained();
#else
  return false;
#endif
}

/// utils::IncludeInserter for a check: LLVM 15 takes whether the check's
/// diagnostics are self-contained, LLVM 14 the style only.
inline utils::IncludeInserter
includeInserter(utils::IncludeSorter::IncludeStyle Style,
                const ClangTidyContext &Context) {
#if LLVM_VERSION_MAJOR >= 15
  return utils::IncludeInserter(Style, areDiagsSelfContained(Context));
#else
  return utils::IncludeInserter(Style);
#endif
}

} // namespace clang::tidy::leakguard::compat

//===--- leakguard-run (the driver) ---------------------------------------===//
// Only tool/leakguard-run uses what follows; kept in its own block (and with
// its own includes) so that it stays apart from the checks' differences.

#include "llvm/Support/Error.h"
#include "llvm/Support/ThreadPool.h"

namespace clang::tidy::leakguard::compat {

/// An llvm::Error with a printf-formatted message and no error code: LLVM
/// 18's createStringError(Fmt, ...); LLVM < 18 has only the overload taking
/// an std::error_code, and LLVM 18 passes inconvertibleErrorCode() itself.
template <typename... Ts>
llvm::Error stringError(const char *Format, const Ts &...Values) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Format,
                                 Values...);
}

/// The thread pool: LLVM 19 renamed llvm::ThreadPool to DefaultThreadPool
/// (ThreadPool became the interface).
#if LLVM_VERSION_MAJOR >= 19
using ThreadPool = llvm::DefaultThreadPool;
#else
using ThreadPool = llvm::ThreadPool;
#endif

} // namespace clang::tidy::leakguard::compat

#endif
