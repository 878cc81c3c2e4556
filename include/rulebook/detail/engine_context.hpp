// Internal: what every part of the evaluator shares — the county indexed for
// lookups by id and by date, and the responsible unit of a rule for a subject.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rulebook/detail/id_table.hpp"
#include "rulebook/detail/parallel.hpp"
#include "rulebook/model.hpp"
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
  /// records on one, their service and the teams' members on another.
  explicit county_index(const county& c, unsigned threads = 1) : county_(&c), units_(c.units), teams_(c.teams) {
    std::size_t stretches = 0;
    for (const rulebook::member& m : c.members) stretches += m.service.size();
    if (std::max({stretches, c.members.size(), c.teams.size()}) >= std::numeric_limits<std::uint32_t>::max())
      throw std::length_error("county index: more than 4,294,967,294 members, teams or stretches of service");
    parallel_for(threads, 2, [&](std::size_t part, unsigned) {
      if (part == 0) {
        members_ = id_table<rulebook::member>(c.members);
        group_records(c);
      } else {
        index_service(c, stretches);
      }
    });
  }

  [[nodiscard]] const county& data() const noexcept { return *county_; }

  [[nodiscard]] std::optional<std::size_t> unit(std::string_view id) const { return units_.find(id); }
  [[nodiscard]] std::optional<std::size_t> team(std::string_view id) const { return teams_.find(id); }
  [[nodiscard]] std::optional<std::size_t> member(std::string_view id) const { return members_.find(id); }

  /// The member's stretches of service, by date.
  [[nodiscard]] std::span<const served_stretch> service_of(std::size_t member) const noexcept {
    return {service_.data() + service_start_[member], service_.data() + service_start_[member + 1]};
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

  /// Members who ever served in `team`, by index, ascending.
  [[nodiscard]] std::span<const std::uint32_t> members_in(std::size_t team) const noexcept {
    return {team_members_.data() + team_start_[team], team_members_.data() + team_start_[team + 1]};
  }

 private:
  /// Each member's stretches, by date, in one list for all members (most have
  /// one or two): a list a member would cost an allocation each; then each
  /// team's members, ascending, also in one list: counted, then placed.
  void index_service(const county& c, std::size_t stretches) {
    service_.reserve(stretches);
    service_start_.reserve(c.members.size() + 1);
    for (const rulebook::member& m : c.members) {
      const std::size_t first = service_.size();
      for (const service_interval& s : m.service) {
        const auto t = team(s.team);
        if (!t) continue;  // loading guarantees references resolve; a hand-filled county may not
        service_.push_back({static_cast<std::uint32_t>(*t), s.to ? date_range{s.from, *s.to} : date_range::from(s.from)});
      }
      std::sort(service_.begin() + static_cast<std::ptrdiff_t>(first), service_.end(),
                [](const served_stretch& a, const served_stretch& b) { return a.range.first < b.range.first; });
      service_start_.push_back(static_cast<std::uint32_t>(service_.size()));
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
  std::vector<std::uint32_t> service_start_{0};  // [member]: where its stretches start in service_
  std::vector<served_stretch> service_;
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
