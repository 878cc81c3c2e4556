// Reading a county from a folder of CSV tables, one per entity, as county
// databases export them. The tables, their columns and every check are
// described in docs/data-format.md.
//
// Each table is streamed through `detail::csv_reader`, never held whole: a
// county export can run to gigabytes. A table's header decides which field of
// a row is which column; every cell is then read through checked accessors that
// report a bad value at `file:row:column-name`, with the caret under the cell.
// The checks across entities (`detail::validate`) name fields by the keys the
// YAML loader records (`teams[2].kit[0].until`); here only where each row
// starts is kept, and a key is turned into its cell by reading that row again,
// so that positions cost a few bytes a row, not a map entry a cell.
//
// What is kept after a problem follows the YAML loader: units, teams and
// members are kept even when a field is bad (others refer to them, and dropping
// them would only add "unknown unit" errors); a month record, an event or a
// child row (kit, service, …) with a problem is left out. A row that cannot be
// read at all (a CSV syntax error, the wrong number of fields), a missing table
// or a missing column leaves the county incomplete: the checks across entities
// are then skipped, since they would report what is merely unread.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

#include "detail/csv.hpp"
#include "detail/limits.hpp"
#include "detail/load_context.hpp"
#include "detail/load_yaml.hpp"
#include "detail/messages.hpp"
#include "detail/text.hpp"
#include "rulebook/detail/id_table.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/load.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"

namespace rulebook::detail {
namespace {

// ---- words for messages --------------------------------------------------------------

/// The known column `column` is probably meant to be: the same name but for
/// case and blanks (spreadsheets export `ID `), else a plausible typo.
std::string_view closest_column(std::string_view column, std::span<const std::string_view> known) {
  std::string plain;
  for (const char ch : column)
    if (ch != ' ' && ch != '\t') plain += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  for (const std::string_view k : known)
    if (k == plain) return k;
  return closest_match(column, known);
}

constexpr std::string_view id_hint = "an id is 1 to 64 letters, digits, '_', '-' or '.'";
constexpr std::string_view amount_hint = "an amount is written in yuan, as 2878.50";

// ---- the tables ---------------------------------------------------------------------------

struct column_spec {
  std::string_view name;
  need n;
};

/// One table of a CSV county: its file, the columns it may have, and what
/// one row of it is, for messages. `anchor` is the column that stands for the
/// whole row when a check names the entity rather than one of its fields.
struct table_spec {
  std::string_view file;
  std::string_view what;
  std::span<const column_spec> columns;
  std::string_view anchor;
  need presence;
  bool paid_columns = false;  // months.csv: any number of `paid_ITEM` columns
};

constexpr auto R = need::required;
constexpr auto O = need::optional;

constexpr column_spec county_columns[] = {{"id", R}, {"name", R}, {"province", O}};
constexpr column_spec unit_columns[] = {{"id", R}, {"name", R}, {"kind", R}};
constexpr column_spec team_columns[] = {{"id", R},        {"village", R},       {"town", R},
                                        {"lead_unit", R}, {"sponsor_units", O}, {"distance_km", R}};
constexpr column_spec kit_columns[] = {{"team", R}, {"item", R}, {"since", R}, {"until", O}};
constexpr column_spec funds_columns[] = {{"team", R}, {"date", R}, {"amount", R}, {"from", O}};
constexpr column_spec member_columns[] = {{"id", R}, {"name", R}, {"role", R}, {"unit", R}, {"team", O}};
constexpr column_spec service_columns[] = {{"member", R}, {"team", O}, {"from", R}, {"to", O}};
constexpr column_spec insurance_columns[] = {{"member", R}, {"cover", R}, {"from", R}, {"to", R}, {"insurer", O}};
constexpr column_spec health_check_columns[] = {{"member", R}, {"date", R}, {"cost", R}};
constexpr column_spec assessment_columns[] = {{"member", R}, {"year", R}, {"score", R}, {"grade", R}};
constexpr column_spec month_columns[] = {{"member", R},      {"month", R},
                                         {"days_in_village", R}, {"round_trips", R},
                                         {"days_away_on_duty", O}};
constexpr column_spec visit_columns[] = {{"date", R}, {"visitor", R}, {"unit", O}, {"team", R}};
constexpr column_spec meeting_columns[] = {{"date", R}, {"kind", R}, {"attendees", R}};
constexpr column_spec condolence_columns[] = {{"date", R}, {"member", R}, {"reason", R}, {"amount", R}, {"paid_by", O}};

// In the order they are read: a parent table before its children.
constexpr table_spec county_table{"county.csv", "the county", county_columns, "id", R};
constexpr table_spec units_table{"units.csv", "unit", unit_columns, "id", R};
constexpr table_spec teams_table{"teams.csv", "team", team_columns, "id", R};
constexpr table_spec kit_table{"kit.csv", "kit item", kit_columns, "item", O};
constexpr table_spec funds_table{"funds.csv", "funds receipt", funds_columns, "date", O};
constexpr table_spec members_table{"members.csv", "member", member_columns, "id", R};
constexpr table_spec service_table{"service.csv", "service interval", service_columns, "from", R};
constexpr table_spec insurance_table{"insurance.csv", "insurance policy", insurance_columns, "cover", O};
constexpr table_spec health_checks_table{"health_checks.csv", "health check", health_check_columns, "date", O};
constexpr table_spec assessments_table{"assessments.csv", "assessment", assessment_columns, "year", O};
constexpr table_spec months_table{"months.csv", "month record", month_columns, "month", O, true};
constexpr table_spec visits_table{"visits.csv", "visit", visit_columns, "date", O};
constexpr table_spec meetings_table{"meetings.csv", "meeting", meeting_columns, "date", O};
constexpr table_spec condolences_table{"condolences.csv", "condolence payment", condolence_columns, "date", O};

constexpr const table_spec* all_tables[] = {
    &county_table,  &units_table,         &teams_table,       &kit_table,    &funds_table,
    &members_table, &service_table,       &insurance_table,   &health_checks_table,
    &assessments_table, &months_table,    &visits_table,      &meetings_table, &condolences_table};

/// The paid items a county usually exports, offered as "did you mean" for a
/// misspelt paid column; any other well-formed `paid_ITEM` is accepted too.
constexpr std::string_view common_paid_columns[] = {"paid_living", "paid_transport", "paid_communication"};
constexpr std::string_view paid_prefix = "paid_";

/// The number of `spec` in `all_tables`.
std::uint8_t table_number(const table_spec& spec) {
  for (std::size_t k = 0; k < std::size(all_tables); ++k)
    if (all_tables[k] == &spec) return static_cast<std::uint8_t>(k);
  return 0;
}

/// Calls `f(element)` for each `;`-separated element of a list cell, blanks
/// around it trimmed; an element may be empty (`U02;;U03`).
template <class F>
void for_each_element(std::string_view cell, F f) {
  for (;;) {
    const std::size_t cut = std::min(cell.find(';'), cell.size());
    std::string_view element = cell.substr(0, cut);
    while (!element.empty() && (element.front() == ' ' || element.front() == '\t')) element.remove_prefix(1);
    while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) element.remove_suffix(1);
    f(element);
    if (cut == cell.size()) return;
    cell.remove_prefix(cut + 1);
  }
}

// ---- where rows are ---------------------------------------------------------------------
//
// Checks across tables name a field by its place in the county
// (`teams[2].kit[0].until`); a source map entry per cell would cost far more
// than the county itself on a big export. So the loader remembers only where
// each kept row starts, and `position_finder` reads the row again when a check
// asks where one of its fields is, which happens only for the few fields that
// are wrong.

/// Where one row of a table starts: enough to read it again.
struct row_ref {
  std::uint32_t offset = 0;  // of the record in its file, which is at most max_csv_table_bytes long
  int line = 0;
  std::uint8_t table = 0;    // its number in all_tables
};
static_assert(max_csv_table_bytes - 1 <= std::numeric_limits<std::uint32_t>::max(),
              "a row's offset is kept in 32 bits: 12 bytes a row, of which a county has tens of millions");

/// Where each row of one table starts, in file order, in about 3 bytes a row
/// where a `row_ref` takes 12 (a county of 3 M members has some 40 M rows):
/// every 64th row's position whole, and for each row the bytes and lines from
/// the row before. A row 64 KiB or 255 lines long or more is kept whole aside.
/// Finding a row adds up at most 63 steps; it is done only for rows reported.
class row_list {
 public:
  void push_back(const row_ref& r) {
    const std::size_t i = bytes_.size();
    std::uint16_t bytes = 0;
    std::uint8_t lines = 0;  // a mark's own step is not read
    if (i % stride == 0) {
      marks_.push_back(r);
    } else if (r.table == last_.table && r.offset >= last_.offset &&
               r.offset - last_.offset <= std::numeric_limits<std::uint16_t>::max() && r.line >= last_.line &&
               r.line - last_.line < wide) {
      bytes = static_cast<std::uint16_t>(r.offset - last_.offset);
      lines = static_cast<std::uint8_t>(r.line - last_.line);
    } else {
      aside_.push_back({i, r});
      lines = wide;
    }
    bytes_.push_back(bytes);
    lines_.push_back(lines);
    last_ = r;
  }
  void reserve(std::size_t n) {
    bytes_.reserve(n);
    lines_.reserve(n);
    marks_.reserve(n / stride + 1);
  }
  [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
  [[nodiscard]] row_ref operator[](std::size_t i) const {
    row_ref r = marks_[i / stride];
    for (std::size_t k = i - i % stride + 1; k <= i; ++k) {
      if (lines_[k] == wide) {
        r = std::lower_bound(aside_.begin(), aside_.end(), k,
                             [](const std::pair<std::size_t, row_ref>& a, std::size_t at) { return a.first < at; })
                ->second;
      } else {
        r.offset += bytes_[k];
        r.line += lines_[k];
      }
    }
    return r;
  }

 private:
  static constexpr std::size_t stride = 64;
  static constexpr std::uint8_t wide = std::numeric_limits<std::uint8_t>::max();
  std::vector<row_ref> marks_;                          // rows 0, 64, 128, …
  std::vector<std::uint16_t> bytes_;                     // per row: from the row before
  std::vector<std::uint8_t> lines_;                      // per row: from the row before, or wide
  std::vector<std::pair<std::size_t, row_ref>> aside_;  // the wide rows, by index
  row_ref last_;
};

/// The rows of one kind of child (kit items, service intervals, …) in file
/// order, each with the index of its parent: one list for the table rather
/// than one per team or member, which would cost an allocation per parent.
/// A parent's children are sorted out the first time a check asks for one.
class child_rows {
 public:
  void add(std::size_t parent, row_ref ref) {
    rows_.push_back({static_cast<std::uint32_t>(parent), ref});
    index_valid_ = false;
  }

