//===--- ConnectionLike.cpp - which types hold a connection ---------------===//

#include "common/ConnectionLike.h"
#include "common/Compat.h"
#include "clang/AST/DeclTemplate.h"
#include "llvm/ADT/SmallVector.h"

namespace clang::tidy::leakguard {

namespace {

/// One anchored alternation of the list entries, each matched against a
/// whole qualified name (a leading `::` in an entry is optional).
std::string anchoredAlternation(const std::vector<std::string> &Items) {
  std::string Pattern = "^(";
  bool First = true;
  for (llvm::StringRef Item : Items) {
    Item.consume_front("::");
    Pattern += First ? "(" : "|(";
    Pattern += Item.str() + ")";
    First = false;
  }
  return Pattern + ")$";
}

/// The qualified names a type is spelled with: every typedef / alias on
/// its sugar chain, then the class itself. `MYSQL` and `CURL` are typedefs
/// (of `struct st_mysql` and of `void`), so the sugar matters.
llvm::SmallVector<std::string, 2> spelledNames(QualType Type) {
  llvm::SmallVector<std::string, 2> Names;
  const clang::Type *T = Type.getTypePtrOrNull();
  while (T) {
    if (const auto *Typedef = dyn_cast<TypedefType>(T))
      Names.push_back(Typedef->getDecl()->getQualifiedNameAsString());
    const clang::Type *Next =
        T->getLocallyUnqualifiedSingleStepDesugaredType().getTypePtrOrNull();
    if (Next == T)
      break;
    T = Next;
  }
  if (const CXXRecordDecl *Record = Type->getAsCXXRecordDecl())
    Names.push_back(Record->getQualifiedNameAsString());
  return Names;
}

bool matchesAny(const llvm::Regex &Pattern, QualType Type) {
  for (const std::string &Name : spelledNames(Type))
    if (Pattern.match(Name))
      return true;
  return false;
}

bool isLeakGuardType(const CXXRecordDecl &Record) {
  const DeclContext *Context = Record.getDeclContext();
  while (Context && !Context->isTranslationUnit()) {
    if (const auto *Namespace = dyn_cast<NamespaceDecl>(Context))
      if (Namespace->getDeclContext()->isTranslationUnit() &&
          Namespace->getName() == "leakguard")
        return true;
    Context = Context->getParent();
  }
  return false;
}

} // namespace

std::optional<QualType> smartPointerElement(QualType Type, Holding &How,
                                            bool &HasCustomDeleter) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      Type->getAsCXXRecordDecl());
  if (!Spec || !Spec->isInStdNamespace() || !Spec->getIdentifier())
    return std::nullopt;
  llvm::StringRef Name = Spec->getName();
  if (Name != "unique_ptr" && Name != "shared_ptr")
    return std::nullopt;
  const TemplateArgumentList &Args = Spec->getTemplateArgs();
  if (Args.size() == 0 || Args[0].getKind() != TemplateArgument::Type)
    return std::nullopt;
  How = Name == "unique_ptr" ? Holding::UniquePtr : Holding::SharedPtr;
  HasCustomDeleter = false;
  if (How == Holding::UniquePtr && Args.size() > 1 &&
      Args[1].getKind() == TemplateArgument::Type) {
    const CXXRecordDecl *Deleter = Args[1].getAsType()->getAsCXXRecordDecl();
    HasCustomDeleter = !Deleter || !Deleter->isInStdNamespace() ||
                       Deleter->getName() != "default_delete";
  }
  // Prefer the argument as written: `std::unique_ptr<CURL, ...>` names the
  // typedef, the specialization only `void`. Written behind an alias or
  // deduced, it is spelled as the library spells it (`_NonArray<T>`), so
  // a class is then named by its canonical type.
  const clang::Type *T = Type.getTypePtr();
  bool WrittenHere = true;
  while (T) {
    if (const auto *Written = dyn_cast<TemplateSpecializationType>(T)) {
      ArrayRef<TemplateArgument> WrittenArgs = Written->template_arguments();
      if (WrittenArgs.empty() ||
          WrittenArgs[0].getKind() != TemplateArgument::Type)
        break;
      QualType Element = WrittenArgs[0].getAsType();
      if (!WrittenHere && Element->getAsCXXRecordDecl())
        return Element.getCanonicalType();
      return Element;
    }
    if (!compat::isElaborationSugar(T))
      WrittenHere = false;
    const clang::Type *Next =
        T->getLocallyUnqualifiedSingleStepDesugaredType().getTypePtrOrNull();
    if (Next == T)
      break;
    T = Next;
  }
  return Args[0].getAsType();
}

ConnectionLikeClassifier::ConnectionLikeClassifier(
    const std::vector<std::string> &ConnectionTypeList,
    llvm::StringRef NamePatternText,
    const std::vector<std::string> &AllowedTypeList)
    : ConnectionTypes(anchoredAlternation(ConnectionTypeList)),
      NamePattern(NamePatternText), AllowedTypes(anchoredAlternation(
                                        AllowedTypeList)),
      HasConnectionTypes(!ConnectionTypeList.empty()),
      HasNamePattern(!NamePatternText.empty()),
      HasAllowedTypes(!AllowedTypeList.empty()) {}

