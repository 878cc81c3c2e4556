// The checks that need the whole county, run after a YAML or CSV loader has
// read every entity (docs/data-format.md, "What loading checks"): unique ids,
// references that resolve, intervals in order and not overlapping, and month
// records that agree with the calendar and with the member's service.
//
// The loaders leave out what they could not read (a broken event, a member's
// service with a broken interval), so every check here skips what is absent
// instead of reporting it twice: an empty reference, a member with no service.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstddef>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "detail/load_context.hpp"
#include "rulebook/detail/id_table.hpp"
#include "rulebook/detail/parallel.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/model.hpp"
#include "rulebook/period.hpp"

namespace rulebook::detail {
namespace {

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

/// On the thread that checks the month records beside the other checks, where
/// its reports wait: finding a report's position may read the source files
/// again, which only the calling thread does. Null elsewhere.
thread_local std::vector<std::function<void()>>* waiting_reports = nullptr;

/// A county's month records are checked beside the other checks from this many
/// on (a county of 3 M members has 36 M): below it a thread costs more than it saves.
constexpr std::size_t months_checked_beside_from = 65536;

std::string indexed(std::string_view name, std::size_t index) {
  return std::string(name) + "[" + std::to_string(index) + "]";
}

/// A position as diagnostics print it: `file:line:col`, or `file:row:column`
/// for a CSV field.
std::string describe(const source_location& at) {
  std::string out = at.file;
  if (at.line > 0) {
    out += ":" + std::to_string(at.line);
    if (!at.field.empty())
      out += ":" + at.field;
    else if (at.column > 0)
      out += ":" + std::to_string(at.column);
  }
  return out;
}

/// True for a real calendar day; a loader that could not read a date may leave
/// Boost's not-a-date-time, which no comparison should see.
bool usable(date d) { return !d.is_special(); }
bool usable(year_month m) { return m.month >= 1 && m.month <= 12 && m.year >= min_year && m.year <= max_year; }

/// The days a service interval covers, or nothing when it cannot be used
/// (an unreadable date, or an end before its start, reported on its own).
std::optional<date_range> span_of(const service_interval& s) {
  if (!usable(s.from) || (s.to && !usable(*s.to))) return std::nullopt;
  const date last = s.to ? *s.to : date_range::open_end();
  if (last < s.from) return std::nullopt;
  return date_range{s.from, last};
}

/// "2018-03-01 to 2019-06-30", or "2019-07-01 onwards" for an open interval.
std::string describe(const service_interval& s) {
  return s.to ? to_string(s.from) + " to " + to_string(*s.to) : to_string(s.from) + " onwards";
}

/// The ids of one kind of entity, each with the index of the first entity that
/// has it; "did you mean" hints pick among them.
class id_index {
 public:
  explicit id_index(std::string_view noun) : noun_(noun) {}

  /// Adds entity `index`'s id; returns the index of an earlier entity with the
  /// same id, if any. Empty ids (unreadable, reported already) are skipped.
  std::optional<std::size_t> add(std::string_view id, std::size_t index) {
    if (id.empty()) return std::nullopt;
    if (index >= is_first_.size()) is_first_.resize(index + 1, false);
    ids_.push_back(id);  // first, so that the map never names a place the lists lack
    entity_.push_back(index);
    std::optional<std::uint32_t> earlier;
    try {
      earlier = first_.insert(id, ids_.size() - 1, id_of());
    } catch (...) {
      ids_.pop_back();
      entity_.pop_back();
      throw;
    }
    is_first_[index] = !earlier;
    if (!earlier) return std::nullopt;
    ids_.pop_back();  // a repeat: listed once, at its first
    entity_.pop_back();
    return entity_[*earlier];
  }

  /// Room for `n` entities' ids without growing.
  void reserve(std::size_t n) {
    ids_.reserve(n);
    entity_.reserve(n);
    is_first_.reserve(n);
    first_.reserve(n, id_of());
  }

  /// Whether entity `index` is the first with its id, which `find` gives.
  [[nodiscard]] bool is_first(std::size_t index) const {
    return index < is_first_.size() && is_first_[index];
  }