  /// Leaves out every row of `parent` added so far (a member whose service
  /// is left out as a whole).
  void drop(std::size_t parent) {
    if (dropped_.size() <= parent) dropped_.resize(parent + 1, false);
    dropped_[parent] = true;
    index_valid_ = false;
  }

  /// The row of the `k`th child of `parent` kept, or nothing.
  [[nodiscard]] std::optional<row_ref> find(std::size_t parent, std::size_t k) const {
    if (!index_valid_) build_index();
    if (parent + 1 >= starts_.size()) return std::nullopt;
    const std::size_t at = starts_[parent] + k;
    if (at >= starts_[parent + 1]) return std::nullopt;
    return rows_[order_[at]].ref;
  }

 private:
  struct entry {
    std::uint32_t parent;
    row_ref ref;
  };

  [[nodiscard]] bool kept(const entry& e) const { return e.parent >= dropped_.size() || !dropped_[e.parent]; }

  /// Groups the rows by parent, in file order within a parent (a counting sort).
  void build_index() const {
    std::size_t parents = 0;
    for (const entry& e : rows_) parents = std::max<std::size_t>(parents, e.parent + std::size_t{1});
    starts_.assign(parents + 1, 0);
    for (const entry& e : rows_)
      if (kept(e)) ++starts_[e.parent + 1];
    for (std::size_t p = 0; p < parents; ++p) starts_[p + 1] += starts_[p];
    order_.assign(starts_.back(), 0);
    std::vector<std::uint32_t> next(starts_.begin(), starts_.end() - 1);
    for (std::size_t i = 0; i < rows_.size(); ++i)
      if (kept(rows_[i])) order_[next[rows_[i].parent]++] = static_cast<std::uint32_t>(i);
    index_valid_ = true;
  }

  std::vector<entry> rows_;
  std::vector<bool> dropped_;
  // The index: the rows of parent p are rows_[order_[starts_[p] .. starts_[p + 1])].
  mutable std::vector<std::uint32_t> starts_;
  mutable std::vector<std::uint32_t> order_;
  mutable bool index_valid_ = false;
};

/// The row of every entity kept, by its place in the county.
struct row_registry {
  std::optional<row_ref> county;
  row_list units, teams, members, months, visits, meetings, condolences;
  // Child rows, with the index of their parent.
  child_rows kit, funds_received, service, insurance, health_checks, assessments;
};

/// A table as its header found it, for reading its rows again.
struct table_info {
  std::filesystem::path path;
  std::string name;                 // as diagnostics give it
  std::vector<std::string> header;  // empty when the table was not read
};

// ---- what the whole load shares ----------------------------------------------------------

/// Where each team or member is, by id, for child rows to find their parent.
/// A child table usually lists the rows of one parent together, parents in
/// the order of their own table: so the parent found last, then the one after
/// it, are tried before the hash table, which for a big county is a cache
/// miss a row.
class id_index {
 public:
  /// Adds the entity at `index` of `entities` (the next one, not in the list
  /// yet); of entities with one id, the first is the one found.
  template <class T>
  void add(const std::string& id, std::size_t index, const std::vector<T>& entities) {
    first_.push_back(!ids_.insert(id, index, id_of(entities)));
  }

  template <class T>
  void reserve(std::size_t n, const std::vector<T>& entities) {
    ids_.reserve(n, id_of(entities));
    first_.reserve(n);
  }

  /// The index of the first entity of `entities` with `id`.
  template <class T>
  [[nodiscard]] std::optional<std::size_t> find(const std::string& id, const std::vector<T>& entities) {
    for (const std::size_t guess : {last_, last_ + 1})
      if (guess < first_.size() && first_[guess] && entities[guess].id == id) return last_ = guess;
    const std::optional<std::uint32_t> found = ids_.find(id, id_of(entities));
    if (!found) return std::nullopt;
    return last_ = *found;
  }

  /// The number of distinct ids.
  [[nodiscard]] std::size_t size() const noexcept { return ids_.size(); }

  /// The distinct ids, in the order first added.
  template <class T>
  [[nodiscard]] std::vector<std::string_view> ids(const std::vector<T>& entities) const {
    std::vector<std::string_view> out;
    out.reserve(ids_.size());
    for (std::size_t i = 0; i < first_.size(); ++i)
      if (first_[i]) out.emplace_back(entities[i].id);
    return out;
  }

 private:
  template <class T>
  static auto id_of(const std::vector<T>& entities) noexcept {
    return [&entities](std::size_t i) -> std::string_view { return entities[i].id; };
  }

  id_map ids_;               // each distinct id to the first entity with it
  std::vector<bool> first_;  // whether entity i is the first with its id
  std::size_t last_ = 0;     // the entity found last
};

struct load_state {
  county result;
  source_map where;
  diagnostic_sink sink;
  /// Rows that could not be read, tables or columns missing: the cross-entity
  /// checks would only report what was not read.
  bool complete = true;

  id_index team_index;
  id_index member_index;
  /// Ids of team and member rows that could not be read: their child rows are
  /// left out quietly rather than reported as naming an unknown parent.
  std::unordered_set<std::string> unread_teams;
  std::unordered_set<std::string> unread_members;
  /// Whether teams.csv and members.csv were read with their id column: when
  /// not, a child row cannot tell a wrong parent id from an unread one.
  bool teams_read = false;
  bool members_read = false;

  /// A member's `team` column: the team of each service row that names none.
  std::vector<std::optional<std::string>> member_teams;
  /// Service rows naming each member, read or not; a member with none has no service.
  std::vector<std::size_t> service_rows;
  std::vector<bool> service_broken;