std::string ConnectionLikeClassifier::configurationError() const {
  std::string Error;
  if (HasConnectionTypes && !ConnectionTypes.isValid(Error))
    return "ConnectionTypes: " + Error;
  if (HasNamePattern && !NamePattern.isValid(Error))
    return "ConnectionNamePattern: " + Error;
  if (HasAllowedTypes && !AllowedTypes.isValid(Error))
    return "AllowedTypes: " + Error;
  return "";
}

llvm::StringRef ConnectionLikeClassifier::defaultConnectionTypes() {
  return "(boost::)?asio::basic_(stream|datagram|raw|seq_packet)_socket;"
         "(boost::)?asio::basic_socket_(acceptor|iostream);"
         "(boost::)?asio::ssl::stream;"
         "boost::beast::websocket::stream;"
         "boost::beast::basic_stream;"
         "boost::beast::ssl_stream;"
         "pqxx::(connection|basic_connection|connection_base);"
         "sqlite3;"
         "MYSQL;st_mysql;"
         "redisContext;redisAsyncContext;"
         "sw::redis::(Redis|RedisCluster);"
         "mongocxx::(v_noabi::|v1::)?(client|pool);"
         "grpc::Channel;"
         "httplib::(Client|SSLClient|ClientImpl);"
         "CURL;CURLM;Curl_easy;Curl_multi;"
         "ix::WebSocket;"
         "zmq::socket_t;"
         "drogon::orm::DbClient";
}

llvm::StringRef ConnectionLikeClassifier::defaultNamePattern() {
  return "(Connection|Client|Socket|Session|Channel|Pool|WebSocket|Database)$";
}

llvm::StringRef ConnectionLikeClassifier::defaultAllowedTypes() {
  return "QMetaObject::Connection;"
         ".*(Thread|Task|Worker|Job|Memory|Object|Buffer|Block|String)Pool";
}

bool ConnectionLikeClassifier::isListedConnection(QualType Object) const {
  return HasConnectionTypes && matchesAny(ConnectionTypes, Object);
}

bool ConnectionLikeClassifier::isAllowed(QualType Object) const {
  return HasAllowedTypes && matchesAny(AllowedTypes, Object);
}

bool ConnectionLikeClassifier::isConnectionObject(QualType Object,
                                                  ConnectionLikeType &Why) {
  if (Object.isNull() || Object->isDependentType() || isAllowed(Object))
    return false;
  const CXXRecordDecl *Record = Object->getAsCXXRecordDecl();
  if (Record && isLeakGuardType(*Record))
    return false;
  if (isListedConnection(Object) ||
      (Record && HasNamePattern && Record->getIdentifier() &&
       NamePattern.match(Record->getName()))) {
    Why.Connection = Object;
    return true;
  }
  if (!Record)
    return false;
  const RecordVerdict &Verdict = recordVerdict(Record);
  if (!Verdict.IsConnectionLike)
    return false;
  Why.Member = Verdict.Member;
  Why.Base = Verdict.Base;
  Why.Connection = Verdict.Connection;
  return true;
}

const ConnectionLikeClassifier::RecordVerdict &
ConnectionLikeClassifier::recordVerdict(const CXXRecordDecl *Record) {
  Record = Record->getDefinition();
  static const RecordVerdict Unknown;
  // The standard library's classes hold connections only as containers
  // or wrappers (`std::vector<Client>`, `std::weak_ptr<Client>`), which are
  // not connections themselves; smart pointers are looked through above.
  if (!Record || Record->isInStdNamespace())
    return Unknown;
  if (auto It = Records.find(Record); It != Records.end())
    return It->second;
  // Recorded first, so a class that holds itself (a list node) ends here.
  Records[Record] = RecordVerdict();

  RecordVerdict Verdict;
  for (const CXXBaseSpecifier &Base : Record->bases()) {
    ConnectionLikeType Inner;
    if (isConnectionObject(Base.getType(), Inner)) {
      Verdict = {true, nullptr, &Base, Inner.Connection};
      break;
    }
  }
  for (const FieldDecl *Field : Record->fields()) {
    if (Verdict.IsConnectionLike)
      break;
    QualType Type = Field->getType();
    ConnectionLikeType Inner;
    Holding How;
    bool HasCustomDeleter;
    bool Holds = false;
    if (std::optional<QualType> Element =
            smartPointerElement(Type, How, HasCustomDeleter)) {
      Holds = isConnectionObject(*Element, Inner);
    } else if (Type->isPointerType()) {
      // A raw pointer member usually observes; only C handles, which have
      // no other way to be held, count.
      QualType Pointee = Type->getPointeeType();
      Holds = isListedConnection(Pointee) && !isAllowed(Pointee);
      Inner.Connection = Pointee;
    } else {
      Holds = isConnectionObject(Type, Inner);
    }
    if (Holds)
      Verdict = {true, Field, nullptr, Inner.Connection};
  }
  return Records[Record] = Verdict;
}

std::optional<ConnectionLikeType>
ConnectionLikeClassifier::classify(QualType Type) {
  if (Type.isNull() || Type->isDependentType())
    return std::nullopt;
  ConnectionLikeType Result;
  if (std::optional<QualType> Element =
          smartPointerElement(Type, Result.How, Result.HasCustomDeleter)) {
    Result.Object = *Element;
  } else if (Type->isPointerType()) {
    Result.How = Holding::RawPointer;
    Result.Object = Type->getPointeeType();
  } else {
    Result.How = Holding::Value;
    Result.Object = Type;
  }
  if (!isConnectionObject(Result.Object, Result))
    return std::nullopt;
  return Result;
}

} // namespace clang::tidy::leakguard
