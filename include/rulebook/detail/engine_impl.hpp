// Internal: the evaluator's stages, in the order results depend on them —
// amounts owed (and paid short), the other duties, the quota, then penalties,
// which charge the findings of every earlier stage. Included by engine.hpp.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <unordered_map>
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
/// `evaluate_allowances`, which takes `block_members` and `render`) as the
/// roll-ups take them in; the roll-up rows are kept in the results, or handed to
/// `hand_on_rollups` a block at a time when it is given.
template <class Consume>
results evaluate_each(const program& prog, const county& c, const period& p, const evaluate_options& options,
                      Consume&& consume, std::size_t block_members = members_per_block,
                      const rollup_handoff* hand_on_rollups = nullptr,
                      const block_renderer* render = nullptr) {
  const unsigned threads = thread_count(options.threads);
  county_index index(c, threads);
  const eval_context context{prog, prog.rules(), c, p, index, threads};
  results r;
  r.policy = prog.rules().id;
  r.evaluated = p;
  rollup_builder rollups(context, prog.allowances().rules.empty() ? std::vector<std::string>() : prog.allowances().items);
  const std::size_t members = c.members.size();

  // The checks, a rule at a time, and the quotas read none of what the
  // allowances make: they run beside the allowances' blocks, on the same
  // threads, each on one thread and into its own list; their findings are then
  // joined and ordered by rule as a run of one thread orders them.
  const team_rosters rosters(index);
  std::vector<const rule*> checks;  // in rule order
  for (const rule& rl : context.rules.rules)
    if (is_check(rl)) checks.push_back(&rl);
  // Started longest first: obligations (each visit or meeting looked for per
  // subject and slice), then the quotas, then the rest.
  std::vector<std::size_t> started;
  for (std::size_t j = 0; j < checks.size(); ++j)
    if (std::holds_alternative<obligation_rule>(checks[j]->body)) started.push_back(j);
  started.push_back(checks.size());
  for (std::size_t j = 0; j < checks.size(); ++j)
    if (!std::holds_alternative<obligation_rule>(checks[j]->body)) started.push_back(j);
  std::vector<std::vector<finding>> checked(checks.size());
  results quotas;
  eval_context one_thread = context;
  one_thread.threads = 1;
  const std::function<std::size_t()> findings_after = [&] {
    std::size_t n = quotas.findings.size();
    for (const std::vector<finding>& found : checked) n += found.size();
    return n;
  };
  // The lists only the checks read (`county_index::release_check_columns`, some
  // 150 MB at 3 M members) go as soon as the last check has run: on two threads
  // or more, while the allowances' blocks go on (on one, the checks run after
  // the last block). The blocks take up what is freed; nothing is trimmed here.
  std::atomic<std::size_t> checks_left = checks.size();
  const auto side = [&](std::size_t task, unsigned) {
    const std::size_t j = started[task];
    if (j >= checks.size()) {
      evaluate_quotas(one_thread, quotas);
      return;
    }
    check_rule(one_thread, rosters, *checks[j], checked[j]);
    if (checks_left.fetch_sub(1, std::memory_order_acq_rel) == 1) index.release_check_columns();
  };

  // The roll-ups gather each block's entitlements on the thread that made it,
  // and are handed them in order; then the findings.
  evaluate_allowances(context, r, [&](std::vector<entitlement>& block, std::string_view text) {
    // A block ends with its last member's (or a team's) entitlements: the members up to it are done.
    const entitlement& last = block.back();
    const std::optional<std::size_t> member =
        last.subject == subject_kind::member ? index.member(last.subject_id) : std::optional<std::size_t>(members - 1);
    if constexpr (std::is_invocable_v<Consume&, std::vector<entitlement>&, std::string_view>)
      consume(block, text);
    else
      consume(block);
    if (options.progress && member) options.progress(*member + 1, members);
  }, block_members, checks.size() + 1, side, render, &rollups, &findings_after);
  index.release_check_columns();  // when no check ran
  // Joined into a list made once at its size (the allowances' findings placed
  // it), each list freed as it is joined: some 0.9 M findings at 3 M members
  // are not held twice over.
  r.findings.reserve(r.findings.size() + findings_after());
  // A large county's lists go back to the system as each is joined, as the
  // blocks' did: not held beside the joined list.
  // The checks' lists (one rule's each, in rule order), with the quotas' put
  // after the last check whose rule comes no later than any quota's, so that
  // most often the findings need no sorting by rule below: appended last, 2 M
  // findings at 3 M members were sorted and moved on one thread. A rule's
  // findings keep the order they had (checks', then quotas', should a policy
  // built by hand give checks and a quota one id).
  const bool large = large_county(members);
  const rule_places places(context.rules);
  std::vector<std::vector<finding>*> lists;  // minimum, kit, obligation, team_size, term, attendance
  for (std::vector<finding>& found : checked)
    if (!found.empty()) lists.push_back(&found);
  if (!quotas.findings.empty()) {
    std::size_t latest = 0;  // the latest place of a quota's rule
    for (const finding& f : quotas.findings) latest = std::max(latest, places.of(f.rule));
    std::size_t at = 0;
    for (std::size_t k = 0; k < lists.size(); ++k)
      if (places.of(lists[k]->front().rule) <= latest) at = k + 1;
    lists.insert(lists.begin() + static_cast<std::ptrdiff_t>(at), &quotas.findings);
  }
  for (std::vector<finding>* found : lists) {
    std::move(found->begin(), found->end(), std::back_inserter(r.findings));
    std::vector<finding>().swap(*found);
    if (large) release_free_memory();
  }
  r.quotas = std::move(quotas.quotas);
  // The penalties charge findings of every rule above; the roll-ups (per member,
  // team, unit and county) count them. Each reads the findings, ordered by rule,
  // and makes its own list: the ledger is made beside the roll-ups when there is a
  // thread for it. The roll-ups' finish runs on the calling thread (not as a task
  // of `parallel_for`, which may run either task on either thread): its rows are
  // made in pieces on the threads, then handed to the sink in order there, or
  // written in place when kept.
  order_findings_by_rule(places, r);
  std::exception_ptr charging_failed;
  {
    std::jthread beside;
    if (context.threads > 1) {
      try {
        beside = std::jthread([&] {
          try {
            charge_penalties(context, r.findings, r.ledger);
          } catch (...) {
            charging_failed = std::current_exception();
          }
        });
      } catch (const std::system_error&) {  // no thread to be had: in turn
      }
    }
    if (!beside.joinable()) charge_penalties(context, r.findings, r.ledger);
    rollups.finish(r.findings, r.rollups, hand_on_rollups);
  }
  if (charging_failed) std::rethrow_exception(charging_failed);
  if (large) release_free_memory();  // the index and the roll-ups' tables
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
  detail::rollup_handoff rollups;
  if (sink.renders()) {
    rollups.take = [&](std::span<const rollup> block, std::string_view text) { sink.accept_rendered_rollups(block, text); };
    rollups.render = [&](std::span<const rollup> block, std::string& out) { sink.render_rollups(block, out); };
  } else {
    rollups.take = [&](std::span<const rollup> block, std::string_view) { sink.accept_rollups(block); };
  }
  const detail::block_renderer render = [&](std::span<const entitlement> block, std::string& out) {
    sink.render(block, out);
  };
  const auto accept = [&](std::vector<entitlement>& block, std::string_view text) {
    if (sink.renders())
      sink.accept_rendered(block, text);
    else
      sink.accept(block);
  };
  return detail::evaluate_each(prog, c, p, options, accept, detail::members_per_block,
                               sink.takes_rollups() ? &rollups : nullptr, sink.renders() ? &render : nullptr);
}

}  // namespace rulebook