  /// Each table read, by its number in all_tables.
  std::array<table_info, std::size(all_tables)> tables;
  row_registry rows;
  /// A months.csv row's paid amounts, read before the row is known to be good.
  std::vector<std::pair<std::string_view, money>> paid_scratch;
};

// ---- one table -----------------------------------------------------------------------------

/// One CSV table being read: its header, which field of a row is which column,
/// and the reporting of problems at cells, with the line quoted.
class table {
 public:
  table(const table_spec& spec, const std::filesystem::path& folder, load_state& state)
      : spec_(spec), number_(table_number(spec)), path_(folder / spec.file), name_(display_name(path_)), state_(state) {}

  [[nodiscard]] const table_spec& spec() const noexcept { return spec_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] load_state& state() const noexcept { return state_; }
  [[nodiscard]] csv_reader& reader() noexcept { return *reader_; }

  /// Opens the file and reads its header; false when the table cannot be read
  /// (reported). The caller has checked that the file exists.
  bool open() {
    std::error_code size_ec;
    const std::uintmax_t size = std::filesystem::file_size(path_, size_ec);
    if (!size_ec && size > max_csv_table_bytes) return report_too_large(std::to_string(size) + " bytes");
    in_.open(path_, std::ios::binary);
    if (!in_) {
      const std::string why = std::generic_category().message(errno);
      state_.sink.error("io-error", {name_, 0, 0, {}}, "cannot read " + in_quotes(name_) + ": " + why);
      state_.complete = false;
      return false;
    }
    bytes_ = size_ec ? 0 : size;
    reader_ = std::make_unique<csv_reader>(in_);
    if (!read_header()) return false;
    state_.tables[table_number(spec_)] = {path_, name_, header_};
    return true;
  }

  /// Reports a table too large to read (`size` says how large); false.
  bool report_too_large(const std::string& size) {
    state_.sink.error("too-large", {name_, 0, 0, {}},
                      "the table is " + size + "; at most " + size_text(max_csv_table_bytes) + " is read from one table",
                      "split the county: evaluate its towns, or its years, one at a time");
    state_.complete = false;
    return false;
  }

  /// Where the current row starts, to read it again.
  [[nodiscard]] row_ref current_row() const noexcept {
    return {static_cast<std::uint32_t>(reader_->offset()), reader_->line(), number_};
  }

  /// The number of rows the table probably has, judged from the `rows` rows
  /// that start at byte `first` and end where the current row starts, with an
  /// eighth to spare: a reader reserves room for them all at once, as a vector
  /// grown by doubling would hold twice the rows at its last step. Room to
  /// spare costs address space, not memory: pages never written are never
  /// mapped.
  [[nodiscard]] std::size_t expected_rows(std::uint64_t first, std::size_t rows) const noexcept {
    const std::uint64_t read = reader_->offset() - first;
    if (rows == 0 || read == 0 || bytes_ <= first) return 0;
    const std::uint64_t all = (bytes_ - first) * rows / read;
    return static_cast<std::size_t>(all + all / 8 + 16);
  }

  /// Advances to the next row holding as many fields as the header; rows that
  /// cannot be read are reported and skipped, blank lines skipped quietly.
  bool next_row() {
    while (reader_->next()) {
      // A file that grew past the limit while it was read (its size was checked when opened).
      if (reader_->offset() >= max_csv_table_bytes) return report_too_large("over " + size_text(max_csv_table_bytes));
      csv_reader& csv = *reader_;
      if (csv.error()) {
        report_syntax_error();
        note_unread_row();
        continue;
      }
      const auto fields = csv.fields();
      if (fields.size() == 1 && csv.text().empty()) continue;  // a blank line
      if (fields.size() != header_.size()) {
        report_field_count();
        note_unread_row();
        continue;
      }
      return true;
    }
    return false;
  }

  /// The header position of column `name`, or -1 when the header lacks it.
  [[nodiscard]] int column_index(std::string_view name) const noexcept {
    // The readers name a column with the very literal the spec holds (a compiler
    // keeps one copy of equal literals): found by its address, not its letters.
    for (std::size_t k = 0; k < spec_.columns.size(); ++k)
      if (spec_.columns[k].name.data() == name.data() && spec_.columns[k].name.size() == name.size()) return columns_[k];
    for (std::size_t k = 0; k < spec_.columns.size(); ++k)
      if (spec_.columns[k].name == name) return columns_[k];
    return -1;
  }

  /// The `paid_ITEM` columns of months.csv: each item and its header position.
  [[nodiscard]] const std::vector<std::pair<std::string, int>>& paid_columns() const noexcept { return paid_; }

  /// Where field `index` of the current row is: `file:line:column-name`, with
  /// the code-point column for the caret.
  [[nodiscard]] source_location at(int index) {
    const csv_position p = reader_->position(static_cast<std::size_t>(index));
    return {name_, p.line, p.column, header_[static_cast<std::size_t>(index)]};
  }

  /// Where the byte `p` of field `index` of the current row is, when the
  /// field's value is a view into the line (it is unless it was unescaped).
  [[nodiscard]] source_location at(int index, const char* p) {
    source_location where = at(index);
    if (const auto exact = reader_->position_of(p)) {
      where.line = exact->line;
      where.column = exact->column;
    }
    return where;
  }

  /// Reports a problem at a position in this table, quoting its line when it
  /// is a line of the current record.
  void error(std::string code, source_location where, std::string message, std::string hint = {}) {
    const int line = where.line;
    state_.sink.error(std::move(code), std::move(where), std::move(message), std::move(hint));
    if (reader_ && line > 0) state_.sink.diagnostics().back().source_line = std::string(reader_->line_text(line));
  }

 private:
  bool read_header() {
    csv_reader& csv = *reader_;
    const std::string required = required_columns();
    if (!csv.next()) {
      if (csv.error()) {
        report_syntax_error();
      } else {
        error("missing-column", {name_, 0, 0, {}}, "the file is empty: expected a header row naming the columns",
              "the columns of " + std::string(spec_.file) + " are " + required);
        state_.complete = false;
      }
      return false;
    }
    if (csv.error()) {
      report_syntax_error();
      return false;
    }
    if (csv.fields().size() == 1 && csv.fields()[0].empty()) {
      error("missing-column", {name_, csv.line(), 1, {}},
            "an empty first line: expected a header row naming the columns",
            "the columns of " + std::string(spec_.file) + " are " + required);
      state_.complete = false;
      return false;
    }

    std::vector<std::string_view> known;
    for (const column_spec& c : spec_.columns) known.push_back(c.name);
    if (spec_.paid_columns) known.insert(known.end(), std::begin(common_paid_columns), std::end(common_paid_columns));

    columns_.assign(spec_.columns.size(), -1);
    for (const std::string_view cell : csv.fields()) header_.emplace_back(cell);
    for (std::size_t i = 0; i < header_.size(); ++i) {
      const std::string& column = header_[i];
      const int index = static_cast<int>(i);
      if (const auto first = std::find(header_.begin(), header_.begin() + index, column);
          first != header_.begin() + index) {
        error("duplicate-column", at(index), "duplicate column " + in_quotes(column) + " in " + std::string(spec_.file),
              "the first " + in_quotes(column) + " is column " + std::to_string(first - header_.begin() + 1) +
                  "; a column may appear once");
        continue;
      }
      const auto spec = std::find_if(spec_.columns.begin(), spec_.columns.end(),
                                     [&](const column_spec& c) { return c.name == column; });
      if (spec != spec_.columns.end()) {
        columns_[static_cast<std::size_t>(spec - spec_.columns.begin())] = index;
        continue;
      }
      if (spec_.paid_columns && column.starts_with(paid_prefix) && column.size() > paid_prefix.size()) {
        const std::string item = column.substr(paid_prefix.size());
        if (valid_id(item)) {
          paid_.emplace_back(item, index);
        } else {
          error("bad-value", at(index), "invalid paid item " + in_quotes(item) + " in column " + in_quotes(column),
                "a paid column is paid_ITEM, the item 1 to 64 letters, digits, '_', '-' or '.', as paid_living");
        }
        continue;
      }
      const std::string_view near = closest_column(column, known);
      std::string hint = !near.empty() ? "did you mean '" + std::string(near) + "'?"
                                       : std::string(spec_.file) + " has the columns " + all_columns();
      error("unknown-column", at(index), "unknown column " + in_quotes(column) + " in " + std::string(spec_.file),
            std::move(hint));
    }
    for (std::size_t k = 0; k < spec_.columns.size(); ++k) {
      if (columns_[k] >= 0 || spec_.columns[k].n == need::optional) continue;
      error("missing-column", {name_, csv.line(), 0, {}},
            "missing column " + in_quotes(spec_.columns[k].name) + " in " + std::string(spec_.file),
            "the required columns of " + std::string(spec_.file) + " are " + required);
      state_.complete = false;
    }
    return true;
  }

