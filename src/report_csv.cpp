// Results as CSV: one file per result kind, a header row, RFC 4180 quoting,
// money as decimal strings. Rows end in "\n", as rulebook's own CSV input does.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstddef>
#include <cstring>
#include <functional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "report.hpp"
#include "rulebook/detail/id_table.hpp"

namespace rulebook::report {

namespace {

/// True for text that a spreadsheet reads as a number: [-]digits[.digits], as the writers print numbers.
bool plain_number(std::string_view n) {
  if (n.starts_with('-')) n.remove_prefix(1);
  const std::size_t point = n.find('.');
  const auto digits = [](std::string_view d) {
    return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(n.substr(0, point)) && (point == std::string_view::npos || digits(n.substr(point + 1)));
}

/// The bytes that make a field quoted wherever they are.
constexpr std::array<bool, 256> quoted_anywhere = [] {
  std::array<bool, 256> t{};
  for (const unsigned char c : std::string_view(",\"\r\n")) t[c] = true;
  return t;
}();

}  // namespace

void append_csv_field(std::string& out, std::string_view s) {
  // A spreadsheet runs a cell that starts with =, +, -, @ (or a tab or CR
  // before one) as a formula: text a county typed, such as a name "=HYPERLINK(…)",
  // is written after a ' so that it opens as the text it is (OWASP, "CSV
  // injection"). Numbers — money, counts, "-12.50" — stay numbers.
  bool special = false;  // one pass over the bytes: most fields (ids, dates, amounts) need nothing
  for (const char c : s) special |= quoted_anywhere[static_cast<unsigned char>(c)];
  const bool formula = !s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos &&
                       !plain_number(s);
  const bool quote = formula || special ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' ' || s.front() == '\t' || s.back() == '\t'));
  if (!quote) {
    out += s;
    return;
  }
  out += formula ? "\"'" : "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string csv_field(std::string_view s) {
  std::string out;
  append_csv_field(out, s);
  return out;
}

namespace {

void append_csv_row(std::string& out, std::span<const std::string_view> fields) {
  bool first = true;
  for (const std::string_view f : fields) {
    if (!first) out += ',';
    first = false;
    append_csv_field(out, f);
  }
  out += '\n';
}

void append_csv_row(std::string& out, std::initializer_list<std::string_view> fields) {
  append_csv_row(out, std::span(fields.begin(), fields.size()));
}

constexpr std::string_view entitlement_header[] = {"rule", "item", "subject", "subject_id", "team",
                                                   "unit", "from", "to", "amount", "paid"};
// The row of all items has an empty `item`, as an absent value is written.
constexpr std::string_view rollup_header[] = {"subject",   "id",           "item",       "owed",       "paid",
                                              "shortfall", "entitlements", "unrecorded", "violations", "advisories"};

/// A date as YYYY-MM-DD (years 1400–9999, as Boost.Date_Time's are), without a temporary string.
void append_date(std::string& out, date d) {
  if (d.is_special()) {
    out += to_string(d);
    return;
  }
  const auto ymd = d.year_month_day();
  const unsigned y = ymd.year, m = ymd.month, day = ymd.day;
  const char text[10] = {static_cast<char>('0' + y / 1000), static_cast<char>('0' + y / 100 % 10),
                         static_cast<char>('0' + y / 10 % 10), static_cast<char>('0' + y % 10), '-',
                         static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10), '-',
                         static_cast<char>('0' + day / 10), static_cast<char>('0' + day % 10)};
  out.append(text, sizeof text);
}

/// A text that repeats from row to row, kept with a copy padded to `piece`
/// bytes when it fits, so that it is copied with one fixed-size move.
struct repeated {
  static constexpr std::size_t piece = 64;
  std::string text;
  std::array<char, piece> padded{};

  template <class Make>
  void set(Make make) {
    text.clear();
    make(text);
    padded.fill('\0');
    if (fits()) std::copy(text.begin(), text.end(), padded.begin());
  }
  [[nodiscard]] bool fits() const noexcept { return text.size() <= piece; }
  /// Writes the padded copy at `p` (room for `piece` bytes); returns the end of the text.
  char* copy_to(char* p) const noexcept {
    std::memcpy(p, padded.data(), piece);
    return p + text.size();
  }
};

