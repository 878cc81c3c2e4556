// Internal: what every part of the evaluator shares — the county indexed for
// lookups by id and by date, and the responsible unit of a rule for a subject.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rulebook/detail/id_table.hpp"
#include "rulebook/detail/parallel.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"
#include "rulebook/policy.hpp"

namespace rulebook {
class program;
}

namespace rulebook::detail {

/// One stretch of a member's service, with the team's index.
struct served_stretch {
  std::uint32_t team = 0;
  date_range range;
};

/// A member's insurance policy as the minimum checks read it: the days in
/// force (both ends included) and the cover.
struct policy_cover {
  date_range days;
  money cover;
};

/// A member's health check as the minimum checks read it.
struct check_cost {
  date on;
  money cost;
};

/// A team's holding of a kit item as the kit checks read it: the item, as its
/// code among the county's item names (`county_index::kit_item`), and the days
/// on hand (open-ended when it has no end).
struct kit_held {
  std::uint32_t item = 0;
  date_range days;
};

/// One list of `T` for each subject (a member, a team), in the subjects' order,
/// all in one vector: most subjects have one or two, and a list a subject would
/// cost an allocation each. Offsets in 32 bits, as the month records' are.
/// Made a subject at a time: its elements pushed, then `end_list`.
template <class T>
class packed_lists {
 public:
  void reserve(std::size_t lists, std::size_t elements) {
    start_.reserve(lists + 1);
    elements_.reserve(elements);
  }
  void push_back(const T& element) { elements_.push_back(element); }
  /// The elements pushed since the last `end_list`: the list being made.
  [[nodiscard]] std::span<T> open_list() noexcept {
    return {elements_.data() + start_.back(), elements_.data() + elements_.size()};
  }
  /// Ends the list being made; the next subject's begins.
  void end_list() { start_.push_back(static_cast<std::uint32_t>(elements_.size())); }

  /// Subject `i`'s list. Not after `release`.
  [[nodiscard]] std::span<const T> of(std::size_t i) const noexcept {
    assert(i + 1 < start_.size());
    return {elements_.data() + start_[i], elements_.data() + start_[i + 1]};
  }

  /// Gives back its memory; no list may be read after.
  void release() noexcept {
    std::vector<std::uint32_t>().swap(start_);
    std::vector<T>().swap(elements_);
  }

 private:
  std::vector<std::uint32_t> start_{0};  // [subject]: where its list starts in elements_
  std::vector<T> elements_;
};

/// A member's month records, as indices into `county::months` in their order
/// there: a slice of a list of indices or, where the county's records come
/// grouped by member in the members' order (as exports list them), a run of
/// consecutive indices, which needs no list.
class record_indices {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::uint32_t;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::uint32_t;

    iterator() = default;
    iterator(const std::uint32_t* list, std::uint32_t k) noexcept : list_(list), k_(k) {}
    std::uint32_t operator*() const noexcept { return list_ != nullptr ? list_[k_] : k_; }
    iterator& operator++() noexcept { return ++k_, *this; }
    iterator operator++(int) noexcept { return {list_, k_++}; }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.k_ == b.k_; }

   private:
    const std::uint32_t* list_ = nullptr;
    std::uint32_t k_ = 0;
  };

  record_indices(const std::uint32_t* list, std::uint32_t first, std::uint32_t last) noexcept
      : list_(list), first_(first), last_(last) {}
  [[nodiscard]] iterator begin() const noexcept { return {list_, first_}; }
  [[nodiscard]] iterator end() const noexcept { return {list_, last_}; }
  [[nodiscard]] std::size_t size() const noexcept { return last_ - first_; }
  [[nodiscard]] bool empty() const noexcept { return first_ == last_; }

 private:
  const std::uint32_t* list_;  // null: the indices are first_, first_ + 1, …
  std::uint32_t first_, last_;
};