  /// "id, name, kind", and for months.csv its paid_ITEM columns.
  [[nodiscard]] std::string all_columns() const {
    std::vector<std::string_view> names;
    for (const column_spec& c : spec_.columns) names.push_back(c.name);
    std::string out = join(names);
    if (spec_.paid_columns) out += ", and paid_ITEM for each item paid, as paid_living";
    return out;
  }

  [[nodiscard]] std::string required_columns() const {
    std::vector<std::string_view> names;
    for (const column_spec& c : spec_.columns)
      if (c.n == need::required) names.push_back(c.name);
    return join(names);
  }

  void report_syntax_error() {
    const csv_error& e = *reader_->error();
    const bool io = e.kind == csv_error_kind::read_failed;
    // Named by its column once the header is known (`units.csv:2:name`).
    std::string field = e.field < header_.size() ? header_[e.field] : std::string();
    error(io ? "io-error" : "csv-syntax", {name_, e.line, e.column, std::move(field)}, e.message);
    state_.complete = false;
  }

  void report_field_count() {
    csv_reader& csv = *reader_;
    const std::size_t found = csv.fields().size();
    const std::size_t expected = header_.size();
    const std::string counts = "expected " + std::to_string(expected) + " fields, as the header has, found " +
                               std::to_string(found);
    if (found < expected) {
      // The caret goes at the end of the row, where the missing fields belong.
      const std::span<const std::string> missing(header_.begin() + static_cast<std::ptrdiff_t>(found), header_.end());
      const std::string_view text = csv.text();
      const csv_position end = csv.position_of(text.data() + text.size()).value_or(csv_position{csv.line(), 0});
      error("field-count", {name_, end.line, end.column, header_[found]},
            counts + ": no field for " + in_quotes_list(missing),
            "write an empty field for an absent value, as in a,,c");
    } else {
      const int first_extra = static_cast<int>(expected);
      const csv_position p = csv.position(static_cast<std::size_t>(first_extra));
      error("field-count", {name_, p.line, p.column, header_.back()},
            counts + ": " + std::to_string(found - expected) + " more after the last column " + in_quotes(header_.back()),
            "a value holding a comma is written in quotes, as in \"a,b\"");
    }
    state_.complete = false;
  }

  /// Remembers the id of a team or member row that could not be read, so that
  /// its child rows are not also reported as naming an unknown parent.
  void note_unread_row() {
    std::unordered_set<std::string>* ids = &spec_ == &teams_table     ? &state_.unread_teams
                                           : &spec_ == &members_table ? &state_.unread_members
                                                                      : nullptr;
    const int id = column_index("id");
    if (ids == nullptr || id < 0) return;
    const auto fields = reader_->fields();
    if (static_cast<std::size_t>(id) < fields.size()) ids->emplace(fields[static_cast<std::size_t>(id)]);
  }

  const table_spec& spec_;
  std::uint8_t number_;  // in all_tables
  std::uintmax_t bytes_ = 0;  // the file's size, 0 when unknown
  std::filesystem::path path_;
  std::string name_;
  load_state& state_;
  std::ifstream in_;
  std::unique_ptr<csv_reader> reader_;
  std::vector<std::string> header_;
  std::vector<int> columns_;  // header position of each spec column, -1 when absent
  std::vector<std::pair<std::string, int>> paid_;
};

// ---- the cells of one row ------------------------------------------------------------------

/// Reads the cells of one row through checked accessors, as the YAML loader
/// reads the keys of one entity: each reports a missing or bad value at its
/// cell and returns nothing on a problem.
/// `ok()` tells whether the row was read without any problem.
class row {
 public:
  explicit row(table& t) : table_(t) {}

  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] table& source() noexcept { return table_; }
  /// Where the row starts, to be found again by checks across tables.
  [[nodiscard]] row_ref ref() const noexcept { return table_.current_row(); }

  /// Reports a problem of this row.
  void fail(std::string code, source_location where, std::string message, std::string hint = {}) {
    ok_ = false;
    table_.error(std::move(code), std::move(where), std::move(message), std::move(hint));
  }

  /// Marks the row as not read, for a problem reported elsewhere.
  void set_failed() noexcept { ok_ = false; }

  /// Where the row starts, for a problem of the whole row.
  [[nodiscard]] source_location start() {
    return {table_.name(), table_.reader().line(), 1, {}};
  }

  /// Where the cell of `column` is, or nothing when the header lacks it.
  [[nodiscard]] std::optional<source_location> at(std::string_view column) {
    const int index = table_.column_index(column);
    if (index < 0) return std::nullopt;
    return table_.at(index);
  }

  /// True when the row has no value for `column`: the cell is empty or the
  /// header lacks the column.
  [[nodiscard]] bool empty(std::string_view column) const {
    const int index = table_.column_index(column);
    return index < 0 || table_.reader().fields()[static_cast<std::size_t>(index)].empty();
  }

  /// Text such as a name; an empty required cell is an error.
  std::optional<std::string> text(std::string_view column, need n) {
    auto found = cell(column, n);
    if (!found) return std::nullopt;
    if (found->text.size() > max_text_bytes) {
      fail("too-long", where(*found),
           in_quotes(column) + " in " + what() + " is " + std::to_string(found->text.size()) +
               " bytes long; a text is at most " + std::to_string(max_text_bytes) + " bytes",
           "shorten it");
      return std::nullopt;
    }
    return std::string(found->text);
  }

  /// The row's own id. A malformed id is reported but kept, so that the
  /// entity can still be named in later messages and found by references.
  std::optional<std::string> own_id(std::string_view column) {
    auto found = cell(column, need::required);
    if (!found) return std::nullopt;
    if (!valid_id(found->text)) report_bad_id(*found, "an id");
    return std::string(found->text);
  }

  /// A reference to another entity by id; a malformed one reads as absent.
  std::optional<std::string> reference(std::string_view column, need n, std::string_view noun) {
    auto found = cell(column, n);
    if (!found) return std::nullopt;
    if (!valid_id(found->text)) {
      report_bad_id(*found, with_article(noun) + " id");
      return std::nullopt;
    }
    return std::string(found->text);
  }

  /// A `;`-separated list of references (`U02;U03`); blanks around an
  /// element are allowed. Malformed elements are reported at their place in
  /// the cell and left out.
  std::vector<std::string> references(std::string_view column, need n, std::string_view noun) {
    std::vector<std::string> ids;
    auto found = cell(column, n);
    if (!found) return ids;
    // Room for them all at once: a meeting of a county's members lists millions.
    ids.reserve(static_cast<std::size_t>(std::count(found->text.begin(), found->text.end(), ';')) + 1);
    for_each_element(found->text, [&](std::string_view element) {
      if (element.empty()) {
        fail("bad-value", table_.at(found->index, element.data()),
             "expected " + with_article(noun) + " id between the ';' of " + in_quotes(found->text) + ", found nothing",
             "a list is written as ids separated by ';', as U02;U03");
      } else if (!valid_id(element)) {
        fail("bad-value", table_.at(found->index, element.data()),
             "expected " + with_article(noun) + " id, found " + in_quotes(element), std::string(id_hint));
      } else {
        ids.emplace_back(element);
      }
    });
    return ids;
  }

  /// An amount of money: at most 4 decimals, never negative, at most 100,000,000 yuan.
  std::optional<money> amount(std::string_view column, need n) {
    auto found = cell(column, n);
    if (!found) return std::nullopt;
    return parse_amount(*found);
  }

  /// An amount in the cell at `index` (a `paid_ITEM` column).
  std::optional<money> amount_at(int index) {
    const auto fields = table_.reader().fields();
    const std::string_view text = fields[static_cast<std::size_t>(index)];
    if (text.empty()) return std::nullopt;  // nothing recorded for this item
    return parse_amount({text, index});
  }

  /// A decimal number, at most 4 decimals.
  std::optional<decimal> number(std::string_view column, need n) {
    auto found = cell(column, n);
    if (!found) return std::nullopt;
    std::string why;
    std::optional<decimal> value = decimal::try_parse(found->text, &why);
    if (!value) fail("bad-value", where(*found), why);
    return value;
  }

