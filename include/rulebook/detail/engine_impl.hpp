// Internal: the evaluator's stages, in the order results depend on them —
// amounts owed (and paid short), the other duties, the quota, then penalties,
// which charge the findings of every earlier stage. Included by engine.hpp.
#pragma once

#include <utility>

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

inline results evaluate(const program& prog, const county& c, const period& p, const evaluate_options& options) {
  const detail::county_index index(c);
  const detail::eval_context context{prog, prog.rules(), c, p, index, detail::thread_count(options.threads)};
  results r;
  r.policy = prog.rules().id;
  r.evaluated = p;
  detail::evaluate_allowances(context, r);  // entitlements; findings for items paid short
  detail::evaluate_checks(context, r);      // minimum, kit, obligation, team_size, term, attendance
  detail::evaluate_quotas(context, r);
  detail::evaluate_penalties(context, r);   // charges findings of every rule above
  detail::evaluate_rollups(context, r);     // per member, team, unit and county
  return r;
}

}  // namespace rulebook