/// The county with its ids resolved to indices, each member's service as date
/// ranges, and the members of each team. Built once per evaluation.
class county_index {
 public:
  /// Built on up to `threads` threads: the members' ids and their month
  /// records on one; their service, the teams' members, the members' policies
  /// and health checks, and the teams' kit on another.
  explicit county_index(const county& c, unsigned threads = 1) : county_(&c), units_(c.units), teams_(c.teams) {
    std::size_t stretches = 0, policies = 0, checks = 0, holdings = 0;
    for (const rulebook::member& m : c.members) {
      stretches += m.service.size();
      policies += m.insurance.size();
      checks += m.health_checks.size();
    }
    for (const rulebook::team& t : c.teams) holdings += t.kit.size();
    if (std::max({stretches, policies, checks, holdings, c.members.size(), c.teams.size()}) >=
        std::numeric_limits<std::uint32_t>::max())
      throw std::length_error(
          "county index: more than 4,294,967,294 members, teams, stretches of service, policies, health checks or "
          "kit holdings");
    parallel_for(threads, 2, [&](std::size_t part, unsigned) {
      if (part == 0) {
        members_ = id_table<rulebook::member>(c.members);
        group_records(c);
      } else {
        index_service(c, stretches);
        index_minimums(c, policies, checks);
        index_kit(c, holdings);
      }
    });
  }

  [[nodiscard]] const county& data() const noexcept { return *county_; }

  [[nodiscard]] std::optional<std::size_t> unit(std::string_view id) const { return units_.find(id); }
  [[nodiscard]] std::optional<std::size_t> team(std::string_view id) const { return teams_.find(id); }
  [[nodiscard]] std::optional<std::size_t> member(std::string_view id) const { return members_.find(id); }

  /// The member's stretches of service, by date.
  [[nodiscard]] std::span<const served_stretch> service_of(std::size_t member) const noexcept {
    return service_.of(member);
  }

  /// The team the member served in on `day`, or nothing when not serving.
  [[nodiscard]] std::optional<std::size_t> team_on(std::size_t member, date day) const noexcept {
    for (const served_stretch& s : service_of(member))
      if (s.range.contains(day)) return s.team;
    return std::nullopt;
  }

  /// The member's days of service inside `range`.
  [[nodiscard]] int days_served(std::size_t member, const date_range& range) const noexcept {
    int days = 0;
    for (const served_stretch& s : service_of(member)) days += days_overlapping(s.range, range);
    return days;
  }

  /// The member's month records, as indices into `county::months`, in their order there.
  [[nodiscard]] record_indices records_of(std::size_t member) const noexcept {
    return {records_.empty() ? nullptr : records_.data(), record_start_[member], record_start_[member + 1]};
  }

  /// The member's insurance policies, in the county's order. Not after `release_check_columns`.
  [[nodiscard]] std::span<const policy_cover> policies_of(std::size_t member) const noexcept {
    return policies_.of(member);
  }

  /// The member's health checks, in the county's order. Not after `release_check_columns`.
  [[nodiscard]] std::span<const check_cost> checks_of(std::size_t member) const noexcept {
    return checks_.of(member);
  }

  /// The team's kit, in the county's order. Not after `release_check_columns`.
  [[nodiscard]] std::span<const kit_held> kit_of(std::size_t team) const noexcept { return kit_.of(team); }

  /// The code `kit_held::item` gives a kit item named `name`, or `no_kit_item`
  /// when no team holds it.
  [[nodiscard]] std::uint32_t kit_item(std::string_view name) const noexcept {
    const auto it = kit_codes_.find(name);
    return it == kit_codes_.end() ? no_kit_item : it->second;
  }
  /// Never a held item's code.
  static constexpr std::uint32_t no_kit_item = std::numeric_limits<std::uint32_t>::max();
  /// How many distinct item names the teams hold: codes are below it.
  [[nodiscard]] std::size_t kit_item_count() const noexcept { return kit_codes_.size(); }

