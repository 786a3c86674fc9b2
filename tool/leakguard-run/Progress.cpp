//===--- Progress.cpp - the live display on a terminal --------------------===//

#include "Progress.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

namespace leakguard::run {

Progress::Progress(size_t Total, bool Enabled)
    : Total(Total), Enabled(Enabled), Start(std::chrono::steady_clock::now()) {}

static std::string minutesSeconds(double Seconds) {
  unsigned S = static_cast<unsigned>(Seconds + 0.5);
  return llvm::formatv("{0}:{1:2}", S / 60, S % 60).str();
}

void Progress::draw(llvm::StringRef File) {
  double Elapsed = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - Start).count();
  std::string Left = Done ? "~" + minutesSeconds(Elapsed / Done * (Total - Done))
                          : std::string("?");
  unsigned Width = llvm::sys::Process::StandardErrColumns();
  std::string Line = llvm::formatv("[{0}/{1}] {2} elapsed, {3} left  {4}", Done,
                                   Total, minutesSeconds(Elapsed), Left, File)
                         .str();
  if (Width > 1 && Line.size() >= Width)
    Line.resize(Width - 1);
  llvm::errs() << "\r\x1b[K" << Line;
  llvm::errs().flush();
}

void Progress::started(llvm::StringRef File) {
  if (!Enabled)
    return;
  std::lock_guard<std::mutex> Lock(Mutex);
  draw(File);
}

void Progress::finished(llvm::StringRef File) {
  std::lock_guard<std::mutex> Lock(Mutex);
  ++Done;
  if (Enabled)
    draw(File);
}

void Progress::clear() {
  if (!Enabled)
    return;
  std::lock_guard<std::mutex> Lock(Mutex);
  llvm::errs() << "\r\x1b[K";
  llvm::errs().flush();
}

} // namespace leakguard::run
