//===--- WholeProgramFacts.cpp - facts for leakguard-run's merge ----------===//

#include "common/WholeProgramFacts.h"
#include "common/Compat.h"
#include "clang/Index/USRGeneration.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

namespace clang::tidy::leakguard::facts {

std::string exportDirectory() {
  std::optional<std::string> Dir = compat::toStdOptional(
      llvm::sys::Process::GetEnv("LEAKGUARD_FACTS_DIR"));
  return Dir ? *Dir : std::string();
}

std::optional<std::string> usrOf(const Decl &D) {
  llvm::SmallString<128> Buffer;
  if (index::generateUSRForDecl(&D, Buffer))
    return std::nullopt;
  return std::string(Buffer);
}

static std::string absolutePath(const SourceManager &SM, FileID File) {
  auto Entry = SM.getFileEntryRefForID(File); // llvm::Optional before LLVM 16
  if (!Entry)
    return "";
  llvm::SmallString<256> Path(Entry->getName());
  SM.getFileManager().makeAbsolutePath(Path);
  llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return std::string(Path);
}

llvm::json::Value location(const SourceManager &SM, SourceLocation Loc) {
  Loc = SM.getFileLoc(Loc);
  auto [File, Offset] = SM.getDecomposedLoc(Loc);
  return llvm::json::Object{{"file", absolutePath(SM, File)},
                            {"offset", Offset}};
}

static std::string diagnosticArgument(const ASTContext &Context,
                                      DiagnosticsEngine::ArgumentKind Kind,
                                      intptr_t Value) {
  llvm::SmallString<64> Text;
  Context.getDiagnostics().ConvertArgToString(Kind, Value, "", "", {}, Text,
                                              {});
  return std::string(Text);
}

std::string diagnosticText(const ASTContext &Context, const NamedDecl &D) {
  return diagnosticArgument(Context, DiagnosticsEngine::ak_nameddecl,
                            reinterpret_cast<intptr_t>(&D));
}

std::string diagnosticText(const ASTContext &Context, QualType Type) {
  return diagnosticArgument(Context, DiagnosticsEngine::ak_qualtype,
                            reinterpret_cast<intptr_t>(Type.getAsOpaquePtr()));
}

llvm::StringRef accessName(AccessSpecifier Access) {
  switch (Access) {
  case AS_public:
    return "public";
  case AS_protected:
    return "protected";
  case AS_private:
    return "private";
  case AS_none:
    break;
  }
  return "public"; // members of a struct without an access specifier
}

void write(llvm::StringRef Directory, llvm::StringRef CheckName,
           const SourceManager &SM, llvm::json::Object Facts) {
  std::string Main = absolutePath(SM, SM.getMainFileID());
  Facts["version"] = FormatVersion;
  Facts["check"] = CheckName;
  Facts["tu"] = Main;
  llvm::SmallString<256> Path(Directory);
  llvm::sys::path::append(
      Path, CheckName + "." +
                llvm::utohexstr(compat::hash64(Main), /*LowerCase=*/true) +
                ".json");
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  if (EC)
    return; // the driver then misses this TU's facts
  OS << llvm::json::Value(std::move(Facts));
}

} // namespace clang::tidy::leakguard::facts