  /// A distance in km: 0 < d ≤ 3000.
  std::optional<decimal> distance(std::string_view column, need n) {
    auto found = cell(column, n);
    if (!found) return std::nullopt;
    std::string why;
    const std::optional<decimal> value = decimal::try_parse(found->text, &why);
    if (!value) {
      fail("bad-value", where(*found), why, "a distance is written in km, as 86.5");
      return std::nullopt;
    }
    if (*value <= decimal{} || *value > decimal::from_int(3000)) {
      fail("out-of-range", where(*found),
           "expected a distance more than 0 and at most 3000 km, found " + in_quotes(found->text));
      return std::nullopt;
    }
    return value;
  }

  /// A date, `YYYY-MM-DD`.
  std::optional<date> day(std::string_view column, need n) {
    auto found = cell(column, n);
    if (!found) return std::nullopt;
    std::string why;
    std::optional<date> value = parse_date(found->text, &why);
    if (!value) fail("bad-value", where(*found), why);
    return value;
  }

  /// A month, `YYYY-MM`.
  std::optional<year_month> month(std::string_view column, need n) {
    auto found = cell(column, n);
    if (!found) return std::nullopt;
    std::string why;
    std::optional<year_month> value = parse_month(found->text, &why);
    if (!value) fail("bad-value", where(*found), why);
    return value;
  }

  /// A count: a whole number, 0 or more (at most 9 digits, so it fits an int).
  std::optional<int> count(std::string_view column, need n) {
    auto found = cell(column, n);
    if (!found) return std::nullopt;
    const std::optional<int> value = whole_number(found->text, 9);
    if (!value)
      fail("bad-value", where(*found), "expected a count (a non-negative integer), found " + in_quotes(found->text));
    return value;
  }

  /// A calendar year, 1900 to 9999 as dates allow.
  std::optional<int> year(std::string_view column, need n) {
    auto found = cell(column, n);
    if (!found) return std::nullopt;
    const std::optional<int> value = found->text.size() == 4 ? whole_number(found->text, 4) : std::nullopt;
    if (!value || *value < min_year || *value > max_year) {
      fail("bad-value", where(*found), "expected a year as YYYY from 1900 to 9999, found " + in_quotes(found->text));
      return std::nullopt;
    }
    return value;
  }

  /// One of the names of `E` (`county_department`); `noun` names the
  /// enumeration in messages ("unit kind").
  template <class E>
  std::optional<E> name(std::string_view column, need n, std::string_view noun) {
    auto found = cell(column, n);
    if (!found) return std::nullopt;
    const std::optional<E> value = parse_enum<E>(found->text);
    if (!value) {
      std::vector<std::string_view> names;
      for (const auto& entry : enum_names<E>()) names.push_back(entry.name);
      fail("unknown-name", where(*found), "unknown " + std::string(noun) + " " + in_quotes(found->text) + " in " + what(),
           suggestion(found->text, names, "expected one of"));
    }
    return value;
  }

 private:
  /// A cell with a value; where it is is worked out only for a message.
  struct found_cell {
    std::string_view text;
    int index;
  };

  [[nodiscard]] source_location where(const found_cell& found) { return table_.at(found.index); }

  /// "a unit", "the county": one row of the table, in messages.
  [[nodiscard]] std::string what() const {
    const std::string_view noun = table_.spec().what;
    return noun.starts_with("the ") ? std::string(noun) : with_article(noun);
  }

  /// The non-empty cell of `column`. An empty cell is
  /// an absent value: an error when required. A required column missing from
  /// the header was reported once, with the header; here it only fails the row.
  std::optional<found_cell> cell(std::string_view column, need n) {
    const int index = table_.column_index(column);
    if (index < 0) {
      if (n == need::required) ok_ = false;
      return std::nullopt;
    }
    const std::string_view text = table_.reader().fields()[static_cast<std::size_t>(index)];
    if (text.empty()) {
      if (n == need::required)
        fail("missing-key", table_.at(index),
             "missing value for " + in_quotes(column) + " in " + what() + ": the cell is empty");
      return std::nullopt;
    }
    return found_cell{text, index};
  }

  std::optional<money> parse_amount(const found_cell& found) {
    std::string why;
    const std::optional<money> value = money::try_parse(found.text, &why);
    if (!value) {
      fail("bad-value", where(found), why, std::string(amount_hint));
      return std::nullopt;
    }
    static constexpr std::int64_t ceiling_yuan = 100'000'000;
    if (*value < money{} || *value > money::yuan(ceiling_yuan)) {
      fail("out-of-range", where(found), "expected an amount from 0 to 100000000 yuan, found " + in_quotes(found.text));
      return std::nullopt;
    }
    return value;
  }

  void report_bad_id(const found_cell& found, const std::string& expected) {
    fail("bad-value", where(found), "expected " + expected + ", found " + in_quotes(found.text), std::string(id_hint));
  }