  /// The index of the first entity with `id`.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view id) const {
    const std::optional<std::uint32_t> at = first_.find(id, id_of());
    if (!at) return std::nullopt;
    return entity_[*at];
  }

  [[nodiscard]] const std::string& noun() const noexcept { return noun_; }

  /// A hint for an id that is none of these: the closest one, or the list
  /// when it is short enough to read.
  [[nodiscard]] std::string hint_for(std::string_view id) const {
    if (ids_.empty()) return "no " + noun_ + " is defined";
    const std::string_view near = closest_match(id, ids_);
    if (!near.empty()) return "did you mean " + in_quotes(near) + "?";
    constexpr std::size_t listed = 8;
    if (ids_.size() > listed) return {};
    std::string out = "the " + noun_ + "s are ";
    for (std::size_t i = 0; i < ids_.size(); ++i) out += (i == 0 ? "" : ", ") + std::string(ids_[i]);
    return out;
  }

 private:
  [[nodiscard]] ids_in id_of() const noexcept { return {&ids_}; }

  std::string noun_;
  id_map first_;                       // each distinct id to its place in ids_
  std::vector<std::string_view> ids_;  // in order, for hints
  std::vector<std::size_t> entity_;    // the entity with each of ids_
  std::vector<bool> is_first_;
};

/// Runs every check over one county, appending to the sink.
class checker {
 public:
  checker(const county& c, const source_map& where, diagnostic_sink& sink) : c_(c), where_(where), sink_(sink) {}

  /// The checks of everything but the month records, which `c_.months` need not hold yet.
  void check_all_but_months() {
    index_all();
    check_teams_and_members();
    check_events();
  }

  /// Then the month records' (`check_all_but_months` has indexed the members).
  void check_month_records() { check_months(true); }

  /// The checks, kind by kind; a large county's month records on a thread of
  /// their own beside the teams', members' and events', their reports then put
  /// where a run on one thread puts them.
  void run() {
    index_all();
    std::vector<std::function<void()>> month_reports;
    std::exception_ptr months_failed;
    std::jthread beside;
    if (c_.months.size() >= months_checked_beside_from && std::thread::hardware_concurrency() > 1) {
      try {
        beside = std::jthread([&] {
          waiting_reports = &month_reports;
          try {
            check_months();
          } catch (...) {
            months_failed = std::current_exception();
          }
          waiting_reports = nullptr;
        });
      } catch (const std::system_error&) {  // no thread to be had: checked in turn below
      }
    }
    check_teams_and_members();
    const std::size_t months_at = sink_.diagnostics().size();
    if (!beside.joinable()) check_months();
    check_events();
    if (!beside.joinable()) return;
    beside.join();
    if (months_failed) std::rethrow_exception(months_failed);
    const std::size_t months_end = sink_.diagnostics().size();
    for (const std::function<void()>& report : month_reports) report();
    std::vector<diagnostic>& ds = sink_.diagnostics();
    std::rotate(ds.begin() + static_cast<std::ptrdiff_t>(months_at), ds.begin() + static_cast<std::ptrdiff_t>(months_end),
                ds.end());
  }

 private:
  void index_all() {
    index_ids(c_.units, "units", units_);
    index_ids(c_.teams, "teams", teams_);
    index_ids(c_.members, "members", members_);
  }
  void check_teams_and_members() {
    for (std::size_t i = 0; i < c_.teams.size(); ++i) check_team(i);
    for (std::size_t i = 0; i < c_.members.size(); ++i) check_member(i);
  }
  void check_events() {
    for (std::size_t i = 0; i < c_.visits.size(); ++i) check_visit(i);
    for (std::size_t i = 0; i < c_.meetings.size(); ++i) check_meeting(i);
    for (std::size_t i = 0; i < c_.condolences.size(); ++i) check_condolence(i);
  }

