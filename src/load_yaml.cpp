// Reading a county from YAML: one file, or a folder of files whose sections are
// joined in file-name order. The format and every check are described in
// docs/data-format.md.
//
// rulebook's own YAML reader (detail/yaml.hpp) builds the tree; everything
// after that goes through the checked accessors of detail/yaml_reader.hpp
// (kinds, unknown and duplicate keys, values parsed exactly, 1-based
// code-point positions), which the policy loader shares.
#include "detail/load_yaml.hpp"

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "detail/limits.hpp"
#include "detail/messages.hpp"
#include "detail/yaml_reader.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"

namespace rulebook::detail {
namespace {

// ---- the entities --------------------------------------------------------------------------

constexpr std::string_view county_keys[] = {"id", "name", "province"};
constexpr std::string_view unit_keys[] = {"id", "name", "kind"};
constexpr std::string_view team_keys[] = {"id", "village", "town", "lead_unit", "sponsor_units", "distance_km", "kit", "funds_received"};
constexpr std::string_view kit_keys[] = {"item", "since", "until"};
constexpr std::string_view funds_keys[] = {"date", "amount", "from"};
constexpr std::string_view member_keys[] = {"id", "name", "role", "unit", "team", "service", "insurance", "health_checks", "assessments"};
constexpr std::string_view service_keys[] = {"from", "to", "team"};
constexpr std::string_view insurance_keys[] = {"cover", "from", "to", "insurer"};
constexpr std::string_view health_check_keys[] = {"date", "cost"};
constexpr std::string_view assessment_keys[] = {"year", "score", "grade"};
constexpr std::string_view month_keys[] = {"member", "month", "days_in_village", "round_trips", "days_away_on_duty", "paid"};
constexpr std::string_view visit_keys[] = {"date", "visitor", "unit", "team"};
constexpr std::string_view meeting_keys[] = {"date", "kind", "attendees"};
constexpr std::string_view condolence_keys[] = {"date", "member", "reason", "amount", "paid_by"};

sponsor_unit read_unit(fields& f) {
  sponsor_unit u;
  take(f.own_id("id"), u.id);
  take(f.text("name", need::required), u.name);
  take(f.name<unit_kind>("kind", need::required, "unit kind"), u.kind);
  return u;
}

kit_holding read_kit_holding(fields& f) {
  kit_holding k;
  take(f.reference("item", need::required), k.item);
  take(f.day("since", need::required), k.since);
  k.until = f.day("until", need::optional);
  return k;
}

funds_receipt read_funds_receipt(fields& f) {
  funds_receipt r;
  take(f.day("date", need::required), r.on);
  take(f.amount("amount", need::required), r.amount);
  take(f.reference("from", need::optional), r.from_unit);
  return r;
}

team read_team(fields& f) {
  team t;
  take(f.own_id("id"), t.id);
  take(f.text("village", need::required), t.village);
  take(f.text("town", need::required), t.town);
  take(f.reference("lead_unit", need::required), t.lead_unit);
  t.sponsor_units = f.references("sponsor_units", need::optional, "unit");
  take(f.distance("distance_km", need::required), t.distance_km);
  read_children(f, "kit", need::optional, "kit item", kit_keys, t.kit, read_kit_holding);
  read_children(f, "funds_received", need::optional, "funds receipt", funds_keys, t.funds_received, read_funds_receipt);
  return t;
}

/// The member's `team`, given to each service interval that names none.
struct default_team {
  bool given = false;               // the key is there, well-formed or not
  std::optional<std::string> id;    // its value when well-formed
  source_location where;
};

service_interval read_service_interval(fields& f, const default_team& fallback) {
  service_interval s;
  take(f.day("from", need::required), s.from);
  s.to = f.day("to", need::optional);
  if (f.has("team") || !fallback.given) {
    take(f.reference("team", need::required,
                     "give the interval a 'team', or give the member one for all its intervals"),
         s.team);
  } else if (fallback.id) {
    s.team = *fallback.id;
    f.pos().add(".team", fallback.where);
  } else {
    f.set_failed();  // the member's malformed team is reported already
  }
  return s;
}

insurance_policy read_insurance(fields& f) {
  insurance_policy p;
  take(f.amount("cover", need::required), p.cover);
  take(f.day("from", need::required), p.from);
  take(f.day("to", need::required), p.to);
  take(f.text("insurer", need::optional), p.insurer);
  return p;
}

health_check read_health_check(fields& f) {
  health_check h;
  take(f.day("date", need::required), h.on);
  take(f.amount("cost", need::required), h.cost);
  return h;
}

assessment read_assessment(fields& f) {
  assessment a;
  take(f.year("year", need::required), a.year);
  take(f.number("score", need::required), a.score);
  take(f.name<grade>("grade", need::required, "grade"), a.proposed);
  return a;
}

member read_member(fields& f) {
  member m;
  take(f.own_id("id"), m.id);
  take(f.text("name", need::required), m.name);
  take(f.name<member_role>("role", need::required, "role"), m.role);
  take(f.reference("unit", need::required), m.unit);
  default_team fallback;
  fallback.given = f.has("team");
  fallback.id = f.reference("team", need::optional);
  fallback.where = f.field_at("team");

  // A member's service decides which month records are valid; a partly read
  // service would make correct records look wrong, so one broken interval
  // drops them all (its problem is reported; nothing loads anyway).
  const auto read_interval = [&fallback](fields& interval) { return read_service_interval(interval, fallback); };
  if (read_children(f, "service", need::required, "service interval", service_keys, m.service, read_interval,
                    on_broken::drop_all) == std::size_t{0})
    f.fail("missing-key", f.field_at("service"), "member " + in_quotes(m.id) + " has no service interval",
           "a member serves at least one interval: service: [{from: 2019-01-01, team: T01}]");

  read_children(f, "insurance", need::optional, "insurance policy", insurance_keys, m.insurance, read_insurance);
  read_children(f, "health_checks", need::optional, "health check", health_check_keys, m.health_checks,
                read_health_check);
  read_children(f, "assessments", need::optional, "assessment", assessment_keys, m.assessments, read_assessment);
  return m;
}

/// Reads `paid: {living: 2200, transport: 1038}`: item names are the policy's,
/// so any well-formed name is accepted, each once, recorded as ".paid.ITEM".
std::vector<paid_amount> read_paid(fields& f) {
  std::vector<paid_amount> paid;
  const std::optional<yaml::node> map = f.mapping("paid", need::optional, "a map of amounts paid by item");
  if (!map) return paid;
  for (const map_entry& e : read_map_entries(f.file(), *map, "'paid' of a month record")) {
    if (!valid_id(e.key)) {
      f.fail("bad-value", f.file().at(e.key_node), "invalid item " + in_quotes(e.key) + " in 'paid' of a month record",
             "an item name is 1 to 64 letters, digits, '_', '-' or '.', as living or transport");
      continue;
    }
    if (e.value.is_null()) {
      f.fail("missing-key", f.file().at(e.key_node), "missing value for " + in_quotes(e.key) + " in 'paid' of a month record");
      continue;
    }
    if (!e.value.is_scalar()) {
      f.fail("wrong-kind", f.file().at(e.value),
             "expected an amount of money for " + in_quotes(e.key) + " in 'paid' of a month record, found " +
                 found_kind(e.value));
      continue;
    }
    const source_location where = f.file().at(e.value);
    std::string why;
    const std::optional<money> value = money::try_parse(e.value.text(), &why);
    if (!value) {
      f.fail("bad-value", where, "invalid " + in_quotes(e.key) + " in 'paid' of a month record: " + why);
      continue;
    }
    if (*value < money{} || *value > max_amount) {
      f.fail("out-of-range", where,
             in_quotes(e.key) + " in 'paid' of a month record is " + std::string(e.value.text()) +
                 " yuan; an amount lies from 0 to 100000000 yuan");
      continue;
    }
    f.pos().add(".paid." + e.key, where);
    paid.push_back({e.key, *value});
  }
  // The duplicate and key problems of the map were reported by read_map_entries.
  if (paid.size() < map->size()) f.set_failed();
  return paid;
}

month_record read_month(fields& f) {
  month_record r;
  take(f.reference("member", need::required), r.member);
  take(f.month("month", need::required), r.month);
  take(f.count("days_in_village", need::required), r.days_in_village);
  take(f.count("round_trips", need::required), r.round_trips);
  take(f.count("days_away_on_duty", need::optional), r.days_away_on_duty);
  r.paid = read_paid(f);
  return r;
}

visit read_visit(fields& f) {
  visit v;
  take(f.day("date", need::required), v.on);
  take(f.name<visitor_role>("visitor", need::required, "visitor"), v.visitor);
  take(f.reference("unit", need::optional), v.unit);
  take(f.reference("team", need::required), v.team);
  return v;
}

meeting read_meeting(fields& f) {
  meeting m;
  take(f.day("date", need::required), m.on);
  take(f.name<meeting_kind>("kind", need::required, "meeting kind"), m.kind);
  m.attendees = f.references("attendees", need::required, "member");
  return m;
}

condolence read_condolence(fields& f) {
  condolence c;
  take(f.day("date", need::required), c.on);
  take(f.reference("member", need::required), c.member);
  take(f.name<condolence_reason>("reason", need::required, "reason"), c.reason);
  take(f.amount("amount", need::required), c.amount);
  take(f.reference("paid_by", need::optional), c.paid_by);
  return c;
}

// ---- the county ------------------------------------------------------------------------------

constexpr std::string_view section_names[] = {"county", "units", "teams", "members",
                                              "months", "visits", "meetings", "condolences"};

/// Joins what the files of one county hold, in the order they are read.
class county_builder {
 public:
  /// Reads the sections of one parsed file.
  void read_file(yaml_file& file, const yaml::node& root) {
    if (!root.is_map()) {
      file.error("wrong-kind", file.at(root),
                 "expected a map of sections (county, units, teams, …) at the top of the file, found " + found_kind(root));
      complete_ = false;
      unreadable_file_ = true;
      return;
    }
    for (const map_entry& e : read_map_entries(file, root, "the file")) read_section(file, e);
  }

