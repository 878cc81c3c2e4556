// Results as JSON, written by hand: the format is small and fixed, and writing
// it directly keeps key order stable and money exact (decimal strings, never
// numbers that a reader would turn into binary floating point).
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "detail/text.hpp"
#include "report.hpp"

namespace rulebook::report {

std::string money_text(const money& m, int scale) { return detail::money_text(m.raw(), scale); }

std::string_view subject_name(subject_kind k) noexcept {
  switch (k) {
    case subject_kind::member: return "member";
    case subject_kind::team: return "team";
    case subject_kind::unit: return "unit";
    case subject_kind::county: return "county";
  }
  return "";
}

std::string_view severity_name(finding_severity s) noexcept {
  switch (s) {
    case finding_severity::violation: return "violation";
    case finding_severity::advisory: return "advisory";
  }
  return "";
}

namespace {


void append_u_escape(std::string& out, unsigned code) {
  constexpr char hex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += hex[(code >> shift) & 0xF];
}

}  // namespace

std::string json_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const int length = detail::utf8_length(s.data() + i, s.data() + s.size());
      const std::size_t n = length > 0 ? static_cast<std::size_t>(length) : 0;
      if (n == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER for a malformed byte
        ++i;
      } else if (s.substr(i, n) == "\xE2\x80\xA8" || s.substr(i, n) == "\xE2\x80\xA9") {
        append_u_escape(out, s[i + 2] == '\xA8' ? 0x2028 : 0x2029);  // line breaks to JavaScript
        i += n;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '<': case '>': case '&': append_u_escape(out, c); break;  // "</script>" cannot end a script
      default:
        if (c < 0x20 || c == 0x7F) append_u_escape(out, c);
        else out += static_cast<char>(c);
    }
    ++i;
  }
  out += '"';
  return out;
}

namespace {

/// Writes JSON with two-space indentation. A container opened `inline_` keeps
/// its members on one line (`{"item": "living", "owed": "954600.00"}`), which
/// keeps long lists one result per line: readable, and diffable line by line.
class json_writer {
 public:
  explicit json_writer(std::ostream& out) : out_(out) {}

  void begin_object(bool inline_ = false) { open('{', inline_); }
  void end_object() { close('}'); }
  void begin_array(bool inline_ = false) { open('[', inline_); }
  void end_array() { close(']'); }

  /// Writes the key of the next member of the current object.
  void key(std::string_view k) {
    before_value();
    out_ << json_string(k) << ": ";
    after_key_ = true;
  }

  void string(std::string_view s) { scalar(json_string(s)); }
  void number(std::size_t n) { scalar(std::to_string(n)); }
  void number(int n) { scalar(std::to_string(n)); }
  void boolean(bool b) { scalar(b ? "true" : "false"); }
  void null() { scalar("null"); }

  template <class T>
  void member(std::string_view k, const T& v) {
    key(k);
    write(v);
  }

 private:
  struct level {
    bool inline_;
    std::size_t count;
  };

  void write(std::string_view s) { string(s); }
  void write(const std::string& s) { string(s); }
  void write(const char* s) { string(s); }
  void write(std::size_t n) { number(n); }
  void write(int n) { number(n); }
  void write(bool b) { boolean(b); }

  /// Separates the value about to be written from what came before it.
  void before_value() {
    if (after_key_) {  // the value of a key just written
      after_key_ = false;
      return;
    }
    if (stack_.empty()) return;
    level& l = stack_.back();
    if (l.count++ > 0) out_ << (l.inline_ ? ", " : ",");
    if (!l.inline_) newline();
  }

  void scalar(std::string_view text) {
    before_value();
    out_ << text;
  }

  void open(char bracket, bool inline_) {
    before_value();
    out_ << bracket;
    const bool parent_inline = !stack_.empty() && stack_.back().inline_;
    stack_.push_back({inline_ || parent_inline, 0});
  }

  void close(char bracket) {
    const level l = stack_.back();
    stack_.pop_back();
    if (!l.inline_ && l.count > 0) newline();
    out_ << bracket;
    if (stack_.empty()) out_ << '\n';
  }

  void newline() { out_ << '\n' << std::string(2 * stack_.size(), ' '); }