  table& table_;
  bool ok_ = true;
};

/// Copies `from` into `to` when it holds a value.
template <class T>
void take(std::optional<T>&& from, T& to) {
  if (from) to = std::move(*from);
}

// ---- reading the tables ----------------------------------------------------------------------

/// A table's reader that reserves no room ahead.
constexpr auto no_reservation = [](std::size_t) {};

/// Rows read before the number of a table's rows is judged from their length.
constexpr std::size_t rows_for_estimate = 1000;

/// Reads the rows of one table with `read(row&)`; an absent table reads as
/// empty (its absence, when required, was reported with the folder). Once the
/// first rows are read, `expect(n)` is told how many rows the table probably
/// has, so that the vectors of a big table are allocated once.
template <class Read, class Expect = decltype(no_reservation)>
void read_table(const table_spec& spec, const std::filesystem::path& folder, const std::set<std::string>& present,
                load_state& state, Read read, Expect expect = no_reservation) {
  if (!present.contains(std::string(spec.file))) return;
  table t(spec, folder, state);
  if (!t.open()) return;
  if (&spec == &teams_table) state.teams_read = t.column_index("id") >= 0;
  if (&spec == &members_table) state.members_read = t.column_index("id") >= 0;
  std::size_t rows = 0;
  std::uint64_t first = 0;
  while (t.next_row()) {
    if (rows == 0) first = t.current_row().offset;
    if (rows == rows_for_estimate) expect(t.expected_rows(first, rows));
    ++rows;
    row r(t);
    read(r);
  }
}

/// Finds the parent a child row names in `parent_column` ("team" of kit.csv):
/// its index, or nothing. An unknown parent is reported at the cell; a parent
/// whose row, or whole table, could not be read fails the row quietly, its
/// problem being reported already.
template <class T>
std::optional<std::size_t> find_parent(row& r, std::string_view parent_column, std::string_view noun,
                                       id_index& index, const std::vector<T>& parents,
                                       const std::unordered_set<std::string>& unread, bool parents_read,
                                       std::string_view parent_file) {
  const std::optional<std::string> id = r.reference(parent_column, need::required, noun);
  if (!id) return std::nullopt;
  if (const std::optional<std::size_t> found = index.find(*id, parents)) return found;
  if (!parents_read || unread.contains(*id)) {
    r.set_failed();
    return std::nullopt;
  }
  // A hint compares the id with every parent's: affordable for a county's
  // hundreds of teams and members, not for an export that lists millions.
  constexpr std::size_t most_ids_for_a_hint = 5000;
  std::string_view near;
  if (index.size() <= most_ids_for_a_hint) {
    std::vector<std::string_view> ids = index.ids(parents);
    std::sort(ids.begin(), ids.end());  // a stable hint whatever the hash order
    near = closest_match(*id, ids);
  }
  r.fail("unknown-reference", *r.at(parent_column),
         "unknown " + std::string(noun) + " " + in_quotes(*id) + ": no row of " + std::string(parent_file) + " has this id",
         near.empty() ? std::string() : "did you mean '" + std::string(near) + "'?");
  return std::nullopt;
}

void read_county_row(row& r, load_state& s, bool& seen) {
  if (seen) {
    r.fail("row-count", r.at("id").value_or(r.start()),
           "a second county row: county.csv holds exactly one row, the county");
    return;
  }
  seen = true;
  take(r.own_id("id"), s.result.id);
  take(r.text("name", need::required), s.result.name);
  take(r.text("province", need::optional), s.result.province);
  s.rows.county = r.ref();
}

void read_unit_row(row& r, load_state& s) {
  sponsor_unit u;
  take(r.own_id("id"), u.id);
  take(r.text("name", need::required), u.name);
  take(r.name<unit_kind>("kind", need::required, "unit kind"), u.kind);
  s.rows.units.push_back(r.ref());
  s.result.units.push_back(std::move(u));
}

void read_team_row(row& r, load_state& s) {
  team t;
  take(r.own_id("id"), t.id);
  take(r.text("village", need::required), t.village);
  take(r.text("town", need::required), t.town);
  take(r.reference("lead_unit", need::required, "unit"), t.lead_unit);
  t.sponsor_units = r.references("sponsor_units", need::optional, "unit");
  take(r.distance("distance_km", need::required), t.distance_km);
  // A duplicate id is validate's to report; child rows join the first team.
  s.team_index.add(t.id, s.result.teams.size(), s.result.teams);
  s.rows.teams.push_back(r.ref());
  s.result.teams.push_back(std::move(t));
}

void read_kit_row(row& r, load_state& s) {
  const auto t = find_parent(r, "team", "team", s.team_index, s.result.teams, s.unread_teams, s.teams_read, teams_table.file);
  kit_holding k;
  take(r.reference("item", need::required, "kit item"), k.item);
  take(r.day("since", need::required), k.since);
  k.until = r.day("until", need::optional);
  if (!t || !r.ok()) return;
  s.rows.kit.add(*t, r.ref());
  s.result.teams[*t].kit.push_back(std::move(k));
}

void read_funds_row(row& r, load_state& s) {
  const auto t = find_parent(r, "team", "team", s.team_index, s.result.teams, s.unread_teams, s.teams_read, teams_table.file);
  funds_receipt f;
  take(r.day("date", need::required), f.on);
  take(r.amount("amount", need::required), f.amount);
  take(r.reference("from", need::optional, "unit"), f.from_unit);
  if (!t || !r.ok()) return;
  s.rows.funds_received.add(*t, r.ref());
  s.result.teams[*t].funds_received.push_back(std::move(f));
}

void read_member_row(row& r, load_state& s) {
  member m;
  take(r.own_id("id"), m.id);
  take(r.text("name", need::required), m.name);
  take(r.name<member_role>("role", need::required, "role"), m.role);
  take(r.reference("unit", need::required, "unit"), m.unit);
  s.member_teams.push_back(r.reference("team", need::optional, "team"));
  s.member_index.add(m.id, s.result.members.size(), s.result.members);  // as for teams
  s.rows.members.push_back(r.ref());
  s.result.members.push_back(std::move(m));
  s.service_rows.push_back(0);
  s.service_broken.push_back(false);
}

void read_service_row(row& r, load_state& s) {
  const auto m = find_parent(r, "member", "member", s.member_index, s.result.members, s.unread_members, s.members_read,
                             members_table.file);
  if (m) ++s.service_rows[*m];
  service_interval interval;
  const bool team_given = !r.empty("team");
  if (auto own = r.reference("team", need::optional, "team")) {
    interval.team = std::move(*own);
  } else if (!team_given && m && s.member_teams[*m]) {
    interval.team = *s.member_teams[*m];  // checks on it point at the member's team (position_finder)
  } else if (!team_given && m) {
    const std::optional<source_location> cell = r.at("team");
    r.fail("missing-key", cell ? *cell : *r.at("member"),
           "missing team for a service interval: " +
               std::string(cell ? "the cell is empty" : "service.csv has no team column") + " and member " +
               in_quotes(s.result.members[*m].id) + " has no team in members.csv",
           "give the interval a team in service.csv, or give the member one in the team column of members.csv");
  }
  take(r.day("from", need::required), interval.from);
  interval.to = r.day("to", need::optional);
  if (!m) return;
  // A member's service decides which month records are valid; a partly read
  // service would make correct records look wrong, so one broken interval
  // drops them all (its problem is reported; nothing loads anyway).
  if (!r.ok() || s.service_broken[*m]) {
    s.service_broken[*m] = true;
    s.result.members[*m].service.clear();
    s.rows.service.drop(*m);
    return;
  }
  s.rows.service.add(*m, r.ref());
  s.result.members[*m].service.push_back(std::move(interval));
}

/// Reports each member that no row of service.csv names: a member serves at
/// least one interval.
void check_every_member_serves(load_state& s) {
  for (std::size_t i = 0; i < s.result.members.size(); ++i) {
    if (s.service_rows[i] > 0) continue;
    source_location where = s.where.find(indexed("members", i) + ".id");
    const std::string id = s.result.members[i].id;
    s.sink.error("missing-key", std::move(where), "member " + in_quotes(id) + " has no service interval",
                 "a member serves at least one interval: add a row to service.csv, as " + id + ",T01,2019-01-01,");
  }
}

void read_insurance_row(row& r, load_state& s) {
  const auto m = find_parent(r, "member", "member", s.member_index, s.result.members, s.unread_members, s.members_read,
                             members_table.file);
  insurance_policy p;
  take(r.amount("cover", need::required), p.cover);
  take(r.day("from", need::required), p.from);
  take(r.day("to", need::required), p.to);
  take(r.text("insurer", need::optional), p.insurer);
  if (!m || !r.ok()) return;
  s.rows.insurance.add(*m, r.ref());
  s.result.members[*m].insurance.push_back(std::move(p));
}

void read_health_check_row(row& r, load_state& s) {
  const auto m = find_parent(r, "member", "member", s.member_index, s.result.members, s.unread_members, s.members_read,
                             members_table.file);
  health_check h;
  take(r.day("date", need::required), h.on);
  take(r.amount("cost", need::required), h.cost);
  if (!m || !r.ok()) return;
  s.rows.health_checks.add(*m, r.ref());
  s.result.members[*m].health_checks.push_back(std::move(h));
}

void read_assessment_row(row& r, load_state& s) {
  const auto m = find_parent(r, "member", "member", s.member_index, s.result.members, s.unread_members, s.members_read,
                             members_table.file);
  assessment a;
  take(r.year("year", need::required), a.year);
  take(r.number("score", need::required), a.score);
  take(r.name<grade>("grade", need::required, "grade"), a.proposed);
  if (!m || !r.ok()) return;
  s.rows.assessments.add(*m, r.ref());
  s.result.members[*m].assessments.push_back(std::move(a));
}

void read_month_row(row& r, load_state& s) {
  std::string member;
  year_month month;
  int days = 0, trips = 0, away = 0;
  take(r.reference("member", need::required, "member"), member);
  take(r.month("month", need::required), month);
  take(r.count("days_in_village", need::required), days);
  take(r.count("round_trips", need::required), trips);
  take(r.count("days_away_on_duty", need::optional), away);
  // The amounts are read before the record is added, which happens only when the row is good.
  auto& paid = s.paid_scratch;
  paid.clear();
  for (const auto& [item, index] : r.source().paid_columns())
    if (auto amount = r.amount_at(index)) paid.emplace_back(item, *amount);
  if (!r.ok()) return;
  s.rows.months.push_back(r.ref());
  s.result.months.add(member, month, days, trips, away);
  for (const auto& [item, amount] : paid) s.result.months.add_paid(item, amount);
}

void read_visit_row(row& r, load_state& s) {
  visit v;
  take(r.day("date", need::required), v.on);
  take(r.name<visitor_role>("visitor", need::required, "visitor"), v.visitor);
  take(r.reference("unit", need::optional, "unit"), v.unit);
  take(r.reference("team", need::required, "team"), v.team);
  if (!r.ok()) return;
  s.rows.visits.push_back(r.ref());
  s.result.visits.push_back(std::move(v));
}

void read_meeting_row(row& r, load_state& s) {
  meeting m;
  take(r.day("date", need::required), m.on);
  take(r.name<meeting_kind>("kind", need::required, "meeting kind"), m.kind);
  m.attendees = r.references("attendees", need::required, "member");
  if (!r.ok()) return;
  s.rows.meetings.push_back(r.ref());
  s.result.meetings.push_back(std::move(m));
}

void read_condolence_row(row& r, load_state& s) {
  condolence c;
  take(r.day("date", need::required), c.on);
  take(r.reference("member", need::required, "member"), c.member);
  take(r.name<condolence_reason>("reason", need::required, "reason"), c.reason);
  take(r.amount("amount", need::required), c.amount);
  take(r.reference("paid_by", need::optional, "unit"), c.paid_by);
  if (!r.ok()) return;
  s.rows.condolences.push_back(r.ref());
  s.result.condolences.push_back(std::move(c));
}

// ---- finding a field again -------------------------------------------------------------------

/// A source-map key taken apart: `section[index].child[child_index].field[element]`,
/// or `months[index].paid.ITEM`; the parts after the section are optional.
struct key_parts {
  std::string_view section;
  std::optional<std::size_t> index;
  std::string_view child;
  std::size_t child_index = 0;
  std::string_view field;
  std::optional<std::size_t> element;
  std::string_view item;
};

/// The lists of child rows each section's entities have.
bool is_child_list(std::string_view section, std::string_view name) {
  if (section == "teams") return name == "kit" || name == "funds_received";
  if (section == "members")
    return name == "service" || name == "insurance" || name == "health_checks" || name == "assessments";
  return false;
}

std::optional<key_parts> parse_key(std::string_view key) {
  const auto name = [&] {
    const std::size_t n = std::min(key.find_first_of(".["), key.size());
    const std::string_view out = key.substr(0, n);
    key.remove_prefix(n);
    return out;
  };
  bool ok = true;
  const auto index = [&]() -> std::optional<std::size_t> {
    if (!key.starts_with('[')) return std::nullopt;
    const std::size_t close = key.find(']');
    std::size_t value = 0;
    if (close == std::string_view::npos || close == 1 || close > 10) ok = false;
    for (std::size_t k = 1; ok && k < close; ++k) {
      if (key[k] < '0' || key[k] > '9') ok = false;
      value = value * 10 + static_cast<std::size_t>(key[k] - '0');
    }
    key.remove_prefix(ok ? close + 1 : key.size());
    return value;
  };
  const auto dot = [&] {
    if (!key.starts_with('.')) return false;
    key.remove_prefix(1);
    return true;
  };

  key_parts parts;
  parts.section = name();
  parts.index = index();
  if (key.empty() || !ok) return ok ? std::optional(parts) : std::nullopt;
  if (!dot()) return std::nullopt;
  const std::string_view first = name();
  const std::optional<std::size_t> first_index = index();
  if (parts.section == "months" && first == "paid" && !first_index && dot()) {
    parts.item = key;  // an item may hold '.'
    return parts;
  }
  if (first_index && is_child_list(parts.section, first)) {
    parts.child = first;
    parts.child_index = *first_index;
    if (key.empty()) return ok ? std::optional(parts) : std::nullopt;
    if (!dot()) return std::nullopt;
    parts.field = name();
    parts.element = index();
  } else {
    parts.field = first;
    parts.element = first_index;
  }
  if (!ok || !key.empty()) return std::nullopt;
  return parts;
}

/// Finds where a field of the loaded county was, by reading its row again:
/// the resolver of the CSV loader's source map. Keeps the last row read, as a
/// check often asks for several fields of one row.
class position_finder {
 public:
  explicit position_finder(const load_state& s) : s_(s) {}