  /// Runs `report` now, or, on the thread beside, once the checks are done.
  template <class F>
  void report(F&& f) {
    if (waiting_reports != nullptr) waiting_reports->emplace_back(std::forward<F>(f));
    else f();
  }
  void error(std::string code, const std::string& key, std::string message, std::string hint = {}) {
    report([this, code = std::move(code), key, message = std::move(message), hint = std::move(hint)]() mutable {
      sink_.error(std::move(code), where_.find(key), std::move(message), std::move(hint));
    });
  }

  // ---- ids and references ----

  /// Ids are unique per kind of entity: a second unit 'U01' is an error at the
  /// second, naming where the first is.
  template <class T>
  void index_ids(const std::vector<T>& entities, std::string_view section, id_index& ids) {
    ids.reserve(entities.size());  // 3 M members: a table rehashed as it grew cost a second
    for (std::size_t i = 0; i < entities.size(); ++i) {
      const std::optional<std::size_t> first = ids.add(entities[i].id, i);
      if (!first) continue;
      error("duplicate-id", indexed(section, i) + ".id", "duplicate " + ids.noun() + " id " + in_quotes(entities[i].id),
            "the first " + ids.noun() + " " + in_quotes(entities[i].id) + " is at " +
                describe(where_.find(indexed(section, *first) + ".id")) + "; ids are unique per kind");
    }
  }

  /// Reports `id` (recorded at the key `key()` gives) unless an entity of
  /// `ids` has it. `role()` says what the reference is for ("as the lead unit
  /// of team 'T01'"). An empty id is an optional reference left out, or one
  /// reported when read. The key and the role are worked out only for a
  /// message: a county has millions of references and few wrong ones.
  template <class Key, class Role>
  void resolve(const id_index& ids, std::string_view id, Key key, Role role) {
    if (id.empty() || ids.find(id)) return;
    error("unknown-reference", key(), "unknown " + ids.noun() + " " + in_quotes(id) + " " + role(), ids.hint_for(id));
  }

  /// Where the checks other than the month records' last found an id of one
  /// kind: a table's rows come grouped (a team's members, most from one unit;
  /// a team's visits; a meeting's attendees in the members' order), so most
  /// references name that entity again, or the one listed after it. Only those
  /// checks use it: they run on one thread, the month records' on up to two.
  struct last_found {
    std::string_view id;  // the entity's own, in the county (unchanged while checked)
    std::size_t index = 0;
  };

  /// The index of the first entity with `id`: `hint` when it is that one
  /// (rows often name entities in their list's order), else from `ids`.
  template <class Entities>
  static std::optional<std::size_t> find_near(const id_index& ids, const Entities& all, std::size_t hint,
                                              std::string_view id) {
    if (hint < all.size() && all[hint].id == id && ids.is_first(hint)) return hint;
    return ids.find(id);
  }

  /// `resolve`, trying the entity `last` found and the one after it before `ids`.
  template <class Entities, class Key, class Role>
  void resolve(const id_index& ids, const Entities& all, last_found& last, std::string_view id, Key key, Role role) {
    if (id.empty() || (!last.id.empty() && last.id == id)) return;
    const std::optional<std::size_t> at = find_near(ids, all, last.id.empty() ? 0 : last.index + 1, id);
    if (at) {
      last = {all[*at].id, *at};
      return;
    }
    resolve(ids, id, key, role);
  }

  // ---- teams ----

  void check_team(std::size_t i) {
    const team& t = c_.teams[i];
    const auto key = [i] { return indexed("teams", i); };
    const auto of = [&t] { return "team " + in_quotes(t.id); };
    resolve(
        units_, c_.units, last_unit_, t.lead_unit, [&] { return key() + ".lead_unit"; },
        [&] { return "as the lead unit of " + of(); });
    for (std::size_t k = 0; k < t.sponsor_units.size(); ++k)
      resolve(
          units_, c_.units, last_unit_, t.sponsor_units[k], [&] { return key() + "." + indexed("sponsor_units", k); },
          [&] { return "among the sponsor units of " + of(); });
    for (std::size_t j = 0; j < t.kit.size(); ++j) {
      const kit_holding& k = t.kit[j];
      if (!k.until || !usable(k.since) || !usable(*k.until) || k.since <= *k.until) continue;
      error("bad-interval", key() + "." + indexed("kit", j) + ".until",
            "kit item " + in_quotes(k.item) + " of " + of() + " ends before it is on hand: since " + to_string(k.since) +
                ", until " + to_string(*k.until));
    }
    for (std::size_t j = 0; j < t.funds_received.size(); ++j)
      resolve(
          units_, c_.units, last_unit_, t.funds_received[j].from_unit,
          [&] { return key() + "." + indexed("funds_received", j) + ".from"; },
          [&] { return "as the payer of funds received by " + of(); });
  }

