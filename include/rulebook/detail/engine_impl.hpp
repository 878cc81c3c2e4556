// Internal: the evaluator's stages, in the order results depend on them —
// amounts owed (and paid short), the other duties, the quota, then penalties,
// which charge the findings of every earlier stage. Included by engine.hpp.
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rulebook/detail/engine_allowance.hpp"
#include "rulebook/detail/engine_member_months.hpp"
#include "rulebook/detail/engine_checks.hpp"
#include "rulebook/detail/engine_context.hpp"
#include "rulebook/detail/engine_penalty.hpp"
#include "rulebook/detail/engine_quota.hpp"
#include "rulebook/detail/parallel.hpp"
#include "rulebook/detail/engine_rollup.hpp"

namespace rulebook {

inline program::program(policy p)
    : policy_(std::make_shared<const policy>(std::move(p))),
      allowances_(std::make_shared<const detail::allowance_plan>(*policy_)) {}

inline program compile(policy p) { return program(std::move(p)); }

namespace detail {

/// Every stage, in order, with the entitlements handed to `consume` (see
/// `evaluate_allowances`, which takes `block_members`) as the roll-ups take them in.
template <class Consume>
results evaluate_each(const program& prog, const county& c, const period& p, const evaluate_options& options,
                      Consume&& consume, std::size_t block_members = members_per_block) {
  const county_index index(c);
  const eval_context context{prog, prog.rules(), c, p, index, thread_count(options.threads)};
  results r;
  r.policy = prog.rules().id;
  r.evaluated = p;
  rollup_builder rollups(context, prog.allowances().rules.empty() ? std::vector<std::string>() : prog.allowances().items);
  const std::size_t members = c.members.size();
  evaluate_allowances(context, r, [&](std::vector<entitlement>& block) {  // entitlements; findings for items paid short
    rollups.add(block);
    // A block ends with its last member's (or a team's) entitlements: the members up to it are done.
    const entitlement& last = block.back();
    const std::optional<std::size_t> member =
        last.subject == subject_kind::member ? index.member(last.subject_id) : std::optional<std::size_t>(members - 1);
    consume(block);
    if (options.progress && member) options.progress(*member + 1, members);
  }, block_members);
  evaluate_checks(context, r);      // minimum, kit, obligation, team_size, term, attendance
  evaluate_quotas(context, r);
  evaluate_penalties(context, r);   // charges findings of every rule above
  rollups.finish(r.findings, r.rollups);  // per member, team, unit and county
  if (options.progress) options.progress(members, members);
  return r;
}

}  // namespace detail

inline results evaluate(const program& prog, const county& c, const period& p, const evaluate_options& options) {
  detail::kept_entitlements kept(detail::expected_entitlements(prog.allowances(), c, p));
  results r = detail::evaluate_each(prog, c, p, options, [&](std::vector<entitlement>& block) { kept.add(block); });
  r.entitlements = kept.take();
  return r;
}

inline results evaluate(const program& prog, const county& c, const period& p, const evaluate_options& options,
                        entitlement_sink& sink) {
  return detail::evaluate_each(prog, c, p, options, [&](std::vector<entitlement>& block) { sink.accept(block); });
}

}  // namespace rulebook