  std::optional<source_location> find(std::string_view key) {
    const std::optional<key_parts> parts = parse_key(key);
    if (!parts) return std::nullopt;
    const std::optional<row_ref> ref = row_of(*parts);
    if (!ref) return std::nullopt;

    // A service interval without a team of its own has the member's.
    if (parts->child == "service" && parts->field == "team") {
      const std::optional<std::size_t> team = column(*ref, "team");
      const csv_reader* rec = read(*ref);
      if (rec != nullptr && (!team || rec->fields()[*team].empty()))
        return field_at(s_.rows.members[*parts->index], "team", std::nullopt);
    }
    if (!parts->item.empty())
      return field_at(*ref, std::string(paid_prefix) + std::string(parts->item), std::nullopt);
    if (parts->field.empty()) return field_at(*ref, all_tables[ref->table]->anchor, std::nullopt);
    return field_at(*ref, parts->field, parts->element);
  }

 private:
  /// The row of the entity a key names.
  [[nodiscard]] std::optional<row_ref> row_of(const key_parts& k) const {
    const row_registry& r = s_.rows;
    if (k.section == "county") return k.index ? std::nullopt : r.county;
    if (!k.index) return std::nullopt;
    const std::size_t i = *k.index;
    const auto pick = [](const row_list& rows, std::size_t at) -> std::optional<row_ref> {
      if (at >= rows.size()) return std::nullopt;
      return rows[at];
    };
    if (!k.child.empty()) {
      const child_rows& rows = k.child == "kit"              ? r.kit
                               : k.child == "funds_received" ? r.funds_received
                               : k.child == "service"        ? r.service
                               : k.child == "insurance"      ? r.insurance
                               : k.child == "health_checks"  ? r.health_checks
                                                             : r.assessments;
      return rows.find(i, k.child_index);
    }
    if (k.section == "units") return pick(r.units, i);
    if (k.section == "teams") return pick(r.teams, i);
    if (k.section == "members") return pick(r.members, i);
    if (k.section == "months") return pick(r.months, i);
    if (k.section == "visits") return pick(r.visits, i);
    if (k.section == "meetings") return pick(r.meetings, i);
    if (k.section == "condolences") return pick(r.condolences, i);
    return std::nullopt;
  }

  /// The header position of `name` in the table of `ref`.
  [[nodiscard]] std::optional<std::size_t> column(const row_ref& ref, std::string_view name) const {
    const std::vector<std::string>& header = s_.tables[ref.table].header;
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) return std::nullopt;
    return static_cast<std::size_t>(it - header.begin());
  }

  /// Where the cell of column `name` is in the row, or its `element`th
  /// well-formed list element, as `row::references` kept it.
  std::optional<source_location> field_at(const row_ref& ref, std::string_view name,
                                          std::optional<std::size_t> element) {
    const std::optional<std::size_t> index = column(ref, name);
    csv_reader* rec = read(ref);
    if (!index || rec == nullptr || *index >= rec->fields().size()) return std::nullopt;
    const table_info& t = s_.tables[ref.table];
    const csv_position at = rec->position(*index);
    source_location where{t.name, at.line, at.column, t.header[*index]};
    if (!element) return where;
    std::optional<csv_position> found;
    std::size_t seen = 0;
    for_each_element(rec->fields()[*index], [&](std::string_view e) {
      if (found || e.empty() || !valid_id(e)) return;
      if (seen++ == *element) found = rec->position_of(e.data());
    });
    if (!found) return std::nullopt;
    where.line = found->line;
    where.column = found->column;
    return where;
  }

  /// Reads the row at `ref` again (or keeps the one read last).
  csv_reader* read(const row_ref& ref) {
    if (open_table_ == ref.table && reader_ && read_offset_ == ref.offset) return reader_.get();
    if (open_table_ != ref.table) {
      in_.close();
      in_.clear();
      in_.open(s_.tables[ref.table].path, std::ios::binary);
      open_table_ = ref.table;
    }
    reader_.reset();
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(ref.offset));
    if (!in_) return nullptr;
    reader_ = std::make_unique<csv_reader>(
        in_, csv_options{.block_bytes = 4096, .first_line = ref.line, .skip_bom = false});
    if (!reader_->next() || reader_->error()) {
      reader_.reset();
      return nullptr;
    }
    read_offset_ = ref.offset;
    return reader_.get();
  }

  const load_state& s_;
  std::ifstream in_;
  std::optional<std::uint8_t> open_table_;
  std::unique_ptr<csv_reader> reader_;
  std::uint64_t read_offset_ = 0;
};

// ---- the folder ------------------------------------------------------------------------------

