//===--- RuleSet.cpp - a check's rules as one matcher per kind of node ----===//

#include "common/RuleSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <cassert>
#include <utility>

namespace clang::tidy::leakguard::matchers {

using ast_matchers::internal::ASTMatchFinder;
using ast_matchers::internal::BoundNodesTreeBuilder;
using ast_matchers::internal::DynTypedMatcher;

namespace {

/// The rules of one group, tried in order on each node of the group's kind.
template <typename BaseT>
class RuleGroup : public ast_matchers::internal::MatcherInterface<BaseT> {
public:
  explicit RuleGroup(std::vector<RuleSet::Rule> Rules)
      : Rules(std::move(Rules)) {}

  bool dynMatches(const DynTypedNode &Node, ASTMatchFinder *Finder,
                  BoundNodesTreeBuilder *Builder) const override {
    BoundNodesTreeBuilder Result;
    bool Matched = false;
    for (unsigned Index : rulesFor(Node.getNodeKind())) {
      const RuleSet::Rule &Rule = Rules[Index];
      if (!Rule.Precondition(Node, *Finder))
        continue;
      BoundNodesTreeBuilder RuleBuilder(*Builder);
      if (Rule.Matcher.matches(Node, Finder, &RuleBuilder)) {
        Matched = true;
        Result.addMatch(RuleBuilder);
      }
    }
    if (Matched)
      *Builder = std::move(Result);
    return Matched;
  }

  bool matches(const BaseT &Node, ASTMatchFinder *Finder,
               BoundNodesTreeBuilder *Builder) const override {
    return dynMatches(DynTypedNode::create(Node), Finder, Builder);
  }

private:
  /// The rules whose kind \p Kind derives from, found once per kind: a
  /// group meets few kinds (a call, a member call, an operator call).
  llvm::ArrayRef<unsigned> rulesFor(ASTNodeKind Kind) const {
    for (const auto &[Seen, Indices] : ByKind)
      if (Seen.isSame(Kind))
        return Indices;
    llvm::SmallVector<unsigned, 8> Indices;
    for (unsigned Index = 0; Index != Rules.size(); ++Index)
      if (Rules[Index].Kind.isBaseOf(Kind))
        Indices.push_back(Index);
    ByKind.emplace_back(Kind, std::move(Indices));
    return ByKind.back().second;
  }

  std::vector<RuleSet::Rule> Rules;
  // The MatchFinder runs a check's matchers on one thread.
  mutable std::vector<std::pair<ASTNodeKind, llvm::SmallVector<unsigned, 8>>>
      ByKind;
};

/// \p Rules as one matcher of nodes of kind \p Head.
template <typename BaseT>
ast_matchers::internal::Matcher<BaseT>
groupMatcher(ASTNodeKind Head, std::vector<RuleSet::Rule> Rules) {
  return DynTypedMatcher::constructRestrictedWrapper(
             DynTypedMatcher(new RuleGroup<BaseT>(std::move(Rules))), Head)
      .template unconditionalConvertTo<BaseT>();
}

} // namespace

void RuleSet::addRule(ASTNodeKind Kind,
                      decltype(Rule::Precondition) Precondition,
                      DynTypedMatcher Matcher) {
  Rules.push_back({Kind, std::move(Precondition), std::move(Matcher)});
}

void RuleSet::registerWith(
    ast_matchers::MatchFinder &Finder,
    ast_matchers::MatchFinder::MatchCallback *Callback) const {
  auto GroupKind = [this](ASTNodeKind Kind) {
    for (const Rule &Other : Rules)
      if (Other.Kind.isBaseOf(Kind) && !Other.Kind.isSame(Kind) &&
          llvm::none_of(Rules, [&](const Rule &Base) {
            return Base.Kind.isBaseOf(Other.Kind) &&
                   !Base.Kind.isSame(Other.Kind);
          }))
        return Other.Kind;
    return Kind;
  };
  std::vector<std::pair<ASTNodeKind, std::vector<Rule>>> Groups;
  for (const Rule &Each : Rules) {
    ASTNodeKind Head = GroupKind(Each.Kind);
    auto Group = llvm::find_if(
        Groups, [&](const auto &Entry) { return Entry.first.isSame(Head); });
    if (Group == Groups.end()) {
      Groups.emplace_back(Head, std::vector<Rule>());
      Group = std::prev(Groups.end());
    }
    Group->second.push_back(Each);
  }
  for (auto &[Head, GroupRules] : Groups) {
    if (ASTNodeKind::getFromNodeKind<Stmt>().isBaseOf(Head)) {
      Finder.addMatcher(groupMatcher<Stmt>(Head, std::move(GroupRules)),
                        Callback);
    } else {
      assert(ASTNodeKind::getFromNodeKind<Decl>().isBaseOf(Head) &&
             "a RuleSet holds statement and declaration rules");
      Finder.addMatcher(groupMatcher<Decl>(Head, std::move(GroupRules)),
                        Callback);
    }
  }
}

} // namespace clang::tidy::leakguard::matchers