  /// Gives back the memory of the lists only the minimum and kit checks read
  /// (`policies_of`, `checks_of`, `kit_of`), once they have run: at 3 M members
  /// some 150 MB, which the rest of the evaluation, writing its results, does
  /// without.
  void release_check_columns() noexcept {
    policies_.release();
    checks_.release();
    kit_.release();
  }

  /// Members who ever served in `team`, by index, ascending.
  [[nodiscard]] std::span<const std::uint32_t> members_in(std::size_t team) const noexcept {
    return {team_members_.data() + team_start_[team], team_members_.data() + team_start_[team + 1]};
  }

 private:
  /// Each member's stretches, by date (`packed_lists`); then each team's
  /// members, ascending, in one list too: counted, then placed.
  void index_service(const county& c, std::size_t stretches) {
    service_.reserve(c.members.size(), stretches);
    for (const rulebook::member& m : c.members) {
      for (const service_interval& s : m.service) {
        const auto t = team(s.team);
        if (!t) continue;  // loading guarantees references resolve; a hand-filled county may not
        service_.push_back({static_cast<std::uint32_t>(*t), s.to ? date_range{s.from, *s.to} : date_range::from(s.from)});
      }
      const std::span<served_stretch> stretches_of_m = service_.open_list();
      std::sort(stretches_of_m.begin(), stretches_of_m.end(),
                [](const served_stretch& a, const served_stretch& b) { return a.range.first < b.range.first; });
      service_.end_list();
    }
    constexpr std::size_t nobody = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> last(c.teams.size(), nobody);  // the member last placed in each team
    const auto each_team_member = [&](auto&& f) {
      std::fill(last.begin(), last.end(), nobody);
      for (std::size_t m = 0; m < c.members.size(); ++m)
        for (const served_stretch& s : service_of(m))
          if (last[s.team] != m) f(s.team, last[s.team] = m);
    };
    team_start_.assign(c.teams.size() + 1, 0);
    each_team_member([&](std::size_t t, std::size_t) { ++team_start_[t + 1]; });
    for (std::size_t t = 0; t < c.teams.size(); ++t) team_start_[t + 1] += team_start_[t];
    team_members_.resize(team_start_.back());
    std::vector<std::uint32_t> next(team_start_.begin(), team_start_.end() - 1);
    each_team_member([&](std::size_t t, std::size_t m) { team_members_[next[t]++] = static_cast<std::uint32_t>(m); });
  }

  /// Each member's policies and health checks as the minimum checks read them
  /// (`packed_lists`): the checks walk these few bytes a member, not the
  /// members' 200-byte structs and their lists elsewhere in memory (two passes
  /// over 600 MB at 3 M members, and a cache miss a list).
  void index_minimums(const county& c, std::size_t policies, std::size_t checks) {
    policies_.reserve(c.members.size(), policies);
    checks_.reserve(c.members.size(), checks);
    for (const rulebook::member& m : c.members) {
      for (const insurance_policy& p : m.insurance) policies_.push_back({{p.from, p.to}, p.cover});
      for (const health_check& h : m.health_checks) checks_.push_back({h.on, h.cost});
      policies_.end_list();
      checks_.end_list();
    }
  }

  /// Each team's kit with its items as codes (`packed_lists`): the kit check
  /// compares codes, not names, and reads neither the teams' structs nor their
  /// holdings' lists. Holdings come mostly in one order of items team after
  /// team, so the code after the last one found is tried first.
  void index_kit(const county& c, std::size_t holdings) {
    kit_.reserve(c.teams.size(), holdings);
    std::vector<std::string_view> names;  // by code
    std::uint32_t guess = 0;
    for (const rulebook::team& t : c.teams) {
      for (const kit_holding& k : t.kit) {
        std::uint32_t code = guess;
        if (code >= names.size() || !same_id(names[code], k.item)) {
          const auto [it, added] = kit_codes_.try_emplace(k.item, static_cast<std::uint32_t>(names.size()));
          if (added) names.push_back(k.item);
          code = it->second;
        }
        kit_.push_back({code, k.until ? date_range{k.since, *k.until} : date_range::from(k.since)});
        guess = code + 1 == names.size() ? 0 : code + 1;
      }
      kit_.end_list();
    }
  }