  /// Marks the county as incomplete: a file could not be read or parsed, so
  /// checks across entities would report what is merely missing.
  void set_incomplete() noexcept { complete_ = false; }

  [[nodiscard]] bool complete() const noexcept { return complete_; }
  /// Tells whether a whole file could not be read as sections (then a missing
  /// `county` section may well be in it, and is not worth a second error).
  [[nodiscard]] bool unreadable_file() const noexcept { return unreadable_file_; }
  [[nodiscard]] bool has_county_section() const noexcept { return county_at_.has_value(); }
  [[nodiscard]] county& result() noexcept { return county_; }
  [[nodiscard]] const source_map& where() const noexcept { return where_; }

 private:
  void read_section(yaml_file& file, const map_entry& e) {
    const std::string& name = e.key;
    if (name == "county") return read_county(file, e);
    if (name == "units") return read_list(file, e, "unit", unit_keys, county_.units, read_unit);
    if (name == "teams") return read_list(file, e, "team", team_keys, county_.teams, read_team);
    if (name == "members") return read_list(file, e, "member", member_keys, county_.members, read_member);
    if (name == "months") return read_list(file, e, "month record", month_keys, county_.months, read_month);
    if (name == "visits") return read_list(file, e, "visit", visit_keys, county_.visits, read_visit);
    if (name == "meetings") return read_list(file, e, "meeting", meeting_keys, county_.meetings, read_meeting);
    if (name == "condolences")
      return read_list(file, e, "condolence payment", condolence_keys, county_.condolences, read_condolence);
    file.error("unknown-key", file.at(e.key_node), "unknown section " + in_quotes(name),
               suggestion(name, section_names, "the sections are"));
  }

