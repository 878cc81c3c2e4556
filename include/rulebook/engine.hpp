// rulebook/engine.hpp — evaluating a checked policy over a county and a period.
//
// A policy is compiled once into a `program`; `evaluate` then runs it over any
// county and period, as often as wanted, from any number of threads:
//
//   const rulebook::program program = rulebook::compile(rulebook::load_policy_or_throw("rules/qiyang-2019.yaml"));
//   const rulebook::county county = rulebook::load_county_or_throw("examples/qiyang/county.yaml");
//   const rulebook::results r = rulebook::evaluate(program, county, rulebook::period::of_year(2019));
//   std::cout << rulebook::explain(program, county, r, r.entitlements.front());
//
// `evaluate` is pure: no clock, no I/O, no globals; the same inputs give the same
// results, to the fen and in the same order.
//
// Thread safety: a `program` is immutable; `evaluate` and `explain` are safe to
// call concurrently on one program.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "rulebook/model.hpp"
#include "rulebook/period.hpp"
#include "rulebook/policy.hpp"
#include "rulebook/result.hpp"

namespace rulebook {

namespace detail {
struct allowance_plan;  // detail/engine_allowance.hpp
}

/// A policy compiled for evaluation: its rules with the slots their expressions
/// read resolved, the days their values change, and the allowance expressions
/// compiled to run over chunks of rows — all once. Immutable; cheap to copy
/// (copies share it).
class program {
 public:
  explicit program(policy p);

  [[nodiscard]] const policy& rules() const noexcept { return *policy_; }
  /// The allowance rules, planned (internal: the evaluator's view).
  [[nodiscard]] const detail::allowance_plan& allowances() const noexcept { return *allowances_; }

 private:
  std::shared_ptr<const policy> policy_;
  std::shared_ptr<const detail::allowance_plan> allowances_;  // points into *policy_
};

/// Compiles a checked policy.
[[nodiscard]] program compile(policy p);

/// How `evaluate` runs. The results never depend on it.
struct evaluate_options {
  /// Threads to cut the work over: 1 runs on the calling thread alone; 0 uses
  /// every core the machine reports. Results are the same, to the fen and in
  /// order, whatever the number.
  unsigned threads = 1;
  /// Told, on the calling thread, how many of the county's members have been
  /// evaluated (`done` of `total`), after each block of members and once at the
  /// end; for a progress bar. Empty: not told.
  std::function<void(std::size_t done, std::size_t total)> progress = {};
};

/// Evaluates every rule of `prog` over `c` for `p`.
[[nodiscard]] results evaluate(const program& prog, const county& c, const period& p,
                               const evaluate_options& options = {});

/// Receives entitlements as `evaluate` makes them, instead of their being kept:
/// a block at a time, in the order `results::entitlements` keeps them, on the
/// thread that called `evaluate`. A block holds the entitlements of one or more
/// whole subjects (a few hundred thousand at most).
///
///   struct to_file : rulebook::entitlement_sink {
///     void accept(std::span<const rulebook::entitlement> block) override { for (auto& e : block) write(e); }
///   };
class entitlement_sink {
 public:
  virtual ~entitlement_sink() = default;
  virtual void accept(std::span<const entitlement> block) = 0;

  /// True to be handed the roll-up rows too, instead of their being kept in
  /// `results::rollups` (some 5 a member: 15 M rows, 2 GB, for 3 M members).
  [[nodiscard]] virtual bool takes_rollups() const { return false; }
  /// Receives the roll-up rows, when `takes_rollups`: a block at a time, in the
  /// order `results::rollups` keeps them, after the last entitlement.
  virtual void accept_rollups(std::span<const rollup> block) { (void)block; }

  /// True for a sink that turns each block into text (a file's rows): `render`
  /// then appends a block's text to `out` on the thread that made the block,
  /// several blocks at once, so it must touch nothing but `out`; and
  /// `accept_rendered`, not `accept`, gets each block with its text, on the
  /// calling thread, in order.
  [[nodiscard]] virtual bool renders() const { return false; }
  virtual void render(std::span<const entitlement> block, std::string& out) const {
    (void)block;
    (void)out;
  }
  virtual void accept_rendered(std::span<const entitlement> block, std::string_view text) {
    (void)text;
    accept(block);
  }
  /// The roll-up rows likewise, for a sink that `renders` and `takes_rollups`:
  /// `render_rollups` appends a block's text to `out` on the thread that made
  /// it, and `accept_rendered_rollups` gets each block with its text, in order,
  /// on the calling thread. By default nothing is rendered and `accept_rollups`
  /// gets the block.
  virtual void render_rollups(std::span<const rollup> block, std::string& out) const {
    (void)block;
    (void)out;
  }
  virtual void accept_rendered_rollups(std::span<const rollup> block, std::string_view text) {
    (void)text;
    accept_rollups(block);
  }
};

/// Evaluates as above, but hands every entitlement to `sink` and keeps none:
/// the results hold the findings, quotas, ledger, totals and roll-ups (unless
/// the sink takes those too), and no entitlement. What evaluation holds then
/// grows with the county's members, not with its member-months — for counties
/// too large to keep every amount. An exception from `sink` (from `render` too,
/// on whichever thread) stops the evaluation and propagates.
[[nodiscard]] results evaluate(const program& prog, const county& c, const period& p, const evaluate_options& options,
                               entitlement_sink& sink);

/// Says how an amount was reached: the rule, each parameter value used with the
/// date it took effect and its source, the inputs, the arithmetic step by step,
/// and the rounding applied. `e` must come from evaluating `prog` over `c`
/// (`r` gives the period): it is computed again, with a trace, so that no batch
/// carries one. Throws std::invalid_argument when its rule or subject is not there.
[[nodiscard]] std::string explain(const program& prog, const county& c, const results& r, const entitlement& e);

/// Says why a finding was raised: the rule, its source, the threshold in force,
/// and the facts that fell short.
[[nodiscard]] std::string explain(const program& prog, const county& c, const results& r, const finding& f);

}  // namespace rulebook

#include "rulebook/detail/engine_impl.hpp"
