//===--- CompileDatabase.cpp - loading the database, choosing TUs ---------===//

#include "CompileDatabase.h"
#include "Cache.h"
#include "Diagnostics.h"
#include "common/Compat.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include <algorithm>

namespace leakguard::run {

namespace compat = clang::tidy::leakguard::compat;

llvm::Expected<ProjectDatabase> ProjectDatabase::load(llvm::StringRef Path) {
  llvm::SmallString<256> Json(Path);
  if (llvm::sys::fs::is_directory(Json))
    llvm::sys::path::append(Json, "compile_commands.json");
  if (!llvm::sys::fs::exists(Json))
    return compat::stringError(
        "no compile database at '%s' (configure with "
        "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON, or pass -p BUILD_DIR)",
        Json.c_str());
  std::string Error;
  auto Loaded = clang::tooling::JSONCompilationDatabase::loadFromFile(
      Json, Error, clang::tooling::JSONCommandLineSyntax::AutoDetect);
  if (!Loaded)
    return compat::stringError("malformed compile database '%s': %s",
                               Json.c_str(), Error.c_str());
  ProjectDatabase DB;
  DB.JsonPath = normalizePath(Json, "");
  for (clang::tooling::CompileCommand &C : Loaded->getAllCompileCommands()) {
    std::string Main = normalizePath(C.Filename, C.Directory);
    if (DB.Index.count(Main))
      continue; // the first command for a file wins, as in clang-tidy -p
    C.Filename = Main;
    DB.Index[Main] = DB.Units.size();
    DB.Units.push_back({Main, std::move(C), {}});
  }
  if (DB.Units.empty())
    return compat::stringError("compile database '%s' has no entries",
                               Json.c_str());
  std::sort(DB.Units.begin(), DB.Units.end(),
            [](const TranslationUnit &A, const TranslationUnit &B) {
              return A.MainFile < B.MainFile;
            });
  for (size_t I = 0; I < DB.Units.size(); ++I)
    DB.Index[DB.Units[I].MainFile] = I;
  return DB;
}

bool isHeaderPath(llvm::StringRef Path) {
  llvm::StringRef Ext = llvm::sys::path::extension(Path);
  static constexpr llvm::StringLiteral HeaderExtensions[] = {
      ".h", ".hh", ".hpp", ".hxx", ".h++", ".inc", ".ipp", ".tpp", ".inl"};
  return llvm::is_contained(HeaderExtensions, Ext.lower());
}

/// Whether Main's text has an #include naming a file called Name.
static bool includesByName(llvm::StringRef Main, llvm::StringRef Name) {
  auto Buffer = llvm::MemoryBuffer::getFile(Main);
  if (!Buffer)
    return false;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  (*Buffer)->getBuffer().split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    Line = Line.ltrim();
    if (!Line.consume_front("#"))
      continue;
    Line = Line.ltrim();
    if (!Line.consume_front("include"))
      continue;
    Line = Line.ltrim();
    if (Line.empty() || (Line.front() != '"' && Line.front() != '<'))
      continue; // a computed include
    char Close = Line.front() == '"' ? '"' : '>';
    llvm::StringRef Spelled = Line.drop_front().take_until(
        [Close](char C) { return C == Close; });
    if (Spelled == Name || Spelled.ends_with(("/" + Name).str()))
      return true;
  }
  return false;
}

/// A TU through which Header can be analysed: from the recorded include
/// graph, else a source file with the same stem, else one that includes a
/// file of that name. Returns an index into DB.Units.
static std::optional<size_t> findIncluder(const ProjectDatabase &DB,
                                          llvm::StringRef Header,
                                          const IncludeGraph &Graph) {
  for (const std::string &Main : Graph.includers(Header))
    if (auto It = DB.Index.find(Main); It != DB.Index.end())
      return It->second;
  llvm::StringRef Stem = llvm::sys::path::stem(Header);
  llvm::StringRef Dir = llvm::sys::path::parent_path(Header);
  for (size_t I = 0; I < DB.Units.size(); ++I) {
    llvm::StringRef Main = DB.Units[I].MainFile;
    if (llvm::sys::path::stem(Main) == Stem &&
        llvm::sys::path::parent_path(Main) == Dir &&
        includesByName(Main, llvm::sys::path::filename(Header)))
      return I;
  }
  for (size_t I = 0; I < DB.Units.size(); ++I)
    if (includesByName(DB.Units[I].MainFile, llvm::sys::path::filename(Header)))
      return I;
  return std::nullopt;
}