/// Appends a row: two repeated parts, then what `tail(p)` writes at `p` (and
/// returns the end of), put together in a buffer of `Room` bytes and appended
/// in one go; parts longer than `repeated::piece` are appended piece by piece.
template <std::size_t Room, class Tail>
void append_row(std::string& out, const repeated& first, const repeated& second, Tail tail) {
  std::array<char, Room> row;
  if (!first.fits() || !second.fits()) [[unlikely]] {
    out += first.text;
    out += second.text;
    out.append(row.data(), tail(row.data()));
    return;
  }
  char* p = row.data();
  p = first.copy_to(p);
  p = second.copy_to(p);
  p = tail(p);
  out.append(row.data(), static_cast<std::size_t>(p - row.data()));
}

/// An amount at `p` (room for `max_raw_text`) as `append_money_text` writes it:
/// `scale` places (0 to 4, checked by the caller), or as many as it holds when more.
char* money_to(char* p, std::int64_t raw, int scale) noexcept {
  const int held = detail::places_needed(raw);
  return detail::format_raw_to(p, raw, held > scale ? held : scale);
}

/// Entitlement rows (110 M of them for 3 M members), rendered remembering what
/// repeats from row to row: the rule, item and subject kind (a handful, in turn),
/// the subject, team and unit (the same over a member's rows) and the dates (the
/// period's months). The ids and names go through `append_csv_field` once each
/// time they change; the subject kind, dates and amounts never need quoting.
/// A row is put together in a buffer of its own and appended in one go, its
/// repeated parts copied a fixed 64 bytes at a time (most are 20 to 40 bytes):
/// appended piece by piece, the pieces' copies and checks of room took a
/// quarter of the writing.
class entitlement_rows {
 public:
  explicit entitlement_rows(int money_scale) : scale_(money_scale) {}

  void append(std::string& out, const entitlement& e) {
    if (scale_ < 0 || scale_ > 4) [[unlikely]] detail::throw_bad_scale(scale_);
    const head& h = head_of(e);
    if (!detail::same_id(e.subject_id, subject_id_) || !detail::same_id(e.team, team_) ||
        !detail::same_id(e.unit, unit_)) {
      subject_id_ = e.subject_id;
      team_ = e.team;
      unit_ = e.unit;
      who_.set([&](std::string& text) {
        for (const std::string* field : {&e.subject_id, &e.team, &e.unit}) {
          text += ',';
          append_csv_field(text, *field);
        }
      });
    }
    append_row<row_room>(out, h.text, who_, [&](char* p) { return tail(p, e); });
  }

 private:
  static constexpr std::size_t piece = repeated::piece;
  /// The head and the subject's fields (each at most `piece` long on the fast
  /// path), two dates (ten characters, or up to fifteen for "not-a-date-time"),
  /// two amounts (each with room for `max_raw_text`), their separators and the
  /// line end.
  static constexpr std::size_t row_room = 2 * piece + 2 * (1 + 15) + 2 * (1 + detail::max_raw_text) + 1;

  /// "rule,item,subject" of one combination.
  struct head {
    std::string rule, item;
    subject_kind subject = subject_kind::member;
    repeated text;
  };
  /// A date's text, by its day number.
  struct day_text {
    std::uint32_t day = 0;
    bool known = false;
    char text[10] = {};
  };

  /// ",from,to,amount,paid\n" of `e` at `p` (room for what follows the head
  /// and the subject's fields in `row_room`); returns the end.
  char* tail(char* p, const entitlement& e) {
    *p++ = ',';
    p = day_to(p, e.slice.first);
    *p++ = ',';
    p = day_to(p, e.slice.last);
    *p++ = ',';
    p = money_to(p, e.amount.raw(), scale_);
    *p++ = ',';
    if (e.paid) p = money_to(p, e.paid->raw(), scale_);
    *p++ = '\n';
    return p;
  }

