//===--- RuleSet.h - a check's rules as one matcher per kind of node ------===//
//
// The MatchFinder pays a fixed dispatch for every top-level matcher on
// every node of its kind (a bound-nodes builder, a traversal scope,
// traverseIgnored twice, node-kind tests): 250-400 instructions before
// the matcher's first test, about twenty times per call expression when
// each rule is its own matcher. A RuleSet registers a check's rules as
// one matcher per group of related kinds (calls with member and operator
// calls, returns, variables, ...) that tries each rule's precondition
// (common/Preconditions.h) as plain C++ and runs the rule's matcher only
// where it holds. Every rule that matches yields its own match, in the
// order the rules were added (eachOf), so check() sees what it saw when
// each rule was registered alone.
//
// Not for rules with their own traversal kind (traverse(...)): the
// MatchFinder skips the nodes such a rule ignores before trying it, which
// a group could not do per rule.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_COMMON_RULESET_H
#define LEAKGUARD_CHECKS_COMMON_RULESET_H

#include "common/Preconditions.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include <functional>
#include <type_traits>
#include <vector>

namespace clang::tidy::leakguard::matchers {

class RuleSet {
public:
  /// Adds \p Rule, a matcher of statements or declarations of kind
  /// \p NodeT (or of a kind derived from it), bound as check() expects.
  /// It is tried on a node only where \p Precondition, a necessary
  /// condition of it, holds.
  template <typename NodeT, typename BaseT>
  void add(NodeTest<NodeT> Precondition,
           const ast_matchers::internal::Matcher<BaseT> &Rule) {
    static_assert(std::is_base_of_v<BaseT, NodeT>,
                  "the rule matches nodes of a kind its precondition tests");
    addRule(
        ASTNodeKind::getFromNodeKind<NodeT>(),
        [Test = std::move(Precondition)](
            const DynTypedNode &Node,
            ast_matchers::internal::ASTMatchFinder &F) {
          return Test(Node.getUnchecked<NodeT>(), F);
        },
        Rule);
  }

  /// Registers the rules added so far with \p Finder, reporting to
  /// \p Callback: one matcher per group, a group being a rule kind that
  /// derives from no other rule's kind, with the rules of every kind
  /// derived from it.
  void registerWith(ast_matchers::MatchFinder &Finder,
                    ast_matchers::MatchFinder::MatchCallback *Callback) const;

  struct Rule {
    ASTNodeKind Kind;
    std::function<bool(const DynTypedNode &,
                       ast_matchers::internal::ASTMatchFinder &)>
        Precondition;
    ast_matchers::internal::DynTypedMatcher Matcher;
  };

private:
  void addRule(ASTNodeKind Kind, decltype(Rule::Precondition) Precondition,
               ast_matchers::internal::DynTypedMatcher Matcher);

  std::vector<Rule> Rules;
};

} // namespace clang::tidy::leakguard::matchers

#endif