static bool isUnder(llvm::StringRef Path, llvm::StringRef Dir) {
  return Path.starts_with(Dir) &&
         (Dir.ends_with("/") || Path.size() == Dir.size() ||
          Path[Dir.size()] == '/');
}

llvm::Expected<std::vector<TranslationUnit>>
selectUnits(const ProjectDatabase &DB, const Selection &S,
            const IncludeGraph &Graph) {
  std::vector<llvm::Regex> Excludes;
  for (const std::string &E : S.Excludes) {
    llvm::Regex R(E);
    std::string Error;
    if (!R.isValid(Error))
      return compat::stringError("invalid --exclude regex '%s': %s", E.c_str(),
                                 Error.c_str());
    Excludes.push_back(std::move(R));
  }
  auto IsExcluded = [&](llvm::StringRef Path) {
    return llvm::any_of(Excludes,
                        [&](const llvm::Regex &R) { return R.match(Path); });
  };

  // Per chosen unit: empty = report normally, else only these headers.
  std::map<size_t, std::set<std::string>> Chosen;
  std::set<size_t> Fully;
  auto ChooseFully = [&](size_t I) {
    Fully.insert(I);
    Chosen[I];
  };
  if (S.Patterns.empty())
    for (size_t I = 0; I < DB.Units.size(); ++I)
      ChooseFully(I);

  for (const std::string &Pattern : S.Patterns) {
    if (llvm::sys::fs::is_directory(Pattern)) {
      std::string Dir = normalizePath(Pattern, "");
      bool Matched = false;
      for (size_t I = 0; I < DB.Units.size(); ++I)
        if (isUnder(DB.Units[I].MainFile, Dir)) {
          ChooseFully(I);
          Matched = true;
        }
      if (!Matched)
        return compat::stringError(
            "no file of the compile database '%s' is under '%s'",
            DB.JsonPath.c_str(), Pattern.c_str());
      continue;
    }
    if (llvm::sys::fs::exists(Pattern)) {
      std::string File = normalizePath(Pattern, "");
      if (auto It = DB.Index.find(File); It != DB.Index.end()) {
        ChooseFully(It->second);
        continue;
      }
      if (!isHeaderPath(File))
        return compat::stringError("'%s' is not in the compile database '%s'",
                                   Pattern.c_str(), DB.JsonPath.c_str());
      std::optional<size_t> Includer = findIncluder(DB, File, Graph);
      if (!Includer)
        return compat::stringError(
            "header '%s' has no entry in the compile database '%s' and no "
            "translation unit including it was found",
            Pattern.c_str(), DB.JsonPath.c_str());
      Chosen[*Includer].insert(File);
      continue;
    }
    llvm::Regex R(Pattern);
    std::string Error;
    if (!R.isValid(Error))
      return compat::stringError(
          "'%s' is neither an existing file nor a valid regex: %s",
          Pattern.c_str(), Error.c_str());
    bool Matched = false;
    for (size_t I = 0; I < DB.Units.size(); ++I)
      if (R.match(DB.Units[I].MainFile)) {
        ChooseFully(I);
        Matched = true;
      }
    if (!Matched)
      return compat::stringError(
          "'%s' matches no file of the compile database '%s'", Pattern.c_str(),
          DB.JsonPath.c_str());
  }

  std::vector<TranslationUnit> Result;
  for (auto &[Index, Headers] : Chosen) {
    TranslationUnit U = DB.Units[Index];
    if (IsExcluded(U.MainFile))
      continue;
    if (!Fully.count(Index))
      U.OnlyFiles.assign(Headers.begin(), Headers.end());
    Result.push_back(std::move(U));
  }
  return Result;
}

std::vector<TranslationUnit> shardUnits(std::vector<TranslationUnit> Units,
                                        unsigned K, unsigned N) {
  std::vector<TranslationUnit> Result;
  for (size_t I = 0; I < Units.size(); ++I)
    if (I % N == K - 1)
      Result.push_back(std::move(Units[I]));
  return Result;
}

} // namespace leakguard::run
