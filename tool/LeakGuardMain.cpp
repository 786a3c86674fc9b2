//===--- LeakGuardMain.cpp - the standalone leakguard tool ----------------===//
//
// clang-tidy's own driver with the leakguard module linked in, for machines
// whose clang-tidy cannot load the plugin. Every clang-tidy flag works.
// Unlike clang-tidy, the default check set is "-*,leak-*" when the user
// selects no checks of their own: no --checks, and no "Checks" key in
// --config, --config-file or the .clang-tidy nearest a source file.
//
//===----------------------------------------------------------------------===//

#include "common/Compat.h"
#include "tool/ClangTidyMain.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Regex.h"
#include <optional>
#include "llvm/Support/Path.h"
#include <string>
#include <vector>

namespace {

// A configuration text that sets "Checks" (YAML or the inline form).
bool definesChecks(llvm::StringRef Config) {
  static const llvm::Regex ChecksKey("(^|[{,[:space:]])Checks[[:space:]]*:");
  return ChecksKey.match(Config);
}

bool fileDefinesChecks(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  return Buffer && definesChecks((*Buffer)->getBuffer());
}

/// The nearest .clang-tidy above a source file, as clang-tidy finds it.
bool nearestClangTidyFileDefinesChecks(llvm::StringRef Source) {
  llvm::SmallString<256> Dir(Source);
  llvm::sys::fs::make_absolute(Dir);
  llvm::sys::path::remove_filename(Dir);
  for (llvm::StringRef D = Dir; !D.empty(); D = llvm::sys::path::parent_path(D)) {
    llvm::SmallString<256> Candidate(D);
    llvm::sys::path::append(Candidate, ".clang-tidy");
    if (llvm::sys::fs::exists(Candidate))
      return fileDefinesChecks(Candidate);
  }
  return false;
}

/// The value of "-flag=value" or "--flag=value", or of "-flag value".
std::optional<llvm::StringRef> flagValue(int &I, int Argc, const char **Argv,
                                         llvm::StringRef Flag) {
  llvm::StringRef Arg(Argv[I]);
  Arg.consume_front("-");
  Arg.consume_front("-");
  if (!Arg.consume_front(Flag))
    return std::nullopt;
  if (Arg.consume_front("="))
    return Arg;
  if (!Arg.empty())
    return std::nullopt;
  return I + 1 < Argc ? std::optional<llvm::StringRef>(Argv[++I]) : "";
}

bool userSelectsChecks(int Argc, const char **Argv) {
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef Arg(Argv[I]);
    if (Arg == "--")
      break;
    if (flagValue(I, Argc, Argv, "checks"))
      return true;
    if (auto Config = flagValue(I, Argc, Argv, "config-file")) {
      if (fileDefinesChecks(*Config))
        return true;
      continue;
    }
    if (auto Config = flagValue(I, Argc, Argv, "config")) {
      if (definesChecks(*Config))
        return true;
      continue;
    }
    if (!clang::tidy::leakguard::compat::startsWith(Arg, "-") &&
        nearestClangTidyFileDefinesChecks(Arg))
      return true;
  }
  return false;
}

} // namespace

int main(int Argc, const char **Argv) {
  std::vector<const char *> Args(Argv, Argv + Argc);
  if (!userSelectsChecks(Argc, Argv))
    Args.insert(Args.begin() + 1, "--checks=-*,leak-*");
  return clang::tidy::clangTidyMain(static_cast<int>(Args.size()), Args.data());
}