  // ---- members ----

  void check_member(std::size_t i) {
    const member& m = c_.members[i];
    const auto key = [i] { return indexed("members", i); };
    const auto of = [&m] { return "member " + in_quotes(m.id); };
    resolve(
        units_, c_.units, last_unit_, m.unit, [&] { return key() + ".unit"; },
        [&] { return "as the dispatching unit of " + of(); });
    for (std::size_t j = 0; j < m.service.size(); ++j) {
      const service_interval& s = m.service[j];
      const auto at = [&] { return key() + "." + indexed("service", j); };
      resolve(
          teams_, c_.teams, last_team_, s.team, [&] { return at() + ".team"; },
          [&] { return "in a service interval of " + of(); });
      if (s.to && usable(s.from) && usable(*s.to) && *s.to < s.from)
        error("bad-interval", at() + ".to",
              "service interval of " + of() + " ends before it starts: from " + to_string(s.from) + " to " +
                  to_string(*s.to));
    }
    if (m.service.size() > 1) check_service_overlap(m, key());
    for (std::size_t j = 0; j < m.insurance.size(); ++j) {
      const insurance_policy& p = m.insurance[j];
      if (!usable(p.from) || !usable(p.to) || p.from <= p.to) continue;
      error("bad-interval", key() + "." + indexed("insurance", j) + ".to",
            "insurance policy of " + of() + " ends before it starts: from " + to_string(p.from) + " to " +
                to_string(p.to));
    }
  }

  /// "A member is in one team on any day": no two service intervals share a
  /// day. Each clash is reported at the later interval, naming both.
  void check_service_overlap(const member& m, const std::string& key) {
    for (std::size_t k = 1; k < m.service.size(); ++k) {
      const std::optional<date_range> later = span_of(m.service[k]);
      if (!later) continue;
      for (std::size_t j = 0; j < k; ++j) {
        const std::optional<date_range> earlier = span_of(m.service[j]);
        if (!earlier) continue;
        const std::optional<date_range> shared = overlap(*earlier, *later);
        if (!shared) continue;
        std::string both = "both include " + to_string(shared->first);
        if (shared->open_ended())
          both = "both run from " + to_string(shared->first) + " on";
        else if (shared->last != shared->first)
          both += " to " + to_string(shared->last);
        error("overlapping-service", key + "." + indexed("service", k) + ".from",
              "service intervals of member " + in_quotes(m.id) + " overlap: " + describe(m.service[j]) + " (team " +
                  m.service[j].team + ") and " + describe(m.service[k]) + " (team " + m.service[k].team + ")",
              "a member is in one team on any day; " + both);
      }
    }
  }

  // ---- month records ----

  /// The month records' checks; `halves`: in two halves, on two threads where
  /// the machine has them, the reports of both made afterwards in the records' order.
  void check_months(bool halves = false) {
    const std::vector<std::uint32_t> of_key = month_members();
    const std::vector<std::pair<std::size_t, std::size_t>> repeats = repeated_records(of_key);
    const std::size_t n = c_.months.size();
    if (!halves || n < 2 * months_checked_beside_from) {
      check_month_range(of_key, repeats, 0, n);
      return;
    }
    const std::size_t half = n / 2;
    std::array<std::vector<std::function<void()>>, 2> reports;  // each half's
    // The earlier records' failure is the one thrown, as in one pass.
    parallel_for(thread_count(0), reports.size(), [&](std::size_t part, unsigned) {
      waiting_reports = &reports[part];
      try {
        check_month_range(of_key, repeats, part == 0 ? 0 : half, part == 0 ? half : n);
      } catch (...) {
        waiting_reports = nullptr;
        throw;
      }
      waiting_reports = nullptr;
    });
    for (const std::vector<std::function<void()>>& part : reports)
      for (const std::function<void()>& report : part) report();
  }