/// Lists the `*.csv` files of `folder` (hidden files skipped) and reports the
/// unknown ones and the missing required ones. Returns the known tables found,
/// or nothing when the folder cannot be listed.
std::optional<std::set<std::string>> scan_folder(const std::filesystem::path& folder, load_state& s) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    std::string name = p.filename().string();
    std::error_code type_ec;
    if (name.starts_with(".") || p.extension() != ".csv" || !it->is_regular_file(type_ec)) continue;
    names.push_back(std::move(name));
  }
  if (ec) {
    s.sink.error("io-error", {display_name(folder), 0, 0, {}}, "cannot list the folder: " + ec.message());
    return std::nullopt;
  }
  std::sort(names.begin(), names.end());

  std::vector<std::string_view> known;
  for (const table_spec* t : all_tables) known.push_back(t->file);
  std::set<std::string> present;
  for (std::string& name : names) {
    if (std::find(known.begin(), known.end(), name) != known.end()) {
      present.insert(std::move(name));
      continue;
    }
    s.sink.error("unknown-table", {display_name(folder / name), 0, 0, {}},
                 "unknown table " + in_quotes(name) + " in a CSV county", suggestion(name, known, "the tables are"));
  }
  for (const table_spec* t : all_tables) {
    if (t->presence == need::optional || present.contains(std::string(t->file))) continue;
    const std::string rows = t == &county_table ? "one row, the county" : "one row per " + std::string(t->what);
    s.sink.error("missing-table", {display_name(folder / t->file), 0, 0, {}},
                 "missing table " + in_quotes(t->file) + ": expected a file with " + rows,
                 "the required tables are county.csv, units.csv, teams.csv, members.csv and service.csv");
    s.complete = false;
  }
  return present;
}

/// Quotes the lines of diagnostics that the cross-entity checks added at
/// positions in the CSV files, reading each file again, line by line, up to
/// the last line needed, rather than keeping every file's text in memory.
void quote_lines(load_state& s, std::size_t first) {
  std::map<std::string, std::set<int>, std::less<>> wanted;
  auto& ds = s.sink.diagnostics();
  for (std::size_t i = first; i < ds.size(); ++i)
    if (ds[i].where.line > 0 && ds[i].source_line.empty()) wanted[ds[i].where.file].insert(ds[i].where.line);
  for (const auto& [name, lines] : wanted) {
    const std::string& file = name;  // clang 14 cannot capture a structured binding
    const auto table = std::find_if(s.tables.begin(), s.tables.end(), [&](const table_info& t) {
      return !t.header.empty() && t.name == file;
    });
    if (table == s.tables.end()) continue;
    std::ifstream in(table->path, std::ios::binary);
    std::map<int, std::string> text;
    std::string line;
    for (int n = 1; n <= *lines.rbegin() && std::getline(in, line); ++n) {
      if (!lines.contains(n)) continue;
      if (n == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      text.emplace(n, line);
    }
    for (std::size_t i = first; i < ds.size(); ++i)
      if (ds[i].where.file == name && ds[i].source_line.empty())
        if (const auto it = text.find(ds[i].where.line); it != text.end()) ds[i].source_line = it->second;
  }
}

/// The rank of a diagnostic's file in reading order; folder-level problems
/// (an unknown table) come first.
int file_rank(const diagnostic& d) {
  const std::string_view file = d.where.file;
  for (std::size_t k = 0; k < std::size(all_tables); ++k) {
    const std::string_view name = all_tables[k]->file;
    if (file.ends_with(name) && (file.size() == name.size() || file[file.size() - name.size() - 1] == '/'))
      return static_cast<int>(k);
  }
  return -1;
}

}  // namespace
}  // namespace rulebook::detail

namespace rulebook {

county_load_result load_county_csv(const std::filesystem::path& folder) {
  using namespace detail;
  load_state s;
  position_finder finder(s);
  s.where.set_resolver([&finder](std::string_view key) { return finder.find(key); });
  const std::optional<std::set<std::string>> present = scan_folder(folder, s);
  if (!present) return {std::nullopt, std::move(s.sink.diagnostics())};

  // months.csv, most of a county's bytes, names members only by id (checked
  // with the rest afterwards): it is read beside the other tables, on a thread
  // of its own with a state of its own, and joined in before the checks.
  load_state months;
  std::exception_ptr months_failed;
  const auto read_months = [&] {
    try {
      read_table(
          months_table, folder, *present, months, [&](row& r) { read_month_row(r, months); },
          [&](std::size_t n) {
            // Paid amounts as many per record as in the records read so far.
            const std::size_t read = months.result.months.size();
            months.result.months.reserve(n, read == 0 ? 0 : (n * months.result.months.paid_size() + read - 1) / read);
            months.rows.months.reserve(n);
          });
    } catch (...) {
      months_failed = std::current_exception();
    }
  };
  std::jthread beside;
  try {
    if (std::thread::hardware_concurrency() > 1) beside = std::jthread(read_months);
  } catch (const std::system_error&) {  // no thread to be had
  }
  if (!beside.joinable()) read_months();  // one core, or no thread: read it first, here

  bool county_seen = false;
  read_table(county_table, folder, *present, s, [&](row& r) { read_county_row(r, s, county_seen); });
  if (!county_seen && present->contains("county.csv") && s.complete)
    s.sink.error("row-count", {display_name(folder / county_table.file), 0, 0, {}},
                 "county.csv has no row: expected exactly one row, the county");
  // The vectors of a big table are allocated once, from the first rows' length.
  read_table(
      units_table, folder, *present, s, [&](row& r) { read_unit_row(r, s); },
      [&](std::size_t n) {
        s.result.units.reserve(n);
        s.rows.units.reserve(n);
      });
  read_table(
      teams_table, folder, *present, s, [&](row& r) { read_team_row(r, s); },
      [&](std::size_t n) {
        s.result.teams.reserve(n);
        s.rows.teams.reserve(n);
      });
  read_table(kit_table, folder, *present, s, [&](row& r) { read_kit_row(r, s); });
  read_table(funds_table, folder, *present, s, [&](row& r) { read_funds_row(r, s); });
  read_table(
      members_table, folder, *present, s, [&](row& r) { read_member_row(r, s); },
      [&](std::size_t n) {
        s.result.members.reserve(n);
        s.rows.members.reserve(n);
        s.member_teams.reserve(n);
        s.service_rows.reserve(n);
        s.service_broken.reserve(n);
        s.member_index.reserve(n, s.result.members);
      });
  const bool service_readable = s.complete;
  read_table(service_table, folder, *present, s, [&](row& r) { read_service_row(r, s); });
  if (service_readable && s.complete) check_every_member_serves(s);
  read_table(insurance_table, folder, *present, s, [&](row& r) { read_insurance_row(r, s); });
  read_table(health_checks_table, folder, *present, s, [&](row& r) { read_health_check_row(r, s); });
  read_table(assessments_table, folder, *present, s, [&](row& r) { read_assessment_row(r, s); });
  read_table(
      visits_table, folder, *present, s, [&](row& r) { read_visit_row(r, s); },
      [&](std::size_t n) {
        s.result.visits.reserve(n);
        s.rows.visits.reserve(n);
      });
  read_table(meetings_table, folder, *present, s, [&](row& r) { read_meeting_row(r, s); });
  read_table(condolences_table, folder, *present, s, [&](row& r) { read_condolence_row(r, s); });
  // While months.csv is still being read (most of a county's bytes): the checks
  // across entities that do not need its records, into a sink of their own,
  // kept only if every table could be read.
  diagnostic_sink checked;
  std::optional<staged_validation> validation;
  if (s.complete) {
    validation.emplace(s.result, s.where, checked);
    validation->check_all_but_months();
  }
  if (beside.joinable()) beside.join();
  if (months_failed) std::rethrow_exception(months_failed);
  s.result.months = std::move(months.result.months);
  s.result.months.release_lookup();  // the county's records are only read from now on
  s.rows.months = std::move(months.rows.months);
  s.tables[table_number(months_table)] = std::move(months.tables[table_number(months_table)]);
  s.complete = s.complete && months.complete;
  for (diagnostic& d : months.sink.diagnostics()) s.sink.diagnostics().push_back(std::move(d));

  // Each file's problems top to bottom, left to right, files in reading order.
  auto& ds = s.sink.diagnostics();
  std::stable_sort(ds.begin(), ds.end(), [](const diagnostic& a, const diagnostic& b) {
    return std::tuple(file_rank(a), a.where.line, a.where.column) <
           std::tuple(file_rank(b), b.where.line, b.where.column);
  });

  // Checks across entities need every entity that exists: after a row or a
  // table that could not be read they would only repeat that things are missing.
  if (s.complete) {
    const std::size_t first = ds.size();
    validation->check_months();
    for (diagnostic& d : checked.diagnostics()) ds.push_back(std::move(d));
    quote_lines(s, first);
  }

  county_load_result result;
  if (!s.sink.has_errors()) result.value = std::move(s.result);
  result.diagnostics = std::move(s.sink.diagnostics());
  return result;
}

}  // namespace rulebook
