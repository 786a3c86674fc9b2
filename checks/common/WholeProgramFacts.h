//===--- WholeProgramFacts.h - facts for leakguard-run's merge --*- C++ -*-===//
//
// A check sees one translation unit; some verdicts need all of them. When
// the environment variable LEAKGUARD_FACTS_DIR names a directory (the
// driver leakguard-run sets it for its workers, nobody else does), a check
// may write there, per TU, what it saw about the declarations it cares
// about, keyed by USR (a stable cross-TU identity). leakguard-run merges
// the files of every TU and decides what one TU cannot. With the variable
// unset nothing is written and the checks behave exactly as in plain
// clang-tidy.
//
// Why an environment variable and not a check option: the driver would
// have to pass it with --config, which replaces the user's .clang-tidy
// files, and a check option would show up in --dump-config and in the
// result cache key. The variable reaches the standalone tool and the
// plugin alike and changes no configuration.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_WHOLEPROGRAMFACTS_H
#define LEAKGUARD_CHECKS_COMMON_WHOLEPROGRAMFACTS_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/JSON.h"
#include <optional>
#include <string>

namespace clang::tidy::leakguard::facts {

/// Version of the facts format; leakguard-run ignores files of another.
constexpr int FormatVersion = 1;

/// The directory named by LEAKGUARD_FACTS_DIR, or "" (do not export).
std::string exportDirectory();

/// Clang's USR of D, the key that names it across translation units.
std::optional<std::string> usrOf(const Decl &D);

/// {"file": absolute path, "offset": byte offset} of the file location Loc
/// stands for, as clang-tidy reports diagnostics.
llvm::json::Value location(const SourceManager &SM, SourceLocation Loc);

/// D's name and Type as clang's diagnostics print them ("'g'",
/// "'CURL' (aka 'void')"), for a message the driver reports in a TU's stead.
std::string diagnosticText(const ASTContext &Context, const NamedDecl &D);
std::string diagnosticText(const ASTContext &Context, QualType Type);

/// "public", "protected" or "private".
llvm::StringRef accessName(AccessSpecifier Access);

/// Writes {"version", "check", "tu", ...Facts} to a file of its own in
/// Directory, named after the check and the main file.
void write(llvm::StringRef Directory, llvm::StringRef CheckName,
           const SourceManager &SM, llvm::json::Object Facts);

} // namespace clang::tidy::leakguard::facts

#endif
