//===--- LeakGuardMain.cpp - the standalone leakguard tool ----------------===//
//
// clang-tidy's own driver with the leakguard module linked in, for machines
// whose clang-tidy cannot load the plugin. Every clang-tidy flag works.
// Unlike clang-tidy, the default check set is "-*,leak-*" when the user
// gives no check selection of their own (--checks, --config, --config-file,
// or a .clang-tidy file in a source file's directory or above it).
//
//===----------------------------------------------------------------------===//

#include "tool/ClangTidyMain.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <string>
#include <vector>

namespace {

bool isSelectionFlag(llvm::StringRef Arg) {
  for (llvm::StringRef Flag : {"checks", "config", "config-file"}) {
    for (llvm::StringRef Dashes : {"-", "--"}) {
      std::string Name = (Dashes + Flag).str();
      if (Arg == Name || Arg.starts_with(Name + "="))
        return true;
    }
  }
  return false;
}

bool hasClangTidyFileAbove(llvm::StringRef Start) {
  llvm::SmallString<256> Dir(Start);
  llvm::sys::fs::make_absolute(Dir);
  if (!llvm::sys::fs::is_directory(Dir))
    llvm::sys::path::remove_filename(Dir);
  for (llvm::StringRef D = Dir; !D.empty(); D = llvm::sys::path::parent_path(D)) {
    llvm::SmallString<256> Candidate(D);
    llvm::sys::path::append(Candidate, ".clang-tidy");
    if (llvm::sys::fs::exists(Candidate))
      return true;
  }
  return false;
}

bool userSelectsChecks(int Argc, const char **Argv) {
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef Arg(Argv[I]);
    if (Arg == "--")
      break;
    if (isSelectionFlag(Arg))
      return true;
    if (!Arg.starts_with("-") && hasClangTidyFileAbove(Arg))
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