  void read_county(yaml_file& file, const map_entry& e) {
    if (county_at_) {
      file.error("duplicate-key", file.at(e.key_node), "section 'county' is given again",
                 "it is first given at " + describe(*county_at_) + "; a county is described in exactly one file");
      return;
    }
    county_at_ = file.at(e.key_node);
    if (!e.value.is_map()) {
      file.error("wrong-kind", file.at(e.value.is_null() ? e.key_node : e.value),
                 "expected a map with 'id' and 'name' for section 'county', found " + found_kind(e.value));
      return;
    }
    fields f(file, e.value, "the county", county_keys);
    take(f.own_id("id"), county_.id);
    take(f.text("name", need::required), county_.name);
    take(f.text("province", need::optional), county_.province);
    std::move(f.pos()).commit(where_, "county");
  }

  /// Reads a list section (`units:`), appending to `out`; each element is
  /// recorded under "section[i]" with i its index in the joined county.
  template <class List, class Read>
  void read_list(yaml_file& file, const map_entry& e, std::string_view each, key_list allowed, List& out, Read read) {
    const std::string& section = e.key;
    const bool referred_to = section == "units" || section == "teams" || section == "members";
    if (e.value.is_null()) return;  // an empty section
    if (!e.value.is_sequence()) {
      file.error("wrong-kind", file.at(e.value),
                 "expected a list of " + plural(each) + " for section '" + section + "', found " + found_kind(e.value),
                 "write each " + std::string(each) + " as a list element starting with '- '");
      if (referred_to) complete_ = false;
      return;
    }
    const std::string what = with_article(each);
    for (const yaml::node item : e.value.elements()) {
      if (!item.is_map()) {
        file.error("wrong-kind", file.at(item),
                   "expected " + what + " (a map of keys) in section '" + section + "', found " + found_kind(item));
        if (referred_to) complete_ = false;
        continue;
      }
      fields f(file, item, what, allowed);
      auto value = read(f);
      if (!f.ok() && !referred_to) continue;
      std::move(f.pos()).commit(where_, indexed(section, out.size()));
      out.push_back(std::move(value));
    }
  }

