// Internal: grade quotas — "按照驻村工作队员总数的20%确定优秀工作队员": the places
// are a share of the resident members, rounded as the rule says, and the
// members proposed for the grade take them in the order the rule ranks them.
// Included by engine_impl.hpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rulebook/detail/engine_checks.hpp"
#include "rulebook/detail/engine_context.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"
#include "rulebook/policy.hpp"
#include "rulebook/result.hpp"

namespace rulebook::detail {

/// What a member is ranked by.
struct quota_candidate {
  std::size_t member = 0;
  const assessment* graded = nullptr;
  long long days_in_village = 0;  // summed over the period's month records
  date service_start;             // first day of the unbroken service the period's last served day belongs to
};

/// Compares two candidates by the rule's keys: negative when `a` ranks first,
/// 0 when they are equal on every key.
[[nodiscard]] inline int compare_candidates(const county& c, const std::vector<ranking>& keys, const quota_candidate& a,
                                            const quota_candidate& b) {
  for (const ranking& k : keys) {
    int cmp = 0;  // ascending comparison
    switch (k.key) {
      case rank_key::score:
        cmp = a.graded->score < b.graded->score ? -1 : (b.graded->score < a.graded->score ? 1 : 0);
        break;
      case rank_key::days_in_village:
        cmp = a.days_in_village < b.days_in_village ? -1 : (b.days_in_village < a.days_in_village ? 1 : 0);
        break;
      case rank_key::service_start:
        cmp = a.service_start < b.service_start ? -1 : (b.service_start < a.service_start ? 1 : 0);
        break;
      case rank_key::id: {
        const int c3 = c.members[a.member].id.compare(c.members[b.member].id);
        cmp = c3 < 0 ? -1 : (c3 > 0 ? 1 : 0);
        break;
      }
    }
    if (cmp != 0) return k.descending ? -cmp : cmp;
  }
  return 0;
}

/// Ranks, for each quota rule, the resident members with an assessment for the
/// period's year and seats the proposals: see `quota_result`. Also appends one
/// finding per proposal over the quota — none is dropped —, its subject the
/// member, against the unit the rule's `responsible:` names for that member
/// (`dispatching_unit`: the unit that proposed the grade; the bundled policies
/// say so), with the rule's severity, so that a penalty rule naming the quota
/// rule charges it like any other finding.
///
/// Seats go only to members proposed for the grade: a member not proposed is
/// ranked (and shares ranks) but never takes a place. Proposals take places in
/// rank order; a group equal on every key that would straddle the last place is
/// all left out (`ties: exclude`) or all let in (`ties: include`), and nobody
/// ranked below it is seated.
inline void evaluate_quotas(const eval_context& ctx, results& res) {
  const county& c = ctx.data;
  const date_range within = ctx.evaluated.range;
  const int year = static_cast<int>(within.last.year());
  // Days in the village per member, by index.
  std::vector<long long> days(c.members.size(), 0);
  for (std::size_t m = 0; m < c.members.size(); ++m)
    for (const std::uint32_t i : ctx.index.records_of(m))
      if (const month_records::row rec = c.months[i]; within.contains(rec.month().first_day()))
        days[m] += rec.days_in_village();

  for (const rule& r : ctx.rules.rules) {
    const auto* body = std::get_if<quota_rule>(&r.body);
    if (body == nullptr) continue;
    quota_result q;
    q.rule = r.id;
    q.of_grade = body->of_grade;
    q.share = number_figure_on(ctx.rules, body->share, within.last);

    // 驻村工作队员总数: every member who served on any day of the period.
    std::vector<quota_candidate> candidates;
    for (std::size_t mi = 0; mi < c.members.size(); ++mi) {
      if (ctx.index.days_served(mi, within) == 0) continue;
      ++q.population;
      const member& m = c.members[mi];
      const auto a = std::find_if(m.assessments.begin(), m.assessments.end(),
                                  [&](const assessment& x) { return x.year == year; });
      if (a == m.assessments.end()) continue;
      quota_candidate cand{mi, &*a, 0, {}};
      cand.days_in_village = days[mi];
      for (const date_range& s : joined_service(ctx.index, mi))
        if (overlap(s, within)) cand.service_start = s.first;  // the last stretch in the period
      candidates.push_back(cand);
    }
    // places = share × population, rounded to a whole number as the rule says (floor: 0.2 × 37 = 7.4 → 7).
    const decimal places = q.share.mul_div(static_cast<std::int64_t>(q.population), 1, body->round, 0);
    q.places = static_cast<std::size_t>(std::max<std::int64_t>(0, places.raw() / decimal::one));

    // Equals keep the county's order (candidates come by member index): sorted in
    // place, which for 3 M candidates spares the 100 MB a stable sort borrows.
    std::sort(candidates.begin(), candidates.end(), [&](const quota_candidate& a, const quota_candidate& b) {
      const int cmp = compare_candidates(c, body->rank_by, a, b);
      return cmp != 0 ? cmp < 0 : a.member < b.member;
    });
    q.ranking.reserve(candidates.size());

    std::size_t seated = 0;
    bool closed = false;  // a group straddled the boundary, or the places ran out
    for (std::size_t i = 0; i < candidates.size();) {
      std::size_t j = i + 1;
      while (j < candidates.size() && compare_candidates(c, body->rank_by, candidates[i], candidates[j]) == 0) ++j;
      std::size_t proposals = 0;
      for (std::size_t k = i; k < j; ++k) proposals += candidates[k].graded->proposed == body->of_grade ? 1 : 0;
      bool in = false;
      if (!closed && proposals > 0) {
        if (seated + proposals <= q.places) {
          in = true;
        } else if (seated < q.places) {
          in = body->ties == quota_ties::include;
          closed = true;
        } else {
          closed = true;
        }
      }
      for (std::size_t k = i; k < j; ++k) {
        const bool proposed = candidates[k].graded->proposed == body->of_grade;
        q.ranking.push_back({c.members[candidates[k].member].id, candidates[k].graded->score, i + 1, proposed,
                             proposed && in});
      }
      if (in) seated += proposals;
      i = j;
    }
    std::vector<quota_candidate>().swap(candidates);
    for (const quota_place& place : q.ranking)
      if (place.proposed && !place.within_quota) q.over_quota.push_back(place.member);

    for (const quota_place& place : q.ranking) {
      if (!place.proposed || place.within_quota) continue;
      const auto mi = ctx.index.member(place.member);
      const member& m = c.members[*mi];
      // The team the member last served in within the period (a member who left
      // before its end still has one), for a rule whose lead unit answers.
      std::optional<std::size_t> t;
      for (const served_stretch& s : ctx.index.service_of(*mi))
        if (overlap(s.range, within)) t = s.team;
      finding f;
      f.rule = r.id;
      f.kind = r.kind;
      f.subject = subject_kind::member;
      f.subject_id = m.id;
      f.responsible_unit = ctx.responsible_unit(r, &m, t ? &c.teams[*t] : nullptr);
      f.severity = severity_of(r);
      f.slice = within;
      f.expected = std::to_string(q.places) + " places";
      f.actual = "rank " + std::to_string(place.rank);
      f.message = m.id + " was proposed " + std::string(to_string(body->of_grade)) + " (score " +
                  place.score.to_string() + ", rank " + std::to_string(place.rank) + ") but the quota of " +
                  q.share.to_string() + " × " + std::to_string(q.population) + " members gives " +
                  std::to_string(q.places) + " places";
      res.findings.push_back(std::move(f));
    }
    res.quotas.push_back(std::move(q));
  }
}

}  // namespace rulebook::detail
