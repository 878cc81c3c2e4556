// Loading a policy: its file, the chain of bases it `extends`, and every check
// docs/rule-language.md describes, in one pass that collects every problem.
//
// The work runs in stages, each over the whole chain of files:
//   1. read each file (the policy header, `extends`, `remove`, `money` and the
//      parameters; the rules are kept as YAML until stage 3), following
//      `extends` from the county's file to the national base;
//   2. merge the parameters (a file's parameter replaces its base's whole), check
//      that each has a value in force on every day the policy governs, and build
//      the one `scope` of names expressions may use: the inputs, then the parameters;
//   3. read every rule of every file, compiling its expressions against that
//      scope, and merge them (`remove`, then replace by id or add);
//   4. check what needs the merged policy: rules a penalty names, rules a
//      `remove` names.
// A file that cannot be read or parsed leaves its bases unknown: the checks that
// would then only report what is missing (names, rules a penalty or `remove`
// names) are skipped; everything else is still checked.
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "detail/limits.hpp"
#include "detail/load_context.hpp"
#include "detail/load_yaml.hpp"
#include "detail/messages.hpp"
#include "detail/yaml_reader.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/expr.hpp"
#include "rulebook/policy.hpp"

namespace rulebook {

// ---- parameters and policies as data -------------------------------------------------------

const dated_value* parameter::entry_on(date day) const noexcept {
  const auto after = std::upper_bound(values.begin(), values.end(), day,
                                      [](const date& d, const dated_value& v) { return d < v.since; });
  return after == values.begin() ? nullptr : &*std::prev(after);
}

std::optional<decimal> parameter::value_on(date day) const noexcept {
  const dated_value* entry = entry_on(day);
  if (entry == nullptr) return std::nullopt;
  return entry->value;
}

std::optional<value> parameter::slot_value_on(date day) const noexcept {
  const std::optional<decimal> v = value_on(day);
  if (!v) return std::nullopt;
  return is_money(unit) ? value::of(money::from_decimal(*v)) : value::of(*v);
}

std::vector<parameter::piece> parameter::pieces(const date_range& range) const {
  std::vector<piece> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const date last = i + 1 < values.size() ? values[i + 1].since - boost::gregorian::days(1) : date_range::open_end();
    const std::optional<date_range> part = overlap({values[i].since, last}, range);
    if (!part) continue;
    if (!out.empty() && out.back().value == values[i].value)
      out.back().range.last = part->last;  // the value is given again, unchanged
    else
      out.push_back({*part, values[i].value});
  }
  return out;
}

const parameter* policy::find_parameter(std::string_view id) const noexcept {
  const auto it = std::lower_bound(parameters.begin(), parameters.end(), id,
                                   [](const parameter& p, std::string_view key) { return p.id < key; });
  return it != parameters.end() && it->id == id ? &*it : nullptr;
}

const rule* policy::find_rule(std::string_view id) const noexcept {
  const auto it = std::find_if(rules.begin(), rules.end(), [&](const rule& r) { return r.id == id; });
  return it == rules.end() ? nullptr : &*it;
}