  /// Groups the month records by member (a counting sort): each distinct id of
  /// the records is looked up once. Records of no member are left out. When
  /// every record names a member and they come in the members' order, each
  /// member's are a run of consecutive indices, and no list is made.
  void group_records(const county& c) {
    constexpr std::uint32_t nobody = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> member_of(c.months.member_count(), nobody);
    for (month_records::key k = 0; k < member_of.size(); ++k)
      if (const auto m = member(c.months.member_id(k))) member_of[k] = static_cast<std::uint32_t>(*m);
    record_start_.assign(c.members.size() + 1, 0);
    bool in_order = true;
    std::uint32_t previous = 0;
    for (const month_records::row r : c.months) {
      const std::uint32_t m = member_of[r.member_key()];
      if (m == nobody || m < previous) in_order = false;
      if (m != nobody) ++record_start_[m + 1];
      previous = m;
    }
    for (std::size_t m = 0; m < c.members.size(); ++m) record_start_[m + 1] += record_start_[m];
    if (in_order) return;
    records_.resize(record_start_.back());
    std::vector<std::uint32_t> next(record_start_.begin(), record_start_.end() - 1);
    for (std::size_t i = 0; i < c.months.size(); ++i)
      if (const std::uint32_t m = member_of[c.months[i].member_key()]; m != nobody)
        records_[next[m]++] = static_cast<std::uint32_t>(i);
  }

  const county* county_;
  id_table<rulebook::sponsor_unit> units_;
  id_table<rulebook::team> teams_;
  id_table<rulebook::member> members_;
  std::vector<std::uint32_t> record_start_{0};  // [member]: where its records start in records_
  std::vector<std::uint32_t> records_;  // empty when each member's records are a run (see group_records)
  // Indices in 32 bits, as the month records' are: 3 M members' index is 40 MB smaller.
  packed_lists<served_stretch> service_;  // by member
  packed_lists<policy_cover> policies_;   // by member
  packed_lists<check_cost> checks_;       // by member
  packed_lists<kit_held> kit_;            // by team
  std::unordered_map<std::string_view, std::uint32_t> kit_codes_;  // item name (the county's text) → code
  std::vector<std::uint32_t> team_start_{0};  // [team]: where its members start in team_members_
  std::vector<std::uint32_t> team_members_;   // per team: members who served in it, ascending
};

/// Everything one evaluation reads. Never written during it.
struct eval_context {
  const program& prog;
  const policy& rules;
  const county& data;
  const period& evaluated;
  const county_index& index;
  unsigned threads = 1;  // for the stages that cut their work into independent parts

  /// The unit that answers for `r` for a member (or, with no member, for a team):
  /// the member's dispatching unit, the team's lead unit, or nobody (empty) when
  /// the town or the county answers. For `sponsor_units`, the team's lead unit
  /// stands for them; obligations owed by each sponsor unit name it themselves.
  /// A reference to the member's or team's own text (or to an empty one), copied only by the caller.
  [[nodiscard]] const std::string& responsible_unit(const rule& r, const member* m, const team* t) const {
    static const std::string nobody;
    switch (r.responsible) {
      case responsible_party::dispatching_unit: return m ? m->unit : (t ? t->lead_unit : nobody);
      case responsible_party::lead_unit:
      case responsible_party::sponsor_units: return t ? t->lead_unit : nobody;
      case responsible_party::town:
      case responsible_party::county: return nobody;
    }
    return nobody;
  }
};

}  // namespace rulebook::detail
