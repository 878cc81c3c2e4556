// Reading example case files (docs/cases.md): a name, an optional policy, a
// period, the data (inline, or a path relative to the case file) and what to
// expect. Read with rulebook's YAML reader through the checked accessors the
// county and policy loaders use, so every problem is reported at
// file:line:column with what was expected there.
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "detail/limits.hpp"
#include "detail/load_context.hpp"
#include "detail/load_yaml.hpp"
#include "detail/messages.hpp"
#include "detail/yaml_reader.hpp"
#include "rulebook/cases.hpp"
#include "rulebook/load.hpp"

namespace rulebook {
namespace detail {
namespace {

constexpr std::string_view case_keys[] = {"case", "description", "policy", "period", "data", "expect"};
constexpr std::string_view expect_keys[] = {"entitlements", "totals",  "findings",
                                            "absent_findings", "quotas", "penalties"};
constexpr std::string_view entitlement_keys[] = {"member", "team", "item", "rule", "in", "owed", "paid", "unit"};
constexpr std::string_view total_keys[] = {"item", "owed", "paid"};
constexpr std::string_view finding_keys[] = {"rule",   "subject",          "from",     "to",   "expected",
                                             "actual", "responsible_unit", "severity", "count"};
constexpr std::string_view absent_keys[] = {"rule",   "subject",          "from",    "to", "expected",
                                            "actual", "responsible_unit", "severity"};
constexpr std::string_view quota_keys[] = {"rule", "population", "places", "within_quota", "over_quota"};
constexpr std::string_view penalty_keys[] = {"unit", "notices", "points_charged", "points", "capped"};

/// An amount, or `none` where a case says there is none.
struct amount_or_none {
  std::optional<money> amount;
  bool none = false;
};

amount_or_none read_amount_or_none(fields& f, std::string_view key) {
  amount_or_none out;
  const auto found = f.scalar(key, need::optional, "an amount of money, as \"2878.50\", or none");
  if (!found) return out;
  if (found->text == "none") {
    out.none = true;
    return out;
  }
  std::string why;
  out.amount = money::try_parse(found->text, &why);
  if (!out.amount)
    f.fail("bad-value", found->where, "invalid " + in_quotes(key) + " in " + f.what() + ": " + why,
           "write the exact amount, as \"2878.50\" (at most 4 decimal places), or none");
  return out;
}

std::optional<money> read_money(fields& f, std::string_view key) {
  const amount_or_none a = read_amount_or_none(f, key);
  if (a.none) f.fail("bad-value", f.field_at(key), in_quotes(key) + " of " + f.what() + " cannot be none");
  return a.amount;
}

std::optional<decimal> read_points(fields& f, std::string_view key) { return f.number(key, need::optional); }

std::optional<std::size_t> read_size(fields& f, std::string_view key, need n = need::optional) {
  const std::optional<int> c = f.count(key, n);
  if (!c) return std::nullopt;
  return static_cast<std::size_t>(*c);
}

/// The period under `key` (`2019`, `2019-04`, `2019-Q3`, `FROM..TO`).
std::optional<period> read_period(fields& f, std::string_view key, need n) {
  const auto found = f.scalar(key, n, "a period, as 2019, 2019-07, 2019-Q3, 2019-H2 or 2019-07-01..2019-07-31");
  if (!found) return std::nullopt;
  std::string why;
  std::optional<period> p = parse_period(found->text, &why);
  if (!p) f.fail("bad-value", found->where, "invalid " + in_quotes(key) + " in " + f.what() + ": " + why);
  return p;
}

std::optional<std::vector<std::string>> read_ids(fields& f, std::string_view key) {
  if (!f.has(key)) return std::nullopt;
  return f.references(key, need::optional, "member");
}

/// Reads the fields a finding pattern shares with an absent finding.
finding_pattern read_pattern(fields& f) {
  finding_pattern p;
  p.where = f.at();
  take(f.text("rule", need::required), p.rule);
  p.subject_id = f.text("subject", need::optional);
  p.from = f.day("from", need::optional);
  p.to = f.day("to", need::optional);
  p.expected = f.text("expected", need::optional);
  p.actual = f.text("actual", need::optional);
  if (f.has("responsible_unit")) {
    const auto u = f.scalar("responsible_unit", need::optional, "a unit id, or none for the county or a town");
    if (u) p.responsible_unit = u->text == "none" ? std::string() : u->text;
  }
  if (const auto s = f.name<rule_severity>("severity", need::optional, "severity"))
    p.severity = *s == rule_severity::advisory ? finding_severity::advisory : finding_severity::violation;
  return p;
}

expected_entitlement read_entitlement(fields& f, const std::optional<period>& case_period) {
  expected_entitlement e;
  e.where = f.at();
  const bool member = f.has("member");
  const bool team = f.has("team");
  if (member == team)
    f.fail(member ? "bad-value" : "missing-key", f.at(),
           member ? "an expected amount is for a member or a team, not both" : "an expected amount names its subject",
           "give  member: M006  or  team: T01");
  e.subject = team ? subject_kind::team : subject_kind::member;
  take(f.reference(team ? "team" : "member", need::optional), e.subject_id);
  take(f.text("item", need::required), e.item);
  e.rule = f.text("rule", need::optional);
  // Without `in`, the case's period (when it could not be read, the case is rejected anyway).
  const std::optional<period> in = read_period(f, "in", need::optional);
  if (const std::optional<period>& p = in ? in : case_period) {
    e.slice = p->range;
    e.slice_label = p->label();
  }
  const amount_or_none owed = read_amount_or_none(f, "owed");
  e.owed = owed.amount;
  e.not_owed = owed.none;
  const amount_or_none paid = read_amount_or_none(f, "paid");
  e.paid = paid.amount;
  e.not_paid = paid.none;
  e.unit = f.reference("unit", need::optional);
  if (!f.has("owed") && !f.has("paid") && !f.has("unit"))
    f.fail("missing-key", f.at(), "an expected amount says what it expects",
           "give  owed: \"2200.00\"  (or none), paid: or unit:");
  return e;
}

expected_total read_total(fields& f) {
  expected_total t;
  t.where = f.at();
  take(f.text("item", need::required), t.item);
  t.owed = read_money(f, "owed");
  t.paid = read_money(f, "paid");
  if (!f.has("owed") && !f.has("paid"))
    f.fail("missing-key", f.at(), "an expected total gives owed:, paid: or both");
  return t;
}

expected_finding read_finding(fields& f) {
  expected_finding e;
  e.pattern = read_pattern(f);
  e.count = read_size(f, "count");
  return e;
}

expected_quota read_quota(fields& f) {
  expected_quota q;
  q.where = f.at();
  take(f.text("rule", need::required), q.rule);
  q.population = read_size(f, "population");
  q.places = read_size(f, "places");
  q.within_quota = read_ids(f, "within_quota");
  q.over_quota = read_ids(f, "over_quota");
  return q;
}

expected_penalty read_penalty(fields& f) {
  expected_penalty p;
  p.where = f.at();
  take(f.reference("unit", need::required), p.unit);
  p.notices = read_size(f, "notices");
  p.points_charged = read_points(f, "points_charged");
  p.points = read_points(f, "points");
  p.capped = f.flag("capped", need::optional);
  return p;
}

/// Loads each data file once, however many cases name it.
class data_cache {
 public:
  struct entry {
    std::shared_ptr<const county> data;
    bool reported = false;
  };
  entry& load(const std::filesystem::path& path, diagnostic_sink& sink) {
    const std::string key = path.lexically_normal().generic_string();
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    county_load_result r = load_county(path);
    for (diagnostic& d : r.diagnostics) sink.add(std::move(d));
    entry e;
    if (r.value) e.data = std::make_shared<const county>(std::move(*r.value));
    return cache_.emplace(key, std::move(e)).first->second;
  }

