//===--- HostVersion.cpp - which LLVM is the plugin loaded into -----------===//

#include "common/HostVersion.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <link.h>

namespace clang::tidy::leakguard {

namespace {

// Debian and most distributions: libLLVM.so.19.1 / libLLVM-19.so /
// libclang-cpp.so.19.1. The major version follows the first '.so.' or '-'.
std::optional<unsigned> majorFromLibraryName(const char *Path) {
  const char *Base = std::strrchr(Path, '/');
  Base = Base ? Base + 1 : Path;
  for (const char *Prefix : {"libLLVM.so.", "libLLVM-", "libclang-cpp.so."}) {
    std::size_t Length = std::strlen(Prefix);
    if (std::strncmp(Base, Prefix, Length) != 0)
      continue;
    char *End = nullptr;
    unsigned long Major = std::strtoul(Base + Length, &End, 10);
    if (End != Base + Length && Major > 0)
      return static_cast<unsigned>(Major);
  }
  return std::nullopt;
}

int visitLibrary(dl_phdr_info *Info, size_t, void *Data) {
  auto *Found = static_cast<std::optional<unsigned> *>(Data);
  if (Info->dlpi_name && (*Found = majorFromLibraryName(Info->dlpi_name)))
    return 1;
  return 0;
}

} // namespace

std::optional<unsigned> loadedLLVMMajorVersion() {
  std::optional<unsigned> Found;
  dl_iterate_phdr(visitLibrary, &Found);
  return Found;
}

bool isHostLLVMCompatible(unsigned BuiltForMajor) {
  std::optional<unsigned> Host = loadedLLVMMajorVersion();
  if (!Host || *Host == BuiltForMajor)
    return true;
  std::fprintf(stderr,
               "leakguard: this plugin was built for LLVM %u but is loaded "
               "into clang-tidy of LLVM %u; no leak-* checks are registered. "
               "Use the standalone 'leakguard' tool, or rebuild the plugin "
               "with -DLEAKGUARD_LLVM_ROOT=/usr/lib/llvm-%u.\n",
               BuiltForMajor, *Host, *Host);
  return false;
}

} // namespace clang::tidy::leakguard