namespace detail {
namespace {

/// How a ranking key orders members (`order:`); `ranking` keeps it as a flag.
enum class sort_order { ascending, descending };

}  // namespace

template <>
struct enum_table<sort_order> {
  static constexpr enum_name<sort_order> names[] = {{sort_order::ascending, "ascending"},
                                                    {sort_order::descending, "descending"}};
};

namespace {

namespace fs = std::filesystem;
using located_text = fields::located_text;

// ---- the inputs rules read -------------------------------------------------------------------

/// Where an input is known: in allowances of each `per:`. A rule's figures
/// (`at_least`, `share`, `times`, …) know none: they are parameters or literals.
enum known_in : unsigned { in_member_month = 1U, in_member_year = 2U, in_team_year = 4U };
constexpr unsigned in_member = in_member_month | in_member_year;
constexpr unsigned everywhere = in_member | in_team_year;

struct input_name {
  std::string_view name;
  value_type type;
  std::string_view description;
  unsigned known;
};

/// The inputs of docs/rule-language.md, in its order; they take the first slots of a scope.
constexpr input_name inputs[] = {
    {"days_in_village", value_type::number, "days the member spent in the village (member_year: in the year)",
     in_member},
    {"round_trips", value_type::number, "round trips lead unit ↔ village made (member_year: in the year)", in_member},
    {"days_away_on_duty", value_type::number, "approved official days out of the village (member_year: in the year)",
     in_member},
    {"days_in_month", value_type::number, "days in the calendar month", in_member_month},
    {"days_served", value_type::number,
     "the member's days of service in the period (team_year: days with at least one member serving)", everywhere},
    {"days_in_period", value_type::number, "days in the period", everywhere},
    {"distance_km", value_type::number, "km from the lead unit to the village, one way",
     in_member_month | in_team_year},
    {"role", value_type::text, "the member's role: 'member', 'leader' or 'first_secretary'", in_member},
    {"team_members", value_type::number, "members serving on the period's last day", in_team_year},
    {"period_start", value_type::date, "the first day of the period", everywhere},
    {"period_end", value_type::date, "the last day of the period", everywhere},
};

const input_name* find_input(std::string_view name) {
  const auto it =
      std::find_if(std::begin(inputs), std::end(inputs), [&](const input_name& i) { return i.name == name; });
  return it == std::end(inputs) ? nullptr : &*it;
}

unsigned known_in_basis(allowance_basis per) {
  switch (per) {
    case allowance_basis::member_month: return in_member_month;
    case allowance_basis::member_year: return in_member_year;
    case allowance_basis::team_year: return in_team_year;
  }
  return everywhere;
}

/// The words of the expression language, which no parameter may be called.
constexpr std::string_view keywords[] = {"if", "then", "else", "and", "or", "not", "true", "false"};

/// What may begin a name of the policy's own: a rule id or a parameter id
/// (`[a-z_][a-z0-9_]*`), or an item (`[a-z0-9_]+`).
enum class name_start { letter, any };

bool name_shaped(std::string_view name, name_start start) {
  if (name.empty() || name.size() > 64 || (start == name_start::letter && name[0] >= '0' && name[0] <= '9'))
    return false;
  return std::all_of(name.begin(), name.end(),
                     [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'; });
}

/// The shape of names of `start`, for hints.
std::string name_rule(name_start start) {
  return start == name_start::letter ? "1 to 64 lower-case letters, digits and '_', not starting with a digit"
                                     : "1 to 64 lower-case letters, digits and '_'";
}

/// Reads a name of the policy's own under `key`. A malformed one is reported and
/// kept, so that what it names can still be named in later messages.
std::optional<std::string> read_name(fields& f, std::string_view key, need n, std::string_view noun, name_start start) {
  std::optional<located_text> found = f.scalar(key, n, with_article(noun));
  if (!found) return std::nullopt;
  if (!name_shaped(found->text, start))
    f.fail("bad-value", found->where, "invalid " + std::string(noun) + " " + in_quotes(found->text) + " in " + f.what(),
           "a " + std::string(noun) + " is " + name_rule(start));
  return std::move(found->text);
}

/// Reports the list under `key`, of `count` elements, when it is empty but must hold some.
void not_empty(fields& f, std::string_view key, std::optional<std::size_t> count, std::string_view hint) {
  if (count == std::size_t{0})
    f.fail("bad-value", f.field_at(key), "'" + std::string(key) + "' of " + f.what() + " is empty", std::string(hint));
}

/// One of the names of `E`: in a policy, a name outside its set is a `bad-value`.
template <class E>
std::optional<E> pick(fields& f, std::string_view key, need n, std::string_view noun) {
  return f.name<E>(key, n, noun, "bad-value");
}

/// Where `name` is first used as a whole name on the first line of `text`
/// (not inside a quoted text), as a count of code points from its start;
/// nothing when it is not.
std::optional<int> name_offset(std::string_view text, std::string_view name) {
  const auto word_char = [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
  };
  char quote = 0;
  int points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\n') return std::nullopt;
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++points;
    if (quote != 0) {
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (text.substr(i, name.size()) == name && (i == 0 || !word_char(text[i - 1])) &&
               (i + name.size() == text.size() || !word_char(text[i + name.size()]))) {
      return points - 1;
    }
  }
  return std::nullopt;
}

// ---- the keys of each part ---------------------------------------------------------------------

constexpr std::string_view file_keys[] = {"policy", "extends", "remove", "money", "parameters", "rules"};
constexpr std::string_view header_keys[] = {"id", "title", "jurisdiction", "governs", "sources"};
constexpr std::string_view bilingual_keys[] = {"zh", "en"};
constexpr std::string_view governs_keys[] = {"from", "to"};
constexpr std::string_view source_keys[] = {"id", "title", "publisher", "date"};
constexpr std::string_view money_keys[] = {"scale", "rounding", "round_at"};
constexpr std::string_view parameter_keys[] = {"title", "unit", "values", "within_month", "source"};

/// The keys every rule has, whatever its kind.
constexpr std::string_view common_rule_keys[] = {"id", "kind", "title", "source", "responsible", "severity", "choices"};
constexpr std::string_view allowance_keys[] = {"item", "per", "when", "amount", "prorate"};
constexpr std::string_view minimum_keys[] = {"of", "at_least", "each"};
constexpr std::string_view kit_keys[] = {"for", "items"};
constexpr std::string_view quota_keys[] = {"grade", "share", "of", "rounding", "rank_by", "ties", "separate"};
constexpr std::string_view penalty_keys[] = {"units", "for", "notice", "cap"};
constexpr std::string_view obligation_keys[] = {"event", "times", "every", "for_each"};
constexpr std::string_view team_size_keys[] = {"at_least"};
constexpr std::string_view term_keys[] = {"at_least_years"};
constexpr std::string_view attendance_keys[] = {"at_least", "each", "counting_days_away_on_duty"};
constexpr std::string_view kit_item_keys[] = {"item", "title", "level"};
constexpr std::string_view ranking_keys[] = {"key", "order"};
constexpr std::string_view penalty_line_keys[] = {"rules", "points"};
constexpr std::string_view event_keys[] = {"visit", "meeting"};
constexpr std::string_view choice_keys[] = {"key", "source"};

/// The keys of each kind of rule (after the common ones).
constexpr std::pair<rule_kind, key_list> kind_keys[] = {
    {rule_kind::allowance, allowance_keys},
    {rule_kind::minimum, minimum_keys},
    {rule_kind::kit, kit_keys},
    {rule_kind::quota, quota_keys},
    {rule_kind::penalty, penalty_keys},
    {rule_kind::obligation, obligation_keys},
    {rule_kind::team_size, team_size_keys},
    {rule_kind::term, term_keys},
    {rule_kind::attendance, attendance_keys},
};

/// The keys a rule of `kind` may have, the common ones first; with no kind
/// (it is missing or unknown), every key some kind has, so that only the kind
/// is reported.
key_list rule_keys(std::optional<rule_kind> kind) {
  static const auto lists = [] {
    std::vector<std::vector<std::string_view>> out;
    std::vector<std::string_view> any(std::begin(common_rule_keys), std::end(common_rule_keys));
    for (const auto& [kind_of, own] : kind_keys) {
      std::vector<std::string_view> keys(std::begin(common_rule_keys), std::end(common_rule_keys));
      keys.insert(keys.end(), own.begin(), own.end());
      for (const std::string_view key : own)
        if (std::find(any.begin(), any.end(), key) == any.end()) any.push_back(key);
      out.push_back(std::move(keys));
    }
    out.push_back(std::move(any));
    return out;
  }();
  if (!kind) return lists.back();
  const auto it =
      std::find_if(std::begin(kind_keys), std::end(kind_keys), [&](const auto& k) { return k.first == *kind; });
  return lists[static_cast<std::size_t>(it - std::begin(kind_keys))];
}

// ---- the units a figure may name ----------------------------------------------------------------

/// What a rule's figure (`at_least`, `share`, `times`, …) must be: its type,
/// and the units of a parameter it names.
struct figure_spec {
  value_type type;
  std::span<const parameter_unit> units;
};

constexpr parameter_unit money_minimum_units[] = {parameter_unit::yuan, parameter_unit::yuan_per_year};
constexpr parameter_unit count_units[] = {parameter_unit::count};
constexpr parameter_unit ratio_units[] = {parameter_unit::ratio};
constexpr parameter_unit points_units[] = {parameter_unit::points};
constexpr parameter_unit days_units[] = {parameter_unit::days};
constexpr parameter_unit years_units[] = {parameter_unit::years};

constexpr figure_spec money_minimum{value_type::money, money_minimum_units};
constexpr figure_spec a_count{value_type::number, count_units};
constexpr figure_spec a_ratio{value_type::number, ratio_units};
constexpr figure_spec some_points{value_type::number, points_units};
constexpr figure_spec some_days{value_type::number, days_units};
constexpr figure_spec some_years{value_type::number, years_units};

/// "count", "yuan or yuan/year".
std::string unit_names(std::span<const parameter_unit> units) {
  std::string out;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (i > 0) out += i + 1 == units.size() ? " or " : ", ";
    out += to_string(units[i]);
  }
  return out;
}

// ---- what one file says ---------------------------------------------------------------------

/// A parameter as read, and whether its values were read cleanly (else its
/// problem is reported and the check of the days it covers would repeat it).
struct read_parameter {
  parameter value;
  bool values_ok = true;
};

struct policy_header {
  std::string id;
  bilingual title;
  bilingual jurisdiction;
  std::optional<date_range> governs;
  source_location governs_at;
  std::vector<policy_source> sources;
};

/// One file of the chain: what it says, with its rules kept as YAML until the
/// scope they are checked against is known (`document` holds them).
struct policy_file {
  yaml_file file;
  fs::path path;  // as opened, to resolve its `extends`
  policy_header header;
  std::optional<located_text> extends;
  std::vector<located_text> remove;
  std::optional<money_settings> money;
  std::vector<read_parameter> parameters;
  std::vector<yaml::node> rules;
  yaml::document document;
};

/// A rule as read, with where its id is and the rule ids it names (a penalty's).
struct read_rule {
  rule value;
  source_location id_at;
  std::vector<located_text> names;
};

/// A title in Chinese and English, `{zh: …, en: …}`.
std::optional<bilingual> read_bilingual(fields& f, std::string_view key, need n) {
  const std::optional<yaml::node> node = f.mapping(key, n, "a text in Chinese and English, as {zh: …, en: …}");
  if (!node) return std::nullopt;
  fields text(f.file(), *node, "'" + std::string(key) + "' of " + f.what(), bilingual_keys);
  bilingual b;
  take(text.text("zh", need::required), b.zh);
  take(text.text("en", need::required), b.en);
  return b;
}

/// `source:`: the phrase a figure or rule comes from, or "county choice: why".
void read_source(fields& f, std::string& source, bool& county_choice) {
  take(f.text("source", need::required), source);
  county_choice = source.starts_with("county choice");
}

policy_source read_policy_source(fields& f) {
  policy_source s;
  take(f.own_id("id"), s.id);
  take(f.text("title", need::required), s.title);
  take(f.text("publisher", need::optional), s.publisher);
  s.published = f.day("date", need::optional);
  return s;
}

policy_header read_header(fields& top) {
  policy_header h;
  const std::optional<yaml::node> node =
      top.mapping("policy", need::required, "a map with the policy's id, title, jurisdiction, governs and sources");
  if (!node) return h;
  fields f(top.file(), *node, "'policy'", header_keys);
  take(f.own_id("id"), h.id);
  if (std::any_of(h.id.begin(), h.id.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
    f.fail("bad-value", f.field_at("id"), "invalid 'id' in 'policy': " + in_quotes(h.id) + " has capital letters",
           "a policy id is lower-case letters, digits, '_', '-' and '.', as qiyang-2019");
  take(read_bilingual(f, "title", need::required), h.title);
  take(read_bilingual(f, "jurisdiction", need::required), h.jurisdiction);
  if (const std::optional<yaml::node> governs =
          f.mapping("governs", need::required, "a period as {from: 2019-01-01, to: 2019-12-31}")) {
    fields g(top.file(), *governs, "'governs' of 'policy'", governs_keys);
    const std::optional<date> from = g.day("from", need::required);
    const std::optional<date> to = g.day("to", need::optional);
    h.governs_at = g.field_at("from");
    if (from && to && *to < *from)
      g.fail("bad-value", g.field_at("to"),
             "'governs' of 'policy' ends on " + to_string(*to) + ", before it starts on " + to_string(*from));
    else if (from)
      h.governs = date_range{*from, to ? *to : date_range::open_end()};
  }
  read_children(f, "sources", need::optional, "source", source_keys, h.sources, read_policy_source);
  return h;
}

std::optional<money_settings> read_money(fields& top) {
  const std::optional<yaml::node> node =
      top.mapping("money", need::optional, "a map with scale, rounding and round_at");
  if (!node) return std::nullopt;
  fields f(top.file(), *node, "'money'", money_keys);
  money_settings s;
  if (const std::optional<int> scale = f.count("scale", need::optional)) {
    if (*scale > 4)
      f.fail("bad-value", f.field_at("scale"),
             "'scale' in 'money' is " + std::to_string(*scale) + "; results have 0 to 4 decimal places",
             "2 rounds to the fen, 1 to the jiao, 0 to the yuan");
    else
      s.scale = *scale;
  }
  take(pick<rounding>(f, "rounding", need::optional, "rounding mode"), s.mode);
  take(pick<money_settings::stage>(f, "round_at", need::optional, "rounding stage"), s.round_at);
  return s;
}

/// Reads `values: {2019-01-01: 100, 2019-07-16: 120}` into `p.values`, sorted.
bool read_values(fields& f, parameter& p, bool unit_known) {
  const std::optional<yaml::node> node =
      f.mapping("values", need::required, "a map of dates to values (as {2019-01-01: 100})");
  if (!node) return false;
  yaml_file& file = f.file();
  const std::string where = "'values' of " + f.what();
  const std::vector<map_entry> entries = read_map_entries(file, *node, where);
  bool ok = entries.size() == node->size();  // else a duplicate date, reported
  for (const map_entry& e : entries) {
    std::string why;
    const std::optional<date> since = parse_date(e.key, &why);
    if (!since) {
      f.fail("bad-value", file.at(e.key_node), "invalid date in " + where + ": " + why,
             "each value is in force from a date: write it as YYYY-MM-DD: value");
      ok = false;
      continue;
    }
    if (!e.value.is_scalar()) {
      if (e.value.is_null())
        f.fail("missing-key", file.at(e.key_node), "missing value for " + e.key + " in " + where);
      else
        f.fail("wrong-kind", file.at(e.value),
               "expected a decimal number for " + e.key + " in " + where + ", found " + found_kind(e.value));
      ok = false;
      continue;
    }
    const std::string_view text = e.value.text();
    const std::optional<decimal> value = decimal::try_parse(text, &why);
    if (!value) {
      f.fail("bad-value", file.at(e.value), "invalid value for " + e.key + " in " + where + ": " + why);
      ok = false;
      continue;
    }
    if (*value < decimal{} || text.starts_with("+")) {
      f.fail("bad-value", file.at(e.value),
             "the value for " + e.key + " in " + where + " is " + std::string(text) +
                 "; a parameter's value is a plain decimal, 0 or more");
      ok = false;
      continue;
    }
    if (unit_known && p.unit == parameter_unit::count && value->raw() % decimal::one != 0) {
      f.fail("bad-value", file.at(e.value),
             "the value for " + e.key + " in " + where + " is " + std::string(text) + "; a count is a whole number");
      ok = false;
      continue;
    }
    if (unit_known && p.unit == parameter_unit::ratio && *value > decimal::from_int(1)) {
      f.fail("bad-value", file.at(e.value),
             "the value for " + e.key + " in " + where + " is " + std::string(text) + "; a ratio lies from 0 to 1",
             "write a share as a ratio: 0.2 for 20 %");
      ok = false;
      continue;
    }
    p.values.push_back({*since, *value, file.at(e.key_node)});
  }
  if (entries.empty() && node->size() == 0) {
    f.fail("bad-value", f.field_at("values"), where + " has no value",
           "a parameter has a value from some date on: values: {2019-01-01: 100}");
    ok = false;
  }
  std::sort(p.values.begin(), p.values.end(),
            [](const dated_value& a, const dated_value& b) { return a.since < b.since; });
  return ok;
}

read_parameter read_parameter_entry(yaml_file& file, const map_entry& e) {
  read_parameter out;
  parameter& p = out.value;
  p.id = e.key;
  p.file = file.path();
  p.where = file.at(e.key_node);
  if (!name_shaped(p.id, name_start::letter) ||
      std::find(std::begin(keywords), std::end(keywords), p.id) != std::end(keywords)) {
    file.error("bad-value", p.where,
               "invalid parameter id " + in_quotes(p.id) + ": expected a name expressions can use",
               "a parameter id is " + name_rule(name_start::letter) +
                   ", and none of the words if, then, else, and, or, not, true, false");
  } else if (find_input(p.id) != nullptr) {
    file.error("duplicate-id", p.where, "parameter " + in_quotes(p.id) + " has the name of an input rules read",
               "choose another id: an expression could not tell the two apart");
  }
  if (!e.value.is_map()) {
    file.error("wrong-kind", file.at(e.value.is_null() ? e.key_node : e.value),
               "expected a parameter (a map with unit, values and source) for " + in_quotes(p.id) +
                   " in 'parameters', found " + found_kind(e.value));
    out.values_ok = false;
    return out;
  }
  fields f(file, e.value, "parameter " + in_quotes(p.id), parameter_keys);
  take(read_bilingual(f, "title", need::optional), p.title);
  const std::optional<parameter_unit> unit = f.name<parameter_unit>("unit", need::required, "unit", "bad-unit");
  if (unit) {
    p.unit = *unit;
  } else if (const std::optional<located_text> text = f.scalar("unit", need::optional, "a unit"); text) {
    // Type the parameter as its unit was meant, so that expressions naming it
    // report no second problem.
    p.unit = text->text.starts_with("yuan") ? parameter_unit::yuan : parameter_unit::count;
  }
  out.values_ok = read_values(f, p, unit.has_value());
  if (f.has("within_month")) {
    take(pick<within_month>(f, "within_month", need::optional, "within-month rule"), p.in_month);
    if (unit && *unit != parameter_unit::yuan_per_month)
      f.fail("bad-unit", f.key_at("within_month"),
             "'within_month' is for yuan/month parameters, and " + f.what() + " is in " + std::string(to_string(*unit)),
             "remove it: only a monthly amount says how a change inside a month applies");
  }
  read_source(f, p.source, p.county_choice);
  return out;
}

std::vector<read_parameter> read_parameters(fields& top) {
  std::vector<read_parameter> out;
  const std::optional<yaml::node> node = top.mapping("parameters", need::optional, "a map of parameters by id");
  if (!node) return out;
  for (const map_entry& e : read_map_entries(top.file(), *node, "'parameters'"))
    out.push_back(read_parameter_entry(top.file(), e));
  return out;
}

// ---- the loader ------------------------------------------------------------------------------

/// Where names are known while an expression is checked: an allowance of some
/// `per:`, or a rule's figures; `what` says which, in messages.
struct name_context {
  unsigned known;
  std::string what;
};

class policy_loader {
 public:
  /// Loads the policy at `path`; with `text`, that is the file's text, not read
  /// from disk (its bases still are, from `path`'s folder).
  policy_load_result load(const fs::path& path, std::optional<std::string> text = std::nullopt) {
    read_chain(path, std::move(text));
    if (!files_.empty()) {
      merge_parameters();
      declare_names();
      merge_rules();
      if (complete_) check_penalty_names();
    }
    sort_diagnostics();
    policy_load_result result;
    if (!sink_.has_errors()) result.value = std::move(result_);
    result.diagnostics = std::move(sink_.diagnostics());
    return result;
  }

 private:
  // ---- stage 1: the chain of files

  /// Reads `top` and the bases it extends, top first.
  void read_chain(const fs::path& top, std::optional<std::string> top_text) {
    std::vector<fs::path> seen;  // identities of the files read, for cycles
    std::optional<fs::path> next = top;
    if (top.native().find("://") != std::string::npos) {
      sink_.error("missing-file", {display_name(top), 0, 0, {}}, "this is a URL; rulebook reads policies from files only",
                  "download the policy first, then name the file");
      complete_ = false;
      return;
    }
    if (std::error_code ec; !top_text && !fs::exists(top, ec)) {
      sink_.error("missing-file", {display_name(top), 0, 0, {}}, "no policy file " + in_quotes(display_name(top)));
      complete_ = false;
      return;
    }
    while (next) {
      if (files_.size() == max_extends_chain) {
        const located_text& ext = *files_.back().extends;
        files_.back().file.error("too-large", ext.where,
                                 "the chain of 'extends' is longer than " + std::to_string(max_extends_chain) +
                                     " files at " + in_quotes(ext.text),
                                 "a county extends a provincial or national base, which may extend one more: "
                                 "merge some of the bases");
        complete_ = false;
        return;
      }
      seen.push_back(identity(*next));
      if (!read_file(*next, std::exchange(top_text, std::nullopt))) {
        complete_ = false;
        return;
      }
      next = base_of(files_.back(), seen);
    }
  }

  /// The path a file is known by, whatever way it was named.
  static fs::path identity(const fs::path& p) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(p, ec);
    return ec ? p.lexically_normal() : canonical;
  }

  /// The base `file` extends, or nothing when it extends none or the base is
  /// unusable (reported: a URL, a missing file, a cycle).
  std::optional<fs::path> base_of(policy_file& file, const std::vector<fs::path>& seen) {
    if (!file.extends) return std::nullopt;
    const located_text& ext = *file.extends;
    yaml_file& from = file.file;
    if (ext.text.find("://") != std::string::npos) {
      from.error("bad-value", ext.where, "'extends' names a URL, " + in_quotes(ext.text) + "; a base policy is a file",
                 "copy the base next to this file and name it by its path, as extends: national-2017.yaml");
      complete_ = false;
      return std::nullopt;
    }
    // Only policy files, named relative to this one: a policy cannot make
    // rulebook read, and quote in its errors, any other file of the machine.
    const fs::path named(ext.text);
    if (named.is_absolute() || named.has_root_name()) {
      from.error("bad-value", ext.where, "'extends' names an absolute path, " + in_quotes(ext.text),
                 "name the base relative to the folder of this file, as extends: national-2017.yaml");
      complete_ = false;
      return std::nullopt;
    }
    if (named.extension() != ".yaml" && named.extension() != ".yml") {
      from.error("bad-value", ext.where, "'extends' names " + in_quotes(ext.text) + ", which is not a policy file",
                 "a base policy is a .yaml or .yml file");
      complete_ = false;
      return std::nullopt;
    }
    const fs::path base = (file.path.parent_path() / named).lexically_normal();
    std::error_code ec;
    if (!fs::is_regular_file(base, ec)) {
      from.error("missing-file", ext.where, "no base policy " + in_quotes(display_name(base)),
                 "a path in 'extends' is relative to the folder of the file that names it");
      complete_ = false;
      return std::nullopt;
    }
    const fs::path id = identity(base);
    if (const auto again = std::find(seen.begin(), seen.end(), id); again != seen.end()) {
      std::string chain;
      for (auto it = again - seen.begin(); it < static_cast<std::ptrdiff_t>(files_.size()); ++it)
        chain += files_[static_cast<std::size_t>(it)].file.path() + " → ";
      from.error("extends-cycle", ext.where, "policies extend each other in a cycle: " + chain + display_name(base),
                 "a base policy cannot extend, directly or not, a policy built on it");
      complete_ = false;
      return std::nullopt;
    }
    return base;
  }

  /// Reports a file with more rules or parameters than a file may hold
  /// (limits.hpp), which is then not read further.
  static bool within_bounds(fields& top) {
    bool ok = true;
    const auto check = [&](std::string_view key, std::size_t most, std::string_view noun) {
      const std::size_t size = top.entries_of(key);
      if (size <= most) return;
      top.fail("too-large", top.key_at(key),
               "the file has " + std::to_string(size) + " " + std::string(noun) + "; at most " +
                   std::to_string(most) + " are read from one policy file",
               "split the policy into a base and a policy that extends it");
      ok = false;
    };
    check("rules", max_rules_per_file, "rules");
    check("parameters", max_parameters_per_file, "parameters");
    return ok;
  }

  /// Reads one file of the chain (`given`: its text, when not to be read from
  /// disk); false when it cannot be read as a policy at all.
  bool read_file(const fs::path& path, std::optional<std::string> given) {
    const std::string name = display_name(path);
    file_order_.push_back(name);
    std::optional<std::string> text =
        given ? std::move(given)
              : read_text_file(path, sink_, max_policy_file_bytes,
                               "a policy states figures and rules; data belongs in the county's files, a base policy in "
                               "a file of its own");
    if (!text) return false;
    parsed_yaml parsed =
        parse_yaml(name, std::move(*text), sink_, "a policy file",
                   "remove the '---' line; a base policy goes in a file of its own, named by 'extends'");
    if (parsed.outcome == file_outcome::syntax_error) return false;
    if (parsed.outcome == file_outcome::empty) {
      sink_.error("missing-key", {name, 0, 0, {}}, "the file is empty: expected a policy",
                  "a policy file starts with  policy: {id: …, title: …, governs: …}");
      return false;
    }
    if (!parsed.root->is_map()) {
      parsed.file.error(
          "wrong-kind", parsed.file.at(*parsed.root),
          "expected a map of policy, parameters, rules, … at the top of the file, found " + found_kind(*parsed.root));
      return false;
    }
    policy_file pf{parsed.file, path, {}, {}, {}, {}, {}, {}, std::move(parsed.document)};
    fields top(pf.file, *parsed.root, "a policy file", file_keys);
    if (!within_bounds(top)) return false;
    pf.header = read_header(top);
    pf.extends = top.content("extends", need::optional, "the path of a policy file");
    if (top.has("extends") && !pf.extends) complete_ = false;  // reported: its base is unknown
    pf.remove = top.located_references("remove", need::optional, "rule");
    pf.money = read_money(top);
    pf.parameters = read_parameters(top);
    if (const std::optional<yaml::node> rules = top.sequence("rules", need::optional, "a list of rules"))
      for (const yaml::node rule : rules->elements()) pf.rules.push_back(rule);
    files_.push_back(std::move(pf));
    return true;
  }

  // ---- stage 2: parameters and names

  void merge_parameters() {
    const policy_header& top = files_.front().header;
    result_.id = top.id;
    result_.title = top.title;
    result_.jurisdiction = top.jurisdiction;
    if (top.governs) result_.governs = *top.governs;
    result_.sources = top.sources;
    for (const policy_file& f : files_) result_.files.push_back(f.file.path());
    const auto with_money = std::find_if(files_.begin(), files_.end(), [](const policy_file& f) { return f.money; });
    if (with_money != files_.end()) result_.money = *with_money->money;

    std::map<std::string, const read_parameter*, std::less<>> merged;  // base first: a file's replaces its base's
    for (auto f = files_.rbegin(); f != files_.rend(); ++f)
      for (const read_parameter& p : f->parameters) merged.insert_or_assign(p.value.id, &p);
    for (const auto& [id, p] : merged) {
      result_.parameters.push_back(p->value);
      if (p->values_ok && top.governs) check_in_force(p->value, *top.governs);
    }
  }

  /// Reports a parameter with no value in force on some day the policy governs:
  /// values hold from their date on, so only days before the first value can lack one.
  void check_in_force(const parameter& p, const date_range& governs) {
    if (p.values.empty() || governs.first >= p.values.front().since) return;
    const source_location& governs_at = files_.front().header.governs_at;
    sink_.error("no-value-in-force", p.values.front().where,
                "parameter " + in_quotes(p.id) + " has no value in force on " + to_string(governs.first) +
                    ": its first value is from " + to_string(p.values.front().since),
                "the policy governs from " + to_string(governs.first) + " (" + describe(governs_at) +
                    "); give a value from that day");
  }

  void declare_names() {
    for (const input_name& i : inputs) result_.names.declare(std::string(i.name), i.type, std::string(i.description));
    for (const parameter& p : result_.parameters) {
      if (find_input(p.id) != nullptr) continue;  // reported: it cannot be told from the input
      std::string description = "parameter, " + std::string(to_string(p.unit));
      if (!p.title.en.empty()) description += ": " + p.title.en;
      result_.names.declare(p.id, is_money(p.unit) ? value_type::money : value_type::number, std::move(description));
    }
  }

  // ---- stage 3: rules

  void merge_rules() {
    std::vector<read_rule> merged;
    for (auto f = files_.rbegin(); f != files_.rend(); ++f) {
      const bool has_base = f != files_.rbegin();
      if (complete_) apply_remove(*f, has_base, merged);
      for (read_rule& r : read_rules(*f)) {
        const auto same =
            std::find_if(merged.begin(), merged.end(), [&](const read_rule& m) { return m.value.id == r.value.id; });
        if (same != merged.end())
          *same = std::move(r);
        else
          merged.push_back(std::move(r));
      }
    }
    for (read_rule& r : merged) {
      kept_names_.insert(kept_names_.end(), r.names.begin(), r.names.end());
      result_.rules.push_back(std::move(r.value));
    }
  }

  /// Drops from `merged` (the base's rules) each rule `f` removes.
  void apply_remove(policy_file& f, bool has_base, std::vector<read_rule>& merged) {
    for (const located_text& id : f.remove) {
      const auto it =
          std::find_if(merged.begin(), merged.end(), [&](const read_rule& r) { return r.value.id == id.text; });
      if (it != merged.end()) {
        merged.erase(it);
        removed_.push_back(id);
      } else if (!has_base) {
        f.file.error("unknown-rule", id.where,
                     "'remove' names rule " + in_quotes(id.text) + ", but this policy extends no base",
                     "'remove' drops rules of the policy named by 'extends'");
      } else {
        std::vector<std::string_view> base_ids;
        for (const read_rule& r : merged) base_ids.push_back(r.value.id);
        f.file.error("unknown-rule", id.where,
                     "'remove' names rule " + in_quotes(id.text) + ", which the base policy does not have",
                     suggestion(id.text, base_ids, "the base's rules are"));
      }
    }
  }

  /// Reads the rules of one file; a second rule with an id is a `duplicate-id`.
  std::vector<read_rule> read_rules(policy_file& f) {
    std::vector<read_rule> out;
    for (const yaml::node node : f.rules) {
      std::optional<read_rule> r = read_one_rule(f.file, node);
      if (!r) continue;
      const auto first =
          std::find_if(out.begin(), out.end(), [&](const read_rule& o) { return o.value.id == r->value.id; });
      if (first != out.end() && !r->value.id.empty()) {
        f.file.error("duplicate-id", r->id_at, "duplicate rule id " + in_quotes(r->value.id),
                     "the first " + in_quotes(r->value.id) + " is at line " + std::to_string(first->id_at.line) +
                         "; a rule id names one rule of a file (a file replaces its base's rule by giving its id)");
        continue;
      }
      out.push_back(std::move(*r));
    }
    return out;
  }

  std::optional<read_rule> read_one_rule(yaml_file& file, const yaml::node& node) {
    if (!node.is_map()) {
      file.error("wrong-kind", file.at(node), "expected a rule (a map of keys) in 'rules', found " + found_kind(node),
                 "write each rule as a list element starting with '- id: …'");
      return std::nullopt;
    }
    // The kind decides which keys the rule may have: peek at it (and the id, to
    // name the rule), then read everything through checked fields.
    const std::optional<yaml::node> id_node = node.find("id");
    const std::optional<yaml::node> kind_node = node.find("kind");
    const std::optional<rule_kind> peeked =
        kind_node && kind_node->is_scalar() ? parse_enum<rule_kind>(kind_node->text()) : std::nullopt;
    std::string what = peeked ? std::string(to_string(*peeked)) + " rule" : "rule";
    what = id_node && id_node->is_scalar() ? what + " " + in_quotes(id_node->text()) : with_article(what);
    fields f(file, node, what, rule_keys(peeked));

    read_rule r;
    rule& out = r.value;
    out.file = file.path();
    out.where = f.at();
    take(read_name(f, "id", need::required, "rule id", name_start::letter), out.id);
    r.id_at = f.field_at("id");
    const std::optional<rule_kind> kind = pick<rule_kind>(f, "kind", need::required, "rule kind");
    take(read_bilingual(f, "title", need::required), out.title);
    read_source(f, out.source, out.county_choice);
    take(pick<responsible_party>(f, "responsible", need::optional, "responsible party"), out.responsible);
    take(pick<rule_severity>(f, "severity", need::optional, "severity"), out.severity);
    if (!kind) return r;
    out.kind = *kind;
    switch (*kind) {
      case rule_kind::allowance: out.body = read_allowance(f); break;
      case rule_kind::minimum: out.body = read_minimum(f); break;
      case rule_kind::kit: out.body = read_kit(f); break;
      case rule_kind::quota: out.body = read_quota(f); break;
      case rule_kind::penalty: out.body = read_penalty(f, r.names); break;
      case rule_kind::obligation: out.body = read_obligation(f); break;
      case rule_kind::team_size: out.body = team_size_rule{required_figure(f, "at_least", a_count)}; break;
      case rule_kind::term: out.body = term_rule{required_figure(f, "at_least_years", some_years)}; break;
      case rule_kind::attendance: out.body = read_attendance(f); break;
    }
    out.choices = read_choices(f, *kind);
    return r;
  }

  /// Reads `choices:`, each about a key the rule sets, once, with a county-choice source.
  static std::vector<rule_choice> read_choices(fields& f, rule_kind kind) {
    std::vector<std::string_view> settable;  // the keys a choice may be about: those this rule sets
    for (const std::string_view key : rule_keys(kind))
      if (key != "id" && key != "kind" && key != "title" && key != "source" && key != "choices" && f.has(key))
        settable.push_back(key);
    std::vector<rule_choice> kept;
    std::vector<rule_choice> seen;  // every choice read, for repeats
    read_children(f, "choices", need::optional, "choice", choice_keys, kept, [&](fields& c) {
      seen.push_back(read_choice(c, f.what(), settable, seen));
      return seen.back();
    });
    return kept;
  }

  static rule_choice read_choice(fields& c, const std::string& rule_what, std::span<const std::string_view> settable,
                                 std::span<const rule_choice> before) {
    rule_choice choice;
    choice.where = c.at();
    if (const std::optional<located_text> key = c.scalar("key", need::required, "a key of the rule")) {
      choice.key = key->text;
      const auto first =
          std::find_if(before.begin(), before.end(), [&](const rule_choice& o) { return o.key == key->text; });
      if (std::find(settable.begin(), settable.end(), key->text) == settable.end())
        c.fail("unknown-key", key->where,
               "a choice of " + rule_what + " is about " + in_quotes(key->text) + ", a key the rule does not set",
               suggestion(key->text, settable, "the keys it sets are"));
      else if (first != before.end())
        c.fail("duplicate-key", key->where, "a second choice about " + in_quotes(key->text) + " in " + rule_what,
               "the first is at line " + std::to_string(first->where.line) + "; a key has one reason");
    }
    if (const std::optional<std::string> source = c.text("source", need::required)) {
      choice.source = *source;
      if (!source->starts_with("county choice:"))
        c.fail("bad-value", c.field_at("source"),
               "the source of a choice of " + rule_what + " does not begin 'county choice:'",
               "a choice is the county's own reading: source: \"county choice: why\"");
    }
    return choice;
  }

  allowance_rule read_allowance(fields& f) {
    allowance_rule a;
    take(read_name(f, "item", need::required, "item", name_start::any), a.item);
    const std::optional<allowance_basis> per = pick<allowance_basis>(f, "per", need::required, "basis");
    if (per) a.per = *per;
    // An unknown `per:` is reported; then every input counts as known, so as not to add to it.
    const name_context context{per ? known_in_basis(*per) : everywhere, "a " + std::string(to_string(a.per)) + " rule"};
    a.when = compile(f, "when", need::optional, value_type::boolean, context);
    take(compile(f, "amount", need::required, value_type::money, context), a.amount);
    take(pick<proration>(f, "prorate", need::optional, "proration"), a.prorate);
    return a;
  }

  minimum_rule read_minimum(fields& f) {
    minimum_rule m;
    take(pick<minimum_measure>(f, "of", need::required, "measure"), m.of);
    take(figure(f, "at_least", need::required, money_minimum), m.at_least);
    take(pick<minimum_each>(f, "each", need::required, "unit of coverage"), m.each);
    return m;
  }

  static kit_item read_kit_item(fields& f) {
    kit_item k;
    take(read_name(f, "item", need::required, "item", name_start::any), k.item);
    take(read_bilingual(f, "title", need::required), k.title);
    take(pick<kit_level>(f, "level", need::required, "kit level"), k.level);
    return k;
  }

  kit_rule read_kit(fields& f) {
    kit_rule k;
    take(pick<kit_holder>(f, "for", need::required, "kit holder"), k.holder);
    const auto items = read_children(f, "items", need::required, "kit item", kit_item_keys, k.items, read_kit_item);
    not_empty(f, "items", items, "a kit lists at least one item");
    return k;
  }

  static ranking read_ranking(fields& f) {
    ranking r;
    take(pick<rank_key>(f, "key", need::required, "ranking key"), r.key);
    if (const std::optional<sort_order> order = pick<sort_order>(f, "order", need::required, "order"))
      r.descending = *order == sort_order::descending;
    return r;
  }

  quota_rule read_quota(fields& f) {
    quota_rule q;
    take(pick<grade>(f, "grade", need::required, "grade"), q.of_grade);
    take(figure(f, "share", need::required, a_ratio), q.share);
    take(pick<quota_population>(f, "of", need::required, "population"), q.of);
    take(pick<rounding>(f, "rounding", need::required, "rounding mode"), q.round);
    const auto keys = read_children(f, "rank_by", need::required, "ranking key", ranking_keys, q.rank_by, read_ranking);
    not_empty(f, "rank_by", keys, "rank by at least one key: rank_by: [{key: score, order: descending}]");
    take(pick<quota_ties>(f, "ties", need::optional, "tie rule"), q.ties);
    take(f.flag("separate", need::optional), q.separate);
    return q;
  }

  penalty_rule read_penalty(fields& f, std::vector<located_text>& names) {
    penalty_rule p;
    p.units = f.names<unit_kind>("units", need::required, "unit kind", "bad-value");
    not_empty(f, "units", f.size_of("units"), "name the kinds of unit penalised");
    const auto read_line = [&](fields& line) {
      penalty_line out;
      std::vector<located_text> ids = line.located_references("rules", need::required, "rule");
      not_empty(line, "rules", line.size_of("rules"), "name the rules whose findings cost these points");
      for (located_text& id : ids) {
        const auto first =
            std::find_if(names.begin(), names.end(), [&](const located_text& n) { return n.text == id.text; });
        if (first != names.end()) {
          line.fail("duplicate-id", id.where, f.what() + " names rule " + in_quotes(id.text) + " again",
                    "it is first named at line " + std::to_string(first->where.line) +
                        "; a rule's findings cost the points of one line");
          continue;
        }
        out.rules.push_back(id.text);
        names.push_back(std::move(id));
      }
      take(figure(line, "points", need::required, some_points), out.points);
      return out;
    };
    const auto lines = read_children(f, "for", need::required, "penalty line", penalty_line_keys, p.lines, read_line);
    not_empty(f, "for", lines, "list what failures cost: for: [{rules: [living], points: points_per_short_payment}]");
    take(f.flag("notice", need::optional), p.notice);
    p.cap = figure(f, "cap", need::optional, some_points);
    return p;
  }

  obligation_rule read_obligation(fields& f) {
    obligation_rule o;
    if (const std::optional<yaml::node> event =
            f.mapping("event", need::required, "an event, as {visit: unit_head} or {meeting: leaders}")) {
      fields e(f.file(), *event, "the event of " + f.what(), event_keys);
      if (e.has("visit") && e.has("meeting")) {
        e.fail("bad-value", e.key_at("meeting"), "the event of " + f.what() + " is both a visit and a meeting",
               "an obligation counts one kind of event; write a rule for each");
      } else if (e.has("visit")) {
        if (const auto role = pick<visitor_role>(e, "visit", need::required, "visitor")) o.event = *role;
      } else if (e.has("meeting")) {
        if (const auto kind = pick<meeting_kind>(e, "meeting", need::required, "meeting kind")) o.event = *kind;
      } else if (e.ok()) {
        e.fail("missing-key", e.at(), "missing key 'visit' or 'meeting' in the event of " + f.what(),
               "as {visit: unit_head} or {meeting: leaders}");
      }
    }
    take(figure(f, "times", need::required, a_count), o.times);
    take(pick<every_period>(f, "every", need::required, "period"), o.every);
    take(pick<obligation_subject>(f, "for_each", need::required, "subject"), o.for_each);
    return o;
  }

  attendance_rule read_attendance(fields& f) {
    attendance_rule a;
    take(figure(f, "at_least", need::required, some_days), a.at_least);
    if (const std::optional<every_period> each = pick<every_period>(f, "each", need::required, "period")) {
      if (*each == every_period::month || *each == every_period::year)
        a.each = *each;
      else
        f.fail("bad-value", f.field_at("each"),
               "attendance is counted each month or each year, not each " + std::string(to_string(*each)),
               "each: month, or each: year");
    }
    a.days_away_counted_up_to = figure(f, "counting_days_away_on_duty", need::optional, some_days);
    return a;
  }

  // ---- expressions

  /// Compiles the expression under `key` against the policy's names, reporting
  /// its problems and any input it reads that `context` does not know.
  std::optional<expression> compile(fields& f, std::string_view key, need n, value_type type,
                                    const name_context& context) {
    const std::optional<located_text> found = f.content(key, n, "an expression");
    if (!found || !complete_) return std::nullopt;  // with a base unread, names would be missing
    std::vector<diagnostic> problems;
    std::optional<expression> e = compile_expression(found->text, found->where, result_.names, type, problems);
    for (diagnostic& d : problems) sink_.add(std::move(d));
    if (!e) {
      f.set_failed();
      return std::nullopt;
    }
    for (const std::size_t slot : e->slots_used()) {
      if (slot >= std::size(inputs) || (inputs[slot].known & context.known) != 0) continue;
      const input_name& input = inputs[slot];
      source_location at = found->where;
      if (const std::optional<int> offset = name_offset(found->text, input.name)) at.column += *offset;
      f.fail("not-available", at, in_quotes(input.name) + " is not known in " + context.what, known_names(context));
    }
    return e;
  }

  /// A rule's figure: an expression of the policy's parameters and literals,
  /// of `spec.type`; a parameter named alone must have one of `spec.units`.
  std::optional<expression> figure(fields& f, std::string_view key, need n, const figure_spec& spec) {
    std::optional<expression> e = compile(f, key, n, spec.type, {0, "'" + std::string(key) + "' of " + f.what()});
    if (!e) return e;
    const std::string_view text = e->text();
    const std::size_t begin = text.find_first_not_of(" \t\n");
    const std::size_t end = text.find_last_not_of(" \t\n");
    const std::string_view name = begin == std::string_view::npos ? text : text.substr(begin, end - begin + 1);
    const parameter* p = result_.find_parameter(name);
    if (p == nullptr || std::find(spec.units.begin(), spec.units.end(), p->unit) != spec.units.end()) return e;
    f.fail("bad-unit", f.field_at(key),
           "'" + std::string(key) + "' of " + f.what() + " names parameter " + in_quotes(p->id) + ", which is in " +
               std::string(to_string(p->unit)) + "; expected a parameter in " + unit_names(spec.units),
           "give " + in_quotes(p->id) + " the unit " + unit_names(spec.units) + ", or name a parameter that has it");
    return e;
  }

  /// A figure a rule cannot do without (its problem, if any, is reported).
  expression required_figure(fields& f, std::string_view key, const figure_spec& spec) {
    return figure(f, key, need::required, spec).value_or(expression{});
  }

  /// "a team_year rule knows days_served, …": the hint of `not-available`.
  static std::string known_names(const name_context& context) {
    if (context.known == 0)
      return "a rule's figures are the policy's parameters and literals; only an allowance's 'when' and 'amount' "
             "read inputs";
    std::vector<std::string_view> names;
    for (const input_name& i : inputs)
      if ((i.known & context.known) != 0) names.push_back(i.name);
    return context.what + " knows " + join(names) + ", and the policy's parameters";
  }

  // ---- stage 4: what the merged policy must hold

  /// Reports each rule id a kept penalty names that the policy does not have.
  void check_penalty_names() {
    std::vector<std::string_view> ids;
    for (const rule& r : result_.rules) ids.push_back(r.id);
    for (const located_text& name : kept_names_) {
      if (result_.find_rule(name.text) != nullptr) continue;
      const auto removed =
          std::find_if(removed_.begin(), removed_.end(), [&](const located_text& r) { return r.text == name.text; });
      std::string hint = removed != removed_.end() ? "'remove' drops it at " + describe(removed->where)
                                                   : suggestion(name.text, ids, "the policy's rules are");
      sink_.error("unknown-rule", name.where,
                  "a penalty names rule " + in_quotes(name.text) + ", which the policy does not have", std::move(hint));
    }
  }

  /// Orders the diagnostics file by file, the policy's own first, then each
  /// file's top to bottom.
  void sort_diagnostics() {
    std::vector<diagnostic>& ds = sink_.diagnostics();
    const auto rank = [&](const diagnostic& d) {
      return std::find(file_order_.begin(), file_order_.end(), d.where.file) - file_order_.begin();
    };
    std::stable_sort(ds.begin(), ds.end(), [&](const diagnostic& a, const diagnostic& b) {
      return std::tuple(rank(a), a.where.line, a.where.column) < std::tuple(rank(b), b.where.line, b.where.column);
    });
  }

  diagnostic_sink sink_;
  std::vector<policy_file> files_;       // the policy's file, then its base, then the base's base, …
  std::vector<std::string> file_order_;  // the names of every file opened, in that order
  bool complete_ = true;                 // every file of the chain was read
  policy result_;
  std::vector<located_text> kept_names_;  // rule ids named by the penalties kept
  std::vector<located_text> removed_;     // rule ids `remove` dropped
};

}  // namespace
}  // namespace detail

policy_load_result load_policy(const std::filesystem::path& path) { return detail::policy_loader().load(path); }

policy_load_result load_policy_text(std::string_view text, const std::filesystem::path& file_name) {
  return detail::policy_loader().load(file_name, std::string(text));
}

policy load_policy_or_throw(const std::filesystem::path& path) {
  policy_load_result loaded = load_policy(path);
  if (!loaded) throw rule_file_error(std::move(loaded.diagnostics));
  return std::move(*loaded.value);
}

}  // namespace rulebook