  const head& head_of(const entitlement& e) {
    for (std::size_t i = 0; i < heads_used_; ++i)
      if (heads_[i].subject == e.subject && detail::same_id(heads_[i].rule, e.rule) &&
          detail::same_id(heads_[i].item, e.item))
        return heads_[i];
    head& h = heads_[next_head_];
    next_head_ = (next_head_ + 1) % heads_.size();
    heads_used_ = std::min(heads_used_ + 1, heads_.size());
    h.rule = e.rule;
    h.item = e.item;
    h.subject = e.subject;
    h.text.set([&](std::string& text) {
      append_csv_field(text, e.rule);
      text += ',';
      append_csv_field(text, e.item);
      text += ',';
      text += subject_name(e.subject);
    });
    return h;
  }

  /// A date's ten characters at `p`; returns their end.
  char* day_to(char* p, date d) {
    if (d.is_special()) {
      std::string text;
      append_date(text, d);
      return std::copy(text.begin(), text.end(), p);
    }
    const std::uint32_t n = d.day_number();
    day_text& t = days_[n % days_.size()];
    if (!t.known || t.day != n) {
      std::string text;
      append_date(text, d);
      std::copy_n(text.data(), sizeof t.text, t.text);
      t.day = n;
      t.known = true;
    }
    std::memcpy(p, t.text, sizeof t.text);
    return p + sizeof t.text;
  }

  int scale_;
  std::array<head, 8> heads_{};
  std::size_t heads_used_ = 0, next_head_ = 0;
  std::string subject_id_, team_, unit_;  // the last row's, empty at first,
  repeated who_{",,,", {',', ',', ','}};  // rendered: three empty fields
  std::array<day_text, 512> days_{};
};

/// Roll-up rows (15 M of them for 3 M members), put together as entitlement
/// rows are: "subject,id," is the same over a subject's rows (all items, then
/// each item) and the item one of a handful, each rendered (through
/// `append_csv_field`) when it changes; the amounts and counts never need quoting.
class rollup_rows {
 public:
  explicit rollup_rows(int money_scale) : scale_(money_scale) { set_who(subject_, id_); }

  void append(std::string& out, const rollup& x) {
    if (scale_ < 0 || scale_ > 4) [[unlikely]] detail::throw_bad_scale(scale_);
    if (x.subject != subject_ || !detail::same_id(x.id, id_)) set_who(x.subject, x.id);
    append_row<row_room>(out, who_, item_of(x.item), [&](char* p) { return tail(p, x); });
  }

 private:
  static constexpr std::size_t piece = repeated::piece;
  /// "subject,id," and "item," (each at most `piece` long on the fast path),
  /// three amounts, four counts, their separators and the line end.
  static constexpr std::size_t row_room = 2 * piece + 3 * (1 + detail::max_raw_text) + 4 * (1 + 20) + 1;

  /// "subject,id," rendered for the rows that follow.
  void set_who(subject_kind subject, const std::string& id) {
    subject_ = subject;
    id_ = id;
    who_.set([&](std::string& text) {
      text += subject_name(subject);
      text += ',';
      append_csv_field(text, id);
      text += ',';
    });
  }

  /// The item's field, quoted as it needs, and a comma: one of the last eight seen.
  const repeated& item_of(const std::string& item) {
    for (std::size_t i = 0; i < items_used_; ++i)
      if (detail::same_id(items_[i].name, item)) return items_[i].text;
    named& n = items_[next_item_];
    next_item_ = (next_item_ + 1) % items_.size();
    items_used_ = std::min(items_used_ + 1, items_.size());
    n.name = item;
    n.text.set([&](std::string& text) {
      append_csv_field(text, item);
      text += ',';
    });
    return n.text;
  }