 private:
  std::map<std::string, entry> cache_;
};

/// Tells whether `id` names an entity of `kind` in `c`; suggests the closest when not.
bool known_id(const county& c, subject_kind kind, const std::string& id, std::string* hint) {
  std::vector<std::string_view> ids;
  if (kind == subject_kind::member)
    for (const member& m : c.members) ids.push_back(m.id);
  if (kind == subject_kind::team)
    for (const team& t : c.teams) ids.push_back(t.id);
  if (kind == subject_kind::unit)
    for (const sponsor_unit& u : c.units) ids.push_back(u.id);
  if (std::find(ids.begin(), ids.end(), id) != ids.end()) return true;
  *hint = suggestion(id, ids, "the data has");
  return false;
}

/// Checks that the ids a case names exist in its data: a typo would otherwise
/// read as an amount of 0 or a finding that never appears.
void check_references(const example_case& c, yaml_file& file) {
  const county& d = *c.data;
  std::string hint;
  const auto check = [&](subject_kind kind, const std::string& id, const source_location& where, std::string_view noun) {
    if (!id.empty() && !known_id(d, kind, id, &hint))
      file.error("unknown-reference", where, "no " + std::string(noun) + " " + in_quotes(id) + " in the case's data",
                 hint);
  };
  for (const expected_entitlement& e : c.entitlements)
    check(e.subject, e.subject_id, e.where, e.subject == subject_kind::team ? "team" : "member");
  for (const expected_penalty& p : c.penalties) check(subject_kind::unit, p.unit, p.where, "unit");
  const auto check_subject = [&](const finding_pattern& p) {
    if (!p.subject_id || p.subject_id->empty()) return;
    const std::string& id = *p.subject_id;
    std::string ignored;
    const auto any = [&](const std::string& x) {
      return known_id(d, subject_kind::member, x, &ignored) || known_id(d, subject_kind::team, x, &ignored) ||
             known_id(d, subject_kind::unit, x, &ignored);
    };
    // A pair of a unit and a team ("U08/T04") is the subject of an obligation per unit and team.
    const std::size_t slash = id.find('/');
    if (slash == std::string::npos ? any(id) || id == d.id
                                   : known_id(d, subject_kind::unit, id.substr(0, slash), &ignored) &&
                                         known_id(d, subject_kind::team, id.substr(slash + 1), &ignored))
      return;
    file.error("unknown-reference", p.where, "no member, team or unit " + in_quotes(id) + " in the case's data");
  };
  for (const expected_finding& f : c.findings) check_subject(f.pattern);
  for (const finding_pattern& p : c.absent_findings) check_subject(p);
  for (const expected_quota& q : c.quotas)
    for (const auto* list : {&q.within_quota, &q.over_quota})
      if (*list)
        for (const std::string& id : **list) check(subject_kind::member, id, q.where, "member");
}

/// Reads one parsed case file.
std::optional<example_case> read_case(yaml_file& file, const yaml::node& root, diagnostic_sink& sink,
                                      data_cache& cache) {
  if (!root.is_map()) {
    file.error("wrong-kind", file.at(root),
               "expected a case (a map with case, period, data and expect) at the top of the file, found " +
                   found_kind(root));
    return std::nullopt;
  }
  fields top(file, root, "a case", case_keys);
  example_case c;
  c.file = file.path();
  c.where = top.at();
  take(top.text("case", need::required), c.name);
  top.text("description", need::optional);
  const std::filesystem::path folder = std::filesystem::path(file.path()).parent_path();
  if (const auto p = top.text("policy", need::optional)) c.policy = folder / *p;
  const std::optional<period> evaluated = read_period(top, "period", need::required);
  if (evaluated) c.evaluated = *evaluated;

  // The data: a path relative to the case file, or the county itself.
  const std::optional<yaml::node> data = root.find("data");
  bool data_ok = false;
  if (!data || data->is_null()) {
    top.fail("missing-key", top.at(), "missing key 'data' in a case",
             "give the county inline (data: {county: ..., units: ...}) or a path: data: ../county.yaml");
  } else if (data->is_map()) {
    c.data_source = file.path();
    if (std::optional<county> inline_county = load_county_yaml_node(file, *data, sink)) {
      c.data = std::make_shared<const county>(std::move(*inline_county));
      data_ok = true;
    } else {
      top.set_failed();
    }
  } else if (const auto path = top.scalar("data", need::required, "a path to the county's data, or the county itself")) {
    const std::filesystem::path where = folder / path->text;
    c.data_source = display_name(where);
    data_cache::entry& loaded = cache.load(where, sink);
    if (loaded.data) {
      c.data = loaded.data;
      data_ok = true;
    } else {
      top.fail("bad-value", path->where, "the case's data " + in_quotes(c.data_source) + " could not be loaded",
               loaded.reported ? "its problems are listed above" : "its problems are listed with it");
      loaded.reported = true;
    }
  }

  const std::optional<yaml::node> expect = top.mapping("expect", need::required, "a map of what the case expects");
  if (expect) {
    fields e(file, *expect, "the expectations of a case", expect_keys);
    read_children(e, "entitlements", need::optional, "expected amount", entitlement_keys, c.entitlements,
                  [&](fields& f) { return read_entitlement(f, evaluated); });
    read_children(e, "totals", need::optional, "expected total", total_keys, c.totals, read_total);
    read_children(e, "findings", need::optional, "expected finding", finding_keys, c.findings, read_finding);
    read_children(e, "absent_findings", need::optional, "absent finding", absent_keys, c.absent_findings,
                  read_pattern);
    read_children(e, "quotas", need::optional, "expected quota", quota_keys, c.quotas, read_quota);
    read_children(e, "penalties", need::optional, "expected penalty", penalty_keys, c.penalties, read_penalty);
    if (!e.ok()) top.set_failed();
    if (e.ok() && c.checks() == 0)
      top.fail("missing-key", file.at(*expect), "the case expects nothing, so it could never fail",
               "give at least one of: " + join(expect_keys));
  }
  if (data_ok && top.ok()) check_references(c, file);
  if (!top.ok()) return std::nullopt;
  return c;
}

void load_one(std::string name, std::string text, diagnostic_sink& sink, data_cache& cache,
              std::vector<example_case>& out) {
  const std::size_t first = sink.diagnostics().size();
  parsed_yaml parsed = parse_yaml(std::move(name), std::move(text), sink, "a case file",
                                  "put each case in a file of its own");
  if (parsed.outcome == file_outcome::empty)
    sink.error("missing-key", {parsed.file.path(), 0, 0, {}}, "the case file is empty",
               "a case file starts with  case: <name>");
  if (parsed.outcome == file_outcome::read)
    if (std::optional<example_case> c = read_case(parsed.file, *parsed.root, sink, cache)) out.push_back(std::move(*c));
  sort_by_position(sink.diagnostics(), first);
}

bool is_case_file(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  return !p.filename().string().starts_with(".") && (ext == ".yaml" || ext == ".yml");
}

}  // namespace
}  // namespace detail

case_load_result load_cases(std::span<const std::filesystem::path> paths) {
  detail::diagnostic_sink sink;
  detail::data_cache cache;
  case_load_result result;
  for (const std::filesystem::path& given : paths) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(given, ec)) {
      for (std::filesystem::recursive_directory_iterator it(given, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_regular_file(type_ec) && detail::is_case_file(it->path())) files.push_back(it->path());
      }
      if (ec) sink.error("io-error", {detail::display_name(given), 0, 0, {}}, "cannot list the folder: " + ec.message());
      std::sort(files.begin(), files.end());
      if (files.empty() && !ec)
        sink.error("missing-file", {detail::display_name(given), 0, 0, {}}, "no case files (*.yaml) in the folder");
    } else {
      files.push_back(given);
    }
    for (const std::filesystem::path& f : files)
      if (std::optional<std::string> text = detail::read_text_file(
              f, sink, detail::max_yaml_data_file_bytes, "a case file holds one case; put a large county in a data file of its own"))
        detail::load_one(detail::display_name(f), std::move(*text), sink, cache, result.cases);
  }
  result.diagnostics = std::move(sink.diagnostics());
  if (has_errors(result.diagnostics)) result.cases.clear();
  return result;
}

case_load_result load_case_yaml(std::string_view text, std::string file_name) {
  detail::diagnostic_sink sink;
  detail::data_cache cache;
  case_load_result result;
  detail::load_one(std::move(file_name), std::string(text), sink, cache, result.cases);
  result.diagnostics = std::move(sink.diagnostics());
  if (has_errors(result.diagnostics)) result.cases.clear();
  return result;
}

}  // namespace rulebook
