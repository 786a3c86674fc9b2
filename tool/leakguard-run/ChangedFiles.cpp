//===--- ChangedFiles.cpp - what git says changed -------------------------===//

#include "ChangedFiles.h"
#include "Diagnostics.h"
#include "common/Compat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

namespace leakguard::run {

namespace compat = clang::tidy::leakguard::compat;

/// Runs git with Args; its stdout, or an error with its stderr.
static llvm::Expected<std::string> runGit(std::vector<llvm::StringRef> Args) {
  auto Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return compat::stringError("git is not installed");
  llvm::SmallString<128> Out, Err;
  llvm::sys::fs::createTemporaryFile("leakguard-git", "out", Out);
  llvm::sys::fs::createTemporaryFile("leakguard-git", "err", Err);
  Args.insert(Args.begin(), *Git);
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""),
                                                llvm::StringRef(Out),
                                                llvm::StringRef(Err)};
  int RC = llvm::sys::ExecuteAndWait(*Git, Args, std::nullopt, Redirects);
  auto Read = [](llvm::StringRef P) {
    auto B = llvm::MemoryBuffer::getFile(P);
    return B ? (*B)->getBuffer().str() : std::string();
  };
  std::string Stdout = Read(Out), Stderr = Read(Err);
  llvm::sys::fs::remove(Out);
  llvm::sys::fs::remove(Err);
  if (RC != 0)
    return compat::stringError("git failed: %s",
                               llvm::StringRef(Stderr).trim().str().c_str());
  return Stdout;
}

std::string gitTopLevel(llvm::StringRef Dir) {
  auto Out = runGit({"-C", Dir, "rev-parse", "--show-toplevel"});
  if (!Out) {
    llvm::consumeError(Out.takeError());
    return "";
  }
  return llvm::StringRef(*Out).trim().str();
}

llvm::Expected<ChangedLines> changedLines(llvm::StringRef Top,
                                          llvm::StringRef Rev) {
  std::vector<llvm::StringRef> Args = {"-C",           Top,         "diff",
                                       "-U0",          "--no-color", "--no-ext-diff",
                                       "--no-renames", "--diff-filter=d"};
  Args.push_back(Rev.empty() ? llvm::StringRef("--cached") : Rev);
  Args.push_back("--");
  auto Diff = runGit(Args);
  if (!Diff)
    return Diff.takeError();
  ChangedLines Result;
  std::string Current;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  llvm::StringRef(*Diff).split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    if (Line.consume_front("+++ ")) {
      Current = Line.consume_front("b/") ? normalizePath(Line, Top) : "";
      if (!Current.empty())
        Result[Current];
      continue;
    }
    // @@ -a,b +c,d @@: lines c .. c+d-1 are new (d defaults to 1).
    if (!Line.consume_front("@@ ") || Current.empty())
      continue;
    llvm::StringRef Plus = Line.split(' ').second.split(' ').first;
    if (!Plus.consume_front("+"))
      continue;
    auto [StartText, CountText] = Plus.split(',');
    unsigned Start = 0, Count = 1;
    if (StartText.getAsInteger(10, Start) ||
        (!CountText.empty() && CountText.getAsInteger(10, Count)))
      continue;
    if (Count > 0)
      Result[Current].push_back({Start, Start + Count - 1});
  }
  return Result;
}

bool isOnChangedLine(const ChangedLines &C, llvm::StringRef File,
                     unsigned Line) {
  auto It = C.find(File.str());
  if (It == C.end())
    return false;
  return llvm::any_of(It->second, [&](const std::pair<unsigned, unsigned> &R) {
    return R.first <= Line && Line <= R.second;
  });
}

} // namespace leakguard::run