  /// "owed,paid,shortfall,entitlements,unrecorded,violations,advisories\n" of
  /// `x` at `p` (room for what follows the two fields in `row_room`); returns the end.
  char* tail(char* p, const rollup& x) const {
    p = money_to(p, x.owed.raw(), scale_);
    *p++ = ',';
    if (x.paid) p = money_to(p, x.paid->raw(), scale_);
    *p++ = ',';
    p = money_to(p, x.shortfall.raw(), scale_);
    for (const std::size_t count : {x.entitlements, x.unrecorded, x.violations, x.advisories}) {
      *p++ = ',';
      p = std::to_chars(p, p + 20, count).ptr;
    }
    *p++ = '\n';
    return p;
  }

  struct named {
    std::string name;
    repeated text;
  };

  int scale_;
  subject_kind subject_ = subject_kind::member;  // the last row's: at first a member of no id
  std::string id_;
  repeated who_;  // rendered
  std::array<named, 8> items_{};
  std::size_t items_used_ = 0, next_item_ = 0;
};

/// Renders one file, handing it to `take` in parts of about 4 MB.
class csv_writer {
 public:
  csv_writer(std::string name, const std::function<void(csv_file&&)>& take,
             std::initializer_list<std::string_view> header)
      : name_(std::move(name)), take_(take) {
    row(header);
  }

  void row(std::initializer_list<std::string_view> fields) {
    append_csv_row(text_, fields);
    if (text_.size() >= part_bytes) hand_on();
  }
  /// A row `render(text)` appends, line end included.
  template <class Render>
  void rendered_row(Render render) {
    render(text_);
    if (text_.size() >= part_bytes) hand_on();
  }

  /// Hands on the rest: the whole file when it was short.
  void finish() {
    if (!continued_ || !text_.empty()) hand_on();
  }

 private:
  static constexpr std::size_t part_bytes = std::size_t{4} << 20;
  void hand_on() {
    csv_file part{name_, std::exchange(text_, std::string()), continued_};
    continued_ = true;
    take_(std::move(part));
  }

  std::string name_;
  const std::function<void(csv_file&&)>& take_;
  std::string text_;
  bool continued_ = false;
};

std::string_view yes_no(bool b) { return b ? "true" : "false"; }

}  // namespace

std::vector<csv_file> csv_files(const results& r, int money_scale, bool with_entitlements) {
  std::vector<csv_file> files;
  each_csv_file(r, money_scale, {.entitlements = !with_entitlements}, [&](csv_file&& f) {
    if (f.continued) files.back().text += f.text;
    else files.push_back(std::move(f));
  });
  return files;
}