  county county_;
  source_map where_;
  std::optional<source_location> county_at_;
  bool complete_ = true;
  bool unreadable_file_ = false;
};

/// Parses and reads one file into `builder`. A syntax error stops this file
/// only (the others are still read) and marks the county incomplete.
file_outcome read_yaml_file(const yaml_text& input, diagnostic_sink& sink, county_builder& builder) {
  parsed_yaml parsed = input.syntax == text_syntax::json
                           ? parse_json(input.file_name, input.text, sink)
                           : parse_yaml(input.file_name, input.text, sink, "a county file",
                                        "remove the '---' line, or split the documents into files of a folder");
  if (parsed.outcome == file_outcome::syntax_error) builder.set_incomplete();
  if (parsed.outcome == file_outcome::read) builder.read_file(parsed.file, *parsed.root);
  return parsed.outcome;
}

}  // namespace

county_load_result load_county_yaml_files(std::vector<yaml_text> files, const std::string& folder_name,
                                          diagnostic_sink sink) {
  county_builder builder;
  const bool single_file = files.size() == 1 && files.front().file_name == folder_name;
  bool all_parsed = !sink.has_errors();  // a file that could not be read may hold anything
  bool only_empty_file = single_file;
  for (const yaml_text& input : files) {
    const std::size_t first = sink.diagnostics().size();
    const file_outcome outcome = read_yaml_file(input, sink, builder);
    sort_by_position(sink.diagnostics(), first);
    all_parsed = all_parsed && outcome != file_outcome::syntax_error;
    only_empty_file = only_empty_file && outcome == file_outcome::empty;
  }
  if (!all_parsed) builder.set_incomplete();
  if (!builder.has_county_section() && all_parsed && !builder.unreadable_file()) {
    sink.error("missing-section", {folder_name, 0, 0, {}},
               only_empty_file ? "missing section 'county': the file is empty" : "missing section 'county'",
               single_file ? "a county file starts with  county: {id: ..., name: ...}"
                   : "one file of the folder gives  county: {id: ..., name: ...}");
  }
  // Checks across entities need every entity that exists: after a syntax error
  // or an unreadable section they would only repeat that things are missing.
  if (builder.complete()) validate(builder.result(), builder.where(), sink);

  county_load_result result;
  if (!sink.has_errors()) result.value = std::move(builder.result());
  result.diagnostics = std::move(sink.diagnostics());
  return result;
}

std::optional<county> load_county_yaml_node(yaml_file& file, const yaml::node& root, diagnostic_sink& sink) {
  const std::size_t first = sink.diagnostics().size();
  county_builder builder;
  builder.read_file(file, root);
  if (!builder.has_county_section() && !builder.unreadable_file())
    sink.error("missing-section", file.at(root), "missing section 'county' in the data",
               "inline data starts with  county: {id: ..., name: ...}");
  if (builder.complete()) validate(builder.result(), builder.where(), sink);
  const auto& ds = sink.diagnostics();
  const bool failed = std::any_of(ds.begin() + static_cast<std::ptrdiff_t>(first), ds.end(),
                                  [](const diagnostic& d) { return d.level == severity::error; });
  if (failed) return std::nullopt;
  return std::move(builder.result());
}

county_load_result load_county_yaml_folder(const std::filesystem::path& folder) {
  diagnostic_sink sink;
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    const std::string name = p.filename().string();
    const std::string ext = p.extension().string();
    std::error_code type_ec;
    if (name.starts_with(".") || (ext != ".yaml" && ext != ".yml") || !it->is_regular_file(type_ec)) continue;
    paths.push_back(p);
  }
  if (ec) {
    sink.error("io-error", {display_name(folder), 0, 0, {}}, "cannot list the folder: " + ec.message());
    return {std::nullopt, std::move(sink.diagnostics())};
  }
  std::sort(paths.begin(), paths.end(),
            [](const auto& a, const auto& b) { return a.filename().string() < b.filename().string(); });

  std::vector<yaml_text> files;
  for (const auto& p : paths)
    if (std::optional<std::string> text =
            read_text_file(p, sink, max_yaml_data_file_bytes, "split the file in two, or give the county as CSV tables"))
      files.push_back({display_name(p), std::move(*text)});
  return load_county_yaml_files(std::move(files), display_name(folder), std::move(sink));
}

}  // namespace rulebook::detail

namespace rulebook {

county_load_result load_county_yaml(std::string_view text, std::string file_name) {
  std::vector<detail::yaml_text> files;
  files.push_back({file_name, std::string(text)});
  return detail::load_county_yaml_files(std::move(files), file_name);
}

county_load_result load_county_json(std::string_view text, std::string file_name) {
  std::vector<detail::yaml_text> files;
  files.push_back({file_name, std::string(text), detail::text_syntax::json});
  return detail::load_county_yaml_files(std::move(files), file_name);
}

}  // namespace rulebook