  std::ostream& out_;
  std::vector<level> stack_;
  bool after_key_ = false;
};

void write_range(json_writer& w, const date_range& range) {
  w.member("from", to_string(range.first));
  w.member("to", to_string(range.last));
}

}  // namespace

void write_json(std::ostream& out, const results& r, int money_scale) {
  const auto text = [&](const money& m) { return money_text(m, money_scale); };
  json_writer w(out);
  w.begin_object();
  w.member("policy", r.policy);
  w.key("period");
  w.begin_object(true);
  w.member("label", r.evaluated.label());
  write_range(w, r.evaluated.range);
  w.end_object();
  w.member("money_scale", money_scale);

  w.key("entitlements");
  w.begin_array();
  for (const entitlement& e : r.entitlements) {
    w.begin_object(true);
    w.member("rule", e.rule);
    w.member("item", e.item);
    w.member("subject", subject_name(e.subject));
    w.member("subject_id", e.subject_id);
    w.member("team", e.team);
    w.member("unit", e.unit);
    write_range(w, e.slice);
    w.member("amount", text(e.amount));
    w.key("paid");
    if (e.paid) w.string(text(*e.paid));
    else w.null();
    w.end_object();
  }
  w.end_array();

  w.key("findings");
  w.begin_array();
  for (const finding& f : r.findings) {
    w.begin_object(true);
    w.member("rule", f.rule);
    w.member("kind", to_string(f.kind));
    w.member("subject", subject_name(f.subject));
    w.member("subject_id", f.subject_id);
    w.member("responsible_unit", f.responsible_unit);
    w.member("severity", severity_name(f.severity));
    write_range(w, f.slice);
    w.member("expected", f.expected);
    w.member("actual", f.actual);
    w.member("message", f.message);
    w.end_object();
  }
  w.end_array();

  w.key("quotas");
  w.begin_array();
  for (const quota_result& q : r.quotas) {
    w.begin_object();
    w.member("rule", q.rule);
    w.member("grade", to_string(q.of_grade));
    w.member("population", q.population);
    w.member("share", q.share.to_string());
    w.member("places", q.places);
    w.key("ranking");
    w.begin_array();
    for (const quota_place& place : q.ranking) {
      w.begin_object(true);
      w.member("member", place.member);
      w.member("score", place.score.to_string());
      w.member("rank", place.rank);
      w.member("proposed", place.proposed);
      w.member("within_quota", place.within_quota);
      w.end_object();
    }
    w.end_array();
    w.key("over_quota");
    w.begin_array(true);
    for (const std::string& m : q.over_quota) w.string(m);
    w.end_array();
    w.end_object();
  }
  w.end_array();

  w.key("ledger");
  w.begin_array();
  for (const penalty_entry& p : r.ledger) {
    w.begin_object();
    w.member("unit", p.unit);
    w.member("notices", p.notices);
    w.member("points_charged", p.points_charged.to_string());
    w.member("points", p.points.to_string());
    w.member("capped", p.capped);
    w.key("charges");
    w.begin_array();
    for (const penalty_charge& c : p.charges) {
      w.begin_object(true);
      w.member("finding", c.finding);
      w.member("rule", c.rule);
      w.member("points", c.points.to_string());
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();

  w.key("totals");
  w.begin_array();
  for (const item_total& t : r.totals) {
    w.begin_object(true);
    w.member("item", t.item);
    w.member("owed", text(t.owed));
    w.member("paid", text(t.paid));
    w.end_object();
  }
  w.end_array();

  w.key("rollups");
  w.begin_array();
  for (const rollup& x : r.rollups) {
    w.begin_object(true);
    w.member("subject", subject_name(x.subject));
    w.member("id", x.id);
    w.key("item");
    if (x.all_items()) w.null();
    else w.string(x.item);
    w.member("owed", text(x.owed));
    w.key("paid");
    if (x.paid) w.string(text(*x.paid));
    else w.null();
    w.member("shortfall", text(x.shortfall));
    w.member("entitlements", x.entitlements);
    w.member("unrecorded", x.unrecorded);
    w.member("violations", x.violations);
    w.member("advisories", x.advisories);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace rulebook::report