void each_csv_file(const results& r, int money_scale, streamed_files streamed,
                   const std::function<void(csv_file&&)>& take) {
  const auto text = [&](const money& m) { return money_text(m, money_scale); };

  if (!streamed.entitlements) {
    std::string rows;
    append_csv_row(rows, entitlement_header);
    entitlement_rows render(money_scale);
    for (const entitlement& e : r.entitlements) render.append(rows, e);
    take({"entitlements.csv", std::move(rows)});
  }

  // `finding` numbers the findings from 0, as penalties.csv and the JSON's charges refer to them.
  if (!streamed.findings) {
    csv_writer findings("findings.csv", take,
                        {"finding", "rule", "kind", "subject", "subject_id", "responsible_unit", "severity", "from",
                         "to", "expected", "actual", "message"});
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
      const finding& f = r.findings[i];
      findings.row({std::to_string(i), f.rule, to_string(f.kind), subject_name(f.subject), f.subject_id,
                    f.responsible_unit, severity_name(f.severity), to_string(f.slice.first), to_string(f.slice.last),
                    f.expected, f.actual, f.message});
    }
    findings.finish();
  }

  // One row per ranked member, the quota's own figures repeated on each.
  if (!streamed.quota) {
    csv_writer quota("quota.csv", take,
                     {"rule", "grade", "population", "share", "places", "member", "score", "rank", "proposed",
                      "within_quota", "over_quota"});
    for (const quota_result& q : r.quotas) {
      const std::unordered_set<std::string_view> over_quota(q.over_quota.begin(), q.over_quota.end());
      // The quota's own fields, the same on each of millions of rows, rendered once;
      // of a place's, only the member's id may need quoting.
      std::string figures;
      append_csv_row(figures, {q.rule, to_string(q.of_grade), std::to_string(q.population), q.share.to_string(),
                               std::to_string(q.places)});
      figures.back() = ',';
      for (const quota_place& p : q.ranking) {
        quota.rendered_row([&](std::string& out) {
          out += figures;
          append_csv_field(out, p.member);
          out += ',';
          out += p.score.to_string();
          char digits[24];
          out += ',';
          out.append(digits, std::to_chars(digits, digits + sizeof digits, p.rank).ptr);
          for (const bool b : {p.proposed, p.within_quota, over_quota.contains(p.member)}) {
            out += ',';
            out += yes_no(b);
          }
          out += '\n';
        });
      }
    }
    quota.finish();
  }

  // One row per charge, the unit's own figures repeated on each.
  if (!streamed.penalties) {
    csv_writer penalties("penalties.csv", take,
                         {"unit", "notices", "points_charged", "points", "capped", "finding", "rule", "charge_points"});
    for (const penalty_entry& p : r.ledger) {
      const std::string notices = std::to_string(p.notices);
      const std::string charged = p.points_charged.to_string();
      const std::string points = p.points.to_string();
      if (p.charges.empty()) penalties.row({p.unit, notices, charged, points, yes_no(p.capped), "", "", ""});
      for (const penalty_charge& c : p.charges) {
        penalties.row({p.unit, notices, charged, points, yes_no(p.capped), std::to_string(c.finding), c.rule,
                       c.points.to_string()});
      }
    }
    penalties.finish();
  }

  if (!streamed.totals) {
    csv_writer totals("totals.csv", take, {"item", "owed", "paid"});
    for (const item_total& t : r.totals) totals.row({t.item, text(t.owed), text(t.paid)});
    totals.finish();
  }

  if (streamed.rollups) return;
  std::string rollups;
  append_csv_row(rollups, rollup_header);
  rollup_rows render(money_scale);
  for (const rollup& x : r.rollups) render.append(rollups, x);
  take({"rollups.csv", std::move(rollups)});
}

streamed_csv_writer::streamed_csv_writer(std::ostream& out, int money_scale, std::string_view file,
                                         std::span<const std::string_view> header)
    : scale_(money_scale), out_(out), file_(file) {
  append_csv_row(buffer_, header);
}

void streamed_csv_writer::flush() {
  write_out(buffer_);
  buffer_.clear();
}

void streamed_csv_writer::write_rendered(std::string_view rows) {
  if (!buffer_.empty()) flush();
  write_out(rows);
}

void streamed_csv_writer::write_out(std::string_view text) {
  out_.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out_) throw std::runtime_error("cannot write " + std::string(file_));
}

entitlement_csv_writer::entitlement_csv_writer(std::ostream& out, int money_scale)
    : streamed_csv_writer(out, money_scale, "entitlements.csv", entitlement_header) {}

void entitlement_csv_writer::write(std::span<const entitlement> block) {
  entitlement_rows render(scale_);
  for (const entitlement& e : block) {
    render.append(buffer_, e);
    row_written();
  }
}

void entitlement_csv_writer::render(std::span<const entitlement> block, int money_scale, std::string& out) {
  entitlement_rows render(money_scale);
  for (const entitlement& e : block) render.append(out, e);
}

rollup_csv_writer::rollup_csv_writer(std::ostream& out, int money_scale)
    : streamed_csv_writer(out, money_scale, "rollups.csv", rollup_header) {}

void rollup_csv_writer::write(std::span<const rollup> block) {
  rollup_rows render(scale_);
  for (const rollup& x : block) {
    render.append(buffer_, x);
    row_written();
  }
}

void rollup_csv_writer::render(std::span<const rollup> block, int money_scale, std::string& out) {
  rollup_rows render(money_scale);
  for (const rollup& x : block) render.append(out, x);
}

}  // namespace rulebook::report
