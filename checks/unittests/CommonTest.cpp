//===--- CommonTest.cpp - tests of checks/common --------------------------===//

#include "common/ConnectionLike.h"
#include "common/HostVersion.h"
#include "common/LeakMatchers.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Config/llvm-config.h"
#include "gtest/gtest.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace clang::tidy::leakguard;

namespace {

std::unique_ptr<ASTUnit> parse(llvm::StringRef Code) {
  return tooling::buildASTFromCodeWithArgs(Code, {"-std=c++17"}, "input.cc");
}

const FieldDecl *field(ASTUnit &AST, llvm::StringRef Name) {
  auto Found = match(fieldDecl(hasName(Name)).bind("f"), AST.getASTContext());
  return Found.empty() ? nullptr : Found[0].getNodeAs<FieldDecl>("f");
}

unsigned countMatches(ASTUnit &AST, internal::Matcher<FieldDecl> Matcher) {
  return match(fieldDecl(Matcher), AST.getASTContext()).size();
}

// Minimal stand-ins keep the snippets fast to parse.
constexpr const char *StdStandIns = R"cc(
namespace std {
template <class T> class allocator {};
template <class T, class A = allocator<T>> class vector { public: void push_back(const T &); void clear(); };
template <class K, class V> class map { public: V &operator[](const K &); };
template <class T, unsigned long N> struct array { T data[N]; };
template <class Sig> class function;
template <class R, class... A> class function<R(A...)> {};
template <class T> struct default_delete {};
template <class T, class D = default_delete<T>> class unique_ptr { public: T *operator->() const; };
template <class T> class shared_ptr { public: T *operator->() const; };
class string {};
}
)cc";

TEST(SplitList, DropsBlanksAndEmptyEntries) {
  EXPECT_EQ(splitList(" a ; b;;c; "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(splitList("").empty());
  EXPECT_EQ(joinList({"a", "b"}), "a;b");
  EXPECT_EQ(splitList(joinList({"x::y", "z"})), (std::vector<std::string>{"x::y", "z"}));
}

TEST(ContainerType, MatchesWrittenAliasedAndDependentSpecializations) {
  auto AST = parse(std::string(StdStandIns) + R"cc(
    using Samples = std::vector<int>;
    struct S { std::vector<int> Written; Samples Aliased; std::array<int, 3> Fixed; int Plain; };
    template <class T> struct D { std::vector<T> Dependent; };
  )cc");
  ASSERT_TRUE(AST);
  auto IsContainer = hasType(matchers::containerType(standardContainerNames()));
  EXPECT_EQ(countMatches(*AST, allOf(hasName("Written"), IsContainer)), 1U);
  EXPECT_EQ(countMatches(*AST, allOf(hasName("Aliased"), IsContainer)), 1U);
  EXPECT_EQ(countMatches(*AST, allOf(hasName("Dependent"), IsContainer)), 1U);
  EXPECT_EQ(countMatches(*AST, allOf(hasName("Fixed"), IsContainer)), 0U);
  EXPECT_EQ(countMatches(*AST, allOf(hasName("Plain"), IsContainer)), 0U);
}

TEST(MethodCallOn, FindsResolvedAndDependentGrowth) {
  auto AST = parse(std::string(StdStandIns) + R"cc(
    struct S { std::vector<int> V; void f() { V.push_back(1); V.clear(); } };
    template <class T> struct D { std::vector<T> V; void f(const T &X) { V.push_back(X); } };
  )cc");
  ASSERT_TRUE(AST);
  auto Member = matchers::memberReference(fieldDecl(hasName("V")));
  auto Growth = match(stmt(matchers::methodCallOn(Member, growthMethodNames())).bind("s"),
                      AST->getASTContext());
  auto Removal = match(stmt(matchers::methodCallOn(Member, removalMethodNames())).bind("s"),
                       AST->getASTContext());
  EXPECT_EQ(Growth.size(), 2U); // S::f, and D::f while still dependent
  EXPECT_EQ(Removal.size(), 1U);
}

TEST(HoldsCallables, SeesThroughNestedContainers) {
  auto AST = parse(std::string(StdStandIns) + R"cc(
    struct S {
      std::vector<std::function<void()>> Direct;
      std::map<std::string, std::vector<std::function<void(int)>>> Nested;
      std::vector<void (*)(int)> Pointers;
      std::vector<int> Values;
      std::map<std::string, int> Counts;
    };
  )cc");
  ASSERT_TRUE(AST);
  for (llvm::StringRef Name : {"Direct", "Nested", "Pointers"})
    EXPECT_TRUE(holdsCallables(field(*AST, Name)->getType())) << Name.str();
  for (llvm::StringRef Name : {"Values", "Counts"})
    EXPECT_FALSE(holdsCallables(field(*AST, Name)->getType())) << Name.str();
}

TEST(ConnectionLike, ByListByNameAndThroughMembersAndPointers) {
  auto AST = parse(std::string(StdStandIns) + R"cc(
    namespace pqxx { class connection {}; }
    class MetricsClient {};
    class Wrapper { pqxx::connection Conn; };
    class Settings { int Port; };
    struct Globals {
      pqxx::connection Listed;
      MetricsClient Named;
      Wrapper Holder;
      std::unique_ptr<MetricsClient> Owned;
      std::shared_ptr<Wrapper> Shared;
      MetricsClient *Raw;
      Settings Plain;
    };
  )cc");
  ASSERT_TRUE(AST);
  ConnectionLikeClassifier Classifier({"::pqxx::connection"},
                                      ConnectionLikeClassifier::defaultNamePattern(), {});
  EXPECT_TRUE(Classifier.configurationError().empty());
  for (llvm::StringRef Name : {"Listed", "Named", "Holder", "Owned", "Shared", "Raw"})
    EXPECT_TRUE(Classifier.classify(field(*AST, Name)->getType())) << Name.str();
  EXPECT_FALSE(Classifier.classify(field(*AST, "Plain")->getType()));

  auto Holder = Classifier.classify(field(*AST, "Holder")->getType());
  ASSERT_TRUE(Holder && Holder->Member);
  EXPECT_EQ(Holder->Member->getName(), "Conn");
  EXPECT_EQ(Classifier.classify(field(*AST, "Owned")->getType())->How, Holding::UniquePtr);

  ConnectionLikeClassifier Allowing({}, ConnectionLikeClassifier::defaultNamePattern(),
                                    {"MetricsClient"});
  EXPECT_FALSE(Allowing.classify(field(*AST, "Named")->getType()));
}

TEST(ConnectionLike, ReportsBrokenRegexInsteadOfCrashing) {
  ConnectionLikeClassifier Broken({}, "(unclosed", {});
  EXPECT_FALSE(Broken.configurationError().empty());
}

TEST(HostVersion, SeesTheLLVMThisProcessLoaded) {
  // This test links the shared libLLVM of the version it was built with.
  std::optional<unsigned> Loaded = loadedLLVMMajorVersion();
  ASSERT_TRUE(Loaded);
  EXPECT_EQ(*Loaded, unsigned(LLVM_VERSION_MAJOR));
  EXPECT_TRUE(isHostLLVMCompatible(LLVM_VERSION_MAJOR));
  testing::internal::CaptureStderr();
  EXPECT_FALSE(isHostLLVMCompatible(LLVM_VERSION_MAJOR + 1));
  EXPECT_NE(testing::internal::GetCapturedStderr().find("no leak-* checks are registered"),
            std::string::npos);
}

} // namespace
