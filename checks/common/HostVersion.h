//===--- HostVersion.h - which LLVM is the plugin loaded into -------------===//
//
// clang-tidy has no stable ABI: a plugin built for one LLVM major version
// crashes, or dies on an unresolved symbol, inside another. Before touching
// any clang-tidy API the module asks which LLVM the host process runs.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_HOSTVERSION_H
#define LEAKGUARD_CHECKS_COMMON_HOSTVERSION_H

#include <optional>

namespace clang::tidy::leakguard {

/// The LLVM major version of the shared libLLVM / libclang-cpp loaded in
/// this process, or nothing when LLVM is linked statically (then the
/// version cannot be told apart and is assumed to match).
std::optional<unsigned> loadedLLVMMajorVersion();

/// True when the checks may register: the host runs the LLVM they were
/// built for (or the host's version is unknown). Otherwise prints one line
/// to stderr saying what to do instead. Uses libc only.
bool isHostLLVMCompatible(unsigned BuiltForMajor);

} // namespace clang::tidy::leakguard

#endif
