//===--- ConnectionLike.h - which types hold a connection -----------------===//
//
// Shared knowledge of the leak checks: is a type a connection (a socket, a
// database / HTTP / RPC client, a pool), or something that owns one? A type
// is connection-like when
//   (a) its qualified name (or a typedef name it is spelled with) matches
//       the configured connection types (real client libraries), or
//   (b) its unqualified name matches the configured name pattern, or
//   (c) it is a class that holds such a type, transitively, through a data
//       member or a base class: by value, through std::unique_ptr /
//       std::shared_ptr, or, for the types of (a) only (C handles such as
//       `sqlite3 *` are only ever held that way), through a raw pointer.
//       Standard library classes (containers, std::optional, std::weak_ptr)
//       are not looked into.
// A variable's type is looked through one level of raw pointer,
// std::unique_ptr or std::shared_ptr. Allowed types and leakguard's own
// types (managed_singleton) are never connection-like.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_CONNECTIONLIKE_H
#define LEAKGUARD_CHECKS_COMMON_CONNECTIONLIKE_H

#include "clang/AST/DeclCXX.h"
#include "clang/AST/Type.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Regex.h"
#include <optional>
#include <string>
#include <vector>

namespace clang::tidy::leakguard {

/// How a variable (or member) holds the connection-like object.
enum class Holding { Value, RawPointer, UniquePtr, SharedPtr };

/// Why a type is connection-like.
struct ConnectionLikeType {
  Holding How = Holding::Value;
  /// The held object's type, with its sugar (the pointee or element type
  /// for pointers).
  QualType Object;
  /// For a class that is connection-like through what it holds, case (c):
  /// the first member (or base class, with Member null) on the path, and
  /// the connection type found at its end.
  const FieldDecl *Member = nullptr;
  const CXXBaseSpecifier *Base = nullptr;
  QualType Connection;
  /// A std::unique_ptr with a deleter other than std::default_delete.
  bool HasCustomDeleter = false;
};

/// Classifies types; one per check, configured from its options. Caches
/// its verdict per class, so use it from one translation unit at a time
/// (call reset() at the end of each).
class ConnectionLikeClassifier {
public:
  ConnectionLikeClassifier(const std::vector<std::string> &ConnectionTypes,
                           llvm::StringRef NamePattern,
                           const std::vector<std::string> &AllowedTypes);

  /// The type itself, or the object behind a raw pointer, std::unique_ptr
  /// or std::shared_ptr, when that is connection-like. Dependent types are
  /// never classified.
  std::optional<ConnectionLikeType> classify(QualType Type);

  /// The first option whose regular expression does not compile, with
  /// the reason; empty when all are valid.
  std::string configurationError() const;

  /// Forgets cached verdicts (declarations of a finished translation unit).
  void reset() { Records.clear(); }

  /// Default option values.
  static llvm::StringRef defaultConnectionTypes();
  static llvm::StringRef defaultNamePattern();
  static llvm::StringRef defaultAllowedTypes();

private:
  struct RecordVerdict {
    bool IsConnectionLike = false;
    const FieldDecl *Member = nullptr;
    const CXXBaseSpecifier *Base = nullptr;
    QualType Connection;
  };

  bool isListedConnection(QualType Object) const;
  bool isAllowed(QualType Object) const;
  /// Connection-like by (a), (b) or (c); fills in the member path for (c).
  bool isConnectionObject(QualType Object, ConnectionLikeType &Why);
  const RecordVerdict &recordVerdict(const CXXRecordDecl *Record);

  llvm::Regex ConnectionTypes;
  llvm::Regex NamePattern;
  llvm::Regex AllowedTypes;
  bool HasConnectionTypes;
  bool HasNamePattern;
  bool HasAllowedTypes;
  llvm::DenseMap<const CXXRecordDecl *, RecordVerdict> Records;
};

/// The object type behind a std::unique_ptr / std::shared_ptr (keeping the
/// sugar it was written with), or nullopt for any other type.
std::optional<QualType> smartPointerElement(QualType Type, Holding &How,
                                            bool &HasCustomDeleter);

} // namespace clang::tidy::leakguard

#endif