  /// The checks of month records [begin, end).
  void check_month_range(const std::vector<std::uint32_t>& of_key,
                         const std::vector<std::pair<std::size_t, std::size_t>>& repeats, std::size_t begin,
                         std::size_t end) {
    auto repeat = std::lower_bound(repeats.begin(), repeats.end(), std::pair<std::size_t, std::size_t>{begin, 0});
    for (std::size_t i = begin; i < end; ++i) {
      const month_records::row r = c_.months[i];
      const std::uint32_t member = of_key[r.member_key()];
      const bool known = member < c_.members.size();
      if (!known)
        resolve(
            members_, r.member(), [i] { return indexed("months", i) + ".member"; },
            [] { return std::string("in a month record"); });
      if (!usable(r.month())) continue;

      if (repeat != repeats.end() && repeat->first == i) {
        report([this, i, first = repeat->second, member = std::string(r.member()), month = r.month()] {
          error("duplicate-record", indexed("months", i),
                "second month record for member " + in_quotes(member) + " in " + month.to_string(),
                "the first is at " + describe(where_.find(indexed("months", first))) +
                    "; a member has at most one record a month");
        });
        ++repeat;
      }

      const bool within_month = check_days_in_month(r, i);
      if (known) check_days_served(r, c_.members[member], i, within_month);
    }
  }

  /// The member each of the month records' distinct ids names (by key), as an
  /// index into the county's members; an id no member has gets a number from
  /// `members.size()` up, one per distinct id, so that its records still group
  /// together. Each distinct id is looked up once; members usually come in
  /// their table's order, so the member after the last one found is tried
  /// before the hash table.
  [[nodiscard]] std::vector<std::uint32_t> month_members() const {
    const month_records& months = c_.months;
    std::vector<std::uint32_t> of_key(months.member_count());
    std::uint32_t unknown = 0;
    std::size_t next = 0;
    for (month_records::key k = 0; k < of_key.size(); ++k) {
      const std::string_view id = months.member_id(k);
      if (const std::optional<std::size_t> m = find_near(members_, c_.members, next, id))
        of_key[k] = static_cast<std::uint32_t>(*m);
      else
        of_key[k] = static_cast<std::uint32_t>(c_.members.size() + unknown++);
      next = of_key[k] + std::size_t{1};
    }
    return of_key;
  }

