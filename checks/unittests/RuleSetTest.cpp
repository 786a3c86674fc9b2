//===--- RuleSetTest.cpp - tests of checks/common/RuleSet -----------------===//

#include "common/RuleSet.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"
#include <memory>
#include <string>
#include <vector>

using namespace clang;
using namespace clang::ast_matchers;
using clang::tidy::leakguard::matchers::RuleSet;

namespace {

/// Records, for every match, which of the \p Tags is bound and to what.
class Recorder : public MatchFinder::MatchCallback {
public:
  explicit Recorder(std::vector<std::string> Tags) : Tags(std::move(Tags)) {}
  void run(const MatchFinder::MatchResult &Result) override {
    for (const std::string &Tag : Tags)
      if (const auto *Node = Result.Nodes.getNodeAs<NamedDecl>(Tag))
        Seen.push_back(Tag + ":" + Node->getNameAsString());
      else if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(Tag))
        Seen.push_back(Tag + ":" + Call->getDirectCallee()->getNameAsString());
  }
  std::vector<std::string> Tags;
  std::vector<std::string> Seen;
};

std::vector<std::string> run(const RuleSet &Rules, Recorder &Callback,
                             llvm::StringRef Code) {
  auto AST = tooling::buildASTFromCodeWithArgs(Code, {"-std=c++17"});
  EXPECT_TRUE(AST);
  MatchFinder Finder;
  Rules.registerWith(Finder, &Callback);
  Finder.matchAST(AST->getASTContext());
  return Callback.Seen;
}

auto always() {
  return [](const CallExpr &, internal::ASTMatchFinder &) { return true; };
}

TEST(RuleSet, EveryRuleThatMatchesYieldsItsOwnMatchInOrder) {
  RuleSet Rules;
  Rules.add<CallExpr>(
      always(), callExpr(callee(functionDecl(hasName("f")))).bind("first"));
  Rules.add<CallExpr>(always(), callExpr(argumentCountIs(0)).bind("second"));
  Recorder Callback({"first", "second"});
  EXPECT_EQ(run(Rules, Callback,
                "void f(); void g(int); "
                "void h() { f(); g(1); }"),
            (std::vector<std::string>{"first:f", "second:f"}));
}

TEST(RuleSet, APreconditionThatFailsKeepsItsRuleFromRunning) {
  RuleSet Rules;
  unsigned Asked = 0;
  Rules.add<CallExpr>(
      [&Asked](const CallExpr &Call, internal::ASTMatchFinder &) {
        ++Asked;
        return Call.getNumArgs() == 1;
      },
      callExpr().bind("call"));
  Recorder Callback({"call"});
  EXPECT_EQ(run(Rules, Callback,
                "void f(); void g(int); "
                "void h() { f(); g(1); f(); }"),
            (std::vector<std::string>{"call:g"}));
  EXPECT_EQ(Asked, 3U);
}

TEST(RuleSet, APreconditionSeesOnlyNodesOfItsKind) {
  // A member-call rule joins the call group; its precondition must never
  // be handed a plain call.
  RuleSet Rules;
  std::vector<std::string> MemberCallsAsked;
  Rules.add<CallExpr>(always(), callExpr().bind("call"));
  Rules.add<CXXMemberCallExpr>(
      [&](const CXXMemberCallExpr &Call, internal::ASTMatchFinder &) {
        MemberCallsAsked.push_back(Call.getMethodDecl()->getNameAsString());
        return true;
      },
      cxxMemberCallExpr().bind("member_call"));
  Recorder Callback({"call", "member_call"});
  EXPECT_EQ(run(Rules, Callback,
                "struct S { void m(); }; void f(); "
                "void h(S &s) { f(); s.m(); }"),
            (std::vector<std::string>{"call:f", "call:m", "member_call:m"}));
  EXPECT_EQ(MemberCallsAsked, (std::vector<std::string>{"m"}));
}

TEST(RuleSet, HoldsDeclarationRulesBesideStatementRules) {
  RuleSet Rules;
  Rules.add<VarDecl>(
      [](const VarDecl &Var, internal::ASTMatchFinder &) {
        return Var.hasGlobalStorage();
      },
      varDecl().bind("global"));
  Rules.add<FieldDecl>(
      [](const FieldDecl &, internal::ASTMatchFinder &) { return true; },
      fieldDecl().bind("field"));
  Rules.add<CallExpr>(always(), callExpr().bind("call"));
  Recorder Callback({"global", "field", "call"});
  EXPECT_EQ(run(Rules, Callback,
                "int g; struct S { int x; }; void f(); "
                "void h() { int local = 0; f(); }"),
            (std::vector<std::string>{"global:g", "field:x", "call:f"}));
}

} // namespace