  /// "At most one record a member and month": each record (with a usable
  /// month) that repeats an earlier one's member and month, paired with the
  /// first such record, ordered by the repeat. Where each member's records
  /// come together with their months ascending, as exports list them, none
  /// repeats, and one pass shows it. Otherwise records are grouped by member
  /// with a counting sort, then each member's few are compared, which costs a
  /// few bytes a record where a map of (member, month) cost a node each.
  [[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> repeated_records(
      const std::vector<std::uint32_t>& of_key) const {
    std::size_t groups = 0;
    for (const std::uint32_t m : of_key) groups = std::max<std::size_t>(groups, m + std::size_t{1});
    if (grouped_and_ascending(of_key, groups)) return {};
    const auto member_of = [&](std::size_t i) { return of_key[c_.months[i].member_key()]; };
    std::vector<std::uint32_t> start(groups + 1, 0);
    for (std::size_t i = 0; i < c_.months.size(); ++i)
      if (usable(c_.months[i].month())) ++start[member_of(i) + 1];
    for (std::size_t g = 0; g < groups; ++g) start[g + 1] += start[g];
    std::vector<std::uint32_t> order(start.back());
    {
      std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
      for (std::size_t i = 0; i < c_.months.size(); ++i)
        if (usable(c_.months[i].month())) order[next[member_of(i)]++] = static_cast<std::uint32_t>(i);
    }

    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::vector<std::pair<int, std::uint32_t>> group;  // (month number, record), one member's
    for (std::size_t g = 0; g < groups; ++g) {
      if (start[g + 1] - start[g] < 2) continue;
      group.clear();
      bool ascending = true;  // as an export usually lists them: then no month repeats
      for (std::uint32_t k = start[g]; k < start[g + 1]; ++k) {
        const year_month m = c_.months[order[k]].month();
        const int number = m.year * 12 + m.month - 1;
        if (!group.empty() && number <= group.back().first) ascending = false;
        group.emplace_back(number, order[k]);
      }
      if (ascending) continue;
      std::sort(group.begin(), group.end());  // by month, then file order
      for (std::size_t k = 1, first = 0; k < group.size(); ++k) {
        if (group[k].first != group[first].first)
          first = k;
        else
          out.emplace_back(group[k].second, group[first].second);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  /// Whether each member's records (with a usable month) come in one run, by
  /// month ascending: then no member has two records of a month.
  [[nodiscard]] bool grouped_and_ascending(const std::vector<std::uint32_t>& of_key, std::size_t groups) const {
    std::vector<bool> seen(groups, false);  // members whose run has ended
    std::uint32_t run = std::numeric_limits<std::uint32_t>::max();
    year_month last;
    for (const month_records::row r : c_.months) {
      const year_month m = r.month();
      if (!usable(m)) continue;
      const std::uint32_t member = of_key[r.member_key()];
      if (member == run) {
        if (!(last < m)) return false;
      } else {
        if (seen[member]) return false;
        if (run != std::numeric_limits<std::uint32_t>::max()) seen[run] = true;
        run = member;
      }
      last = m;
    }
    return true;
  }

  /// `days_in_village` fits the month, and so do days in the village and days
  /// away on duty together. Returns whether `days_in_village` fits.
  bool check_days_in_month(const month_records::row& r, std::size_t i) {
    const int days = r.month().days();
    if (r.days_in_village() > days) {
      error("days-exceed-month", indexed("months", i) + ".days_in_village",
            "days_in_village is " + std::to_string(r.days_in_village()) + " but " + r.month().to_string() + " has " +
                std::to_string(days) + " days");
      return false;
    }
    const int together = r.days_in_village() + r.days_away_on_duty();
    if (together > days)
      error("days-exceed-month", indexed("months", i) + ".days_away_on_duty",
            "days_in_village + days_away_on_duty is " + std::to_string(r.days_in_village()) + " + " +
                std::to_string(r.days_away_on_duty()) + " = " + std::to_string(together) + " but " +
                r.month().to_string() + " has " + std::to_string(days) + " days");
    return true;
  }

  /// A record is for a month the member served, and counts no more days in
  /// the village than the member served in it.
  void check_days_served(const month_records::row& r, const member& m, std::size_t i, bool within_month) {
    if (m.service.empty()) return;  // no readable service: reported when read
    const date_range month{r.month().first_day(), r.month().last_day()};
    // The days served, as bits 0 to 30 for days 1 to 31; intervals may
    // overlap (reported on their own), and a day counts once.
    std::uint32_t served = 0;
    for (const service_interval& s : m.service)
      if (const std::optional<date_range> part = served_part(s, month)) {
        const int first = part->first.day();
        const int last = part->last.day();
        served |= (std::uint32_t{2} << (last - 1)) - (std::uint32_t{1} << (first - 1));
      }
    const int days_served = std::popcount(served);
    if (days_served == 0) {
      std::string intervals;
      for (const service_interval& s : m.service) intervals += (intervals.empty() ? "" : "; ") + describe(s);
      error("not-in-service", indexed("months", i) + ".month",
            "month record for " + r.month().to_string() + ", a month member " + in_quotes(m.id) + " did not serve",
            m.id + " served " + intervals);
      return;
    }
    if (within_month && r.days_in_village() > days_served) {
      std::vector<date_range> parts;
      for (const service_interval& s : m.service)
        if (const std::optional<date_range> part = served_part(s, month)) parts.push_back(*part);
      error("days-exceed-service", indexed("months", i) + ".days_in_village",
            "days_in_village is " + std::to_string(r.days_in_village()) + " but " + m.id + " served " +
                std::to_string(days_served) + " day" + (days_served == 1 ? "" : "s") + " of " + r.month().to_string() +
                " (" + describe_parts(parts, month) + ")");
    }
  }

  /// The days of `month` that service interval `s` covers, if any.
  static std::optional<date_range> served_part(const service_interval& s, const date_range& month) {
    const std::optional<date_range> span = span_of(s);
    if (!span) return std::nullopt;
    return overlap(*span, month);
  }

  /// The served parts of a month in words: "from 2019-07-16",
  /// "until 2019-07-10", "2019-07-03 to 2019-07-20", joined by "and".
  static std::string describe_parts(const std::vector<date_range>& parts, const date_range& month) {
    std::string out;
    for (const date_range& p : parts) {
      if (!out.empty()) out += " and ";
      if (p.first == p.last)
        out += "on " + to_string(p.first);
      else if (p.first != month.first && p.last == month.last)
        out += "from " + to_string(p.first);
      else if (p.first == month.first && p.last != month.last)
        out += "until " + to_string(p.last);
      else
        out += to_string(p.first) + " to " + to_string(p.last);
    }
    return out;
  }

  // ---- events ----

  void check_visit(std::size_t i) {
    const visit& v = c_.visits[i];
    const auto key = [i] { return indexed("visits", i); };
    resolve(
        teams_, c_.teams, last_team_, v.team, [&] { return key() + ".team"; },
        [] { return std::string("in a visit"); });
    if (v.unit.empty() && v.visitor != visitor_role::town_leader) {
      error("missing-key", key(), "missing key 'unit' in a visit by " + std::string(to_string(v.visitor)),
            "the visiting unit is required unless the visitor is town_leader");
      return;
    }
    resolve(
        units_, c_.units, last_unit_, v.unit, [&] { return key() + ".unit"; },
        [] { return std::string("in a visit"); });
  }

  void check_meeting(std::size_t i) {
    const meeting& m = c_.meetings[i];
    for (std::size_t k = 0; k < m.attendees.size(); ++k)
      resolve(
          members_, c_.members, last_member_, m.attendees[k],
          [&] { return indexed("meetings", i) + "." + indexed("attendees", k); },
          [] { return std::string("among the attendees of a meeting"); });
  }

  void check_condolence(std::size_t i) {
    const condolence& c = c_.condolences[i];
    const auto key = [i] { return indexed("condolences", i); };
    resolve(
        members_, c_.members, last_member_, c.member, [&] { return key() + ".member"; },
        [] { return std::string("in a condolence payment"); });
    resolve(
        units_, c_.units, last_unit_, c.paid_by, [&] { return key() + ".paid_by"; },
        [] { return std::string("as the payer of a condolence payment"); });
  }

  const county& c_;
  const source_map& where_;
  diagnostic_sink& sink_;
  id_index units_{"unit"};
  id_index teams_{"team"};
  id_index members_{"member"};
  last_found last_unit_, last_team_, last_member_;  // see `last_found`
};

}  // namespace

namespace {

/// The checks run kind by kind; a reader wants the problems in file order.
void in_file_order(diagnostic_sink& sink, std::size_t first) {
  std::vector<diagnostic>& ds = sink.diagnostics();
  std::stable_sort(ds.begin() + static_cast<std::ptrdiff_t>(first), ds.end(), [](const diagnostic& a, const diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
  });
}

}  // namespace

void validate(const county& c, const source_map& where, diagnostic_sink& sink) {
  const std::size_t first = sink.diagnostics().size();
  checker(c, where, sink).run();
  in_file_order(sink, first);
}

struct staged_validation::checks {
  checker run;
};

staged_validation::staged_validation(const county& c, const source_map& where, diagnostic_sink& sink)
    : checks_(std::make_unique<checks>(checks{checker(c, where, sink)})), sink_(sink), first_(sink.diagnostics().size()) {}

staged_validation::~staged_validation() = default;

void staged_validation::check_all_but_months() { checks_->run.check_all_but_months(); }

void staged_validation::check_months() {
  checks_->run.check_month_records();
  in_file_order(sink_, first_);
}

}  // namespace rulebook::detail
