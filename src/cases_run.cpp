// Running example cases: evaluate the policy over the case's data, check each
// expectation in exact money, explain what came out where it differs — and
// record what the case exercised of the policy (docs/cases.md, "Coverage").
//
// Branch coverage reads the traces the public API gives (`explain`, and
// `expression::evaluate_explained`): the decisions of an expression — each
// `if`, `and`, `or` — are found by a small parser of the expression's text
// (the grammar of docs/rule-language.md), and each trace is walked in the
// order the expression runs, matching the lines that report a decision
// ("if c: true → then", "a: false → and = false, the rest is skipped").
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "rulebook/cases.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/expr.hpp"

namespace rulebook {
namespace {

// ---- the decisions of an expression --------------------------------------------------------

/// A node of an expression's tree, as far as decisions go: its kind and its text.
struct xnode {
  enum class kind { leaf, conditional, logical_and, logical_or, other };
  kind k = kind::leaf;
  std::uint32_t begin = 0, end = 0;
  std::vector<int> kids;
  bool has_name = false;  // reads an input or a parameter (else it was folded when the policy loaded)
};

/// Parses an expression's text into `xnode`s with the spans the compiler gives
/// its own nodes (a parenthesised expression is its inner node). The text has
/// been checked when the policy loaded; anything unexpected makes `ok` false.
class decision_parser {
 public:
  explicit decision_parser(std::string_view text) : text_(text) { lex(); }

  /// The root, or -1 when the text could not be read.
  int parse() {
    if (!ok_) return -1;
    const int root = expression();
    if (!ok_ || tokens_[pos_].k != tok::end) return -1;
    return root;
  }
  [[nodiscard]] const std::vector<xnode>& nodes() const noexcept { return nodes_; }

 private:
  enum class tok { number, text, name, kw_if, kw_then, kw_else, kw_and, kw_or, kw_not, kw_true, kw_false,
                   compare, plus_minus, times_div, open, close, comma, end };
  struct token {
    tok k;
    std::uint32_t begin, end;
  };

  void lex() {
    std::size_t i = 0;
    const auto at = [&](std::size_t j) { return j < text_.size() ? text_[j] : '\0'; };
    while (i < text_.size()) {
      const char c = text_[i];
      const auto b = static_cast<std::uint32_t>(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
      } else if (c >= '0' && c <= '9') {
        while ((at(i) >= '0' && at(i) <= '9') || at(i) == '.') ++i;
        tokens_.push_back({tok::number, b, static_cast<std::uint32_t>(i)});
      } else if (c == '\'') {
        ++i;
        while (i < text_.size() && text_[i] != '\'') ++i;
        ++i;
        tokens_.push_back({tok::text, b, static_cast<std::uint32_t>(std::min(i, text_.size()))});
      } else if ((c >= 'a' && c <= 'z') || c == '_') {
        while ((at(i) >= 'a' && at(i) <= 'z') || at(i) == '_' || (at(i) >= '0' && at(i) <= '9')) ++i;
        const std::string_view w = text_.substr(b, i - b);
        tok k = tok::name;
        if (w == "if") k = tok::kw_if;
        else if (w == "then") k = tok::kw_then;
        else if (w == "else") k = tok::kw_else;
        else if (w == "and") k = tok::kw_and;
        else if (w == "or") k = tok::kw_or;
        else if (w == "not") k = tok::kw_not;
        else if (w == "true") k = tok::kw_true;
        else if (w == "false") k = tok::kw_false;
        tokens_.push_back({k, b, static_cast<std::uint32_t>(i)});
      } else if ((c == '=' || c == '!' || c == '<' || c == '>')) {
        i += at(i + 1) == '=' ? 2 : 1;
        tokens_.push_back({tok::compare, b, static_cast<std::uint32_t>(i)});
      } else if (c == '+' || c == '-') {
        tokens_.push_back({tok::plus_minus, b, static_cast<std::uint32_t>(++i)});
      } else if (c == '*' || c == '/') {
        tokens_.push_back({tok::times_div, b, static_cast<std::uint32_t>(++i)});
      } else if (c == '(' || c == ')' || c == ',') {
        tokens_.push_back({c == '(' ? tok::open : c == ')' ? tok::close : tok::comma, b, static_cast<std::uint32_t>(++i)});
      } else {
        ok_ = false;
        return;
      }
    }
    tokens_.push_back({tok::end, static_cast<std::uint32_t>(text_.size()), static_cast<std::uint32_t>(text_.size())});
  }

  const token& peek() const { return tokens_[pos_]; }
  token take() {
    const token t = tokens_[pos_];
    if (t.k != tok::end) ++pos_;
    return t;
  }
  bool expect(tok k) {
    if (peek().k != k) ok_ = false;
    take();
    return ok_;
  }

  int add(xnode n) {
    for (const int k : n.kids) n.has_name = n.has_name || nodes_[static_cast<std::size_t>(k)].has_name;
    nodes_.push_back(std::move(n));
    return static_cast<int>(nodes_.size() - 1);
  }
  int binary(xnode::kind k, int left, int right) {
    xnode n;
    n.k = k;
    n.begin = nodes_[static_cast<std::size_t>(left)].begin;
    n.end = nodes_[static_cast<std::size_t>(right)].end;
    n.kids = {left, right};
    return add(std::move(n));
  }

  int expression() {
    if (!ok_) return -1;
    if (peek().k != tok::kw_if) return disjunction();
    const token t = take();
    const int c = expression();
    if (!expect(tok::kw_then)) return -1;
    const int a = expression();
    if (!expect(tok::kw_else)) return -1;
    const int b = expression();
    if (!ok_) return -1;
    xnode n;
    n.k = xnode::kind::conditional;
    n.begin = t.begin;
    n.end = nodes_[static_cast<std::size_t>(b)].end;
    n.kids = {c, a, b};
    return add(std::move(n));
  }
  int disjunction() {
    int left = conjunction();
    while (ok_ && peek().k == tok::kw_or) {
      take();
      const int right = conjunction();
      if (!ok_) return -1;
      left = binary(xnode::kind::logical_or, left, right);
    }
    return left;
  }
  int conjunction() {
    int left = negation();
    while (ok_ && peek().k == tok::kw_and) {
      take();
      const int right = negation();
      if (!ok_) return -1;
      left = binary(xnode::kind::logical_and, left, right);
    }
    return left;
  }
  int negation() {
    if (peek().k != tok::kw_not) return comparison();
    const token t = take();
    const int operand = negation();
    if (!ok_) return -1;
    xnode n;
    n.k = xnode::kind::other;
    n.begin = t.begin;
    n.end = nodes_[static_cast<std::size_t>(operand)].end;
    n.kids = {operand};
    return add(std::move(n));
  }
  int comparison() {
    const int left = sum();
    if (ok_ && peek().k == tok::compare) {
      take();
      const int right = sum();
      if (!ok_) return -1;
      return binary(xnode::kind::other, left, right);
    }
    return left;
  }
  int sum() {
    int left = product();
    while (ok_ && peek().k == tok::plus_minus) {
      take();
      const int right = product();
      if (!ok_) return -1;
      left = binary(xnode::kind::other, left, right);
    }
    return left;
  }
  int product() {
    int left = unary();
    while (ok_ && peek().k == tok::times_div) {
      take();
      const int right = unary();
      if (!ok_) return -1;
      left = binary(xnode::kind::other, left, right);
    }
    return left;
  }
  int unary() {
    if (peek().k == tok::plus_minus && text_[peek().begin] == '-') {
      const token t = take();
      const int operand = unary();
      if (!ok_) return -1;
      xnode n;
      n.k = xnode::kind::other;
      n.begin = t.begin;
      n.end = nodes_[static_cast<std::size_t>(operand)].end;
      n.kids = {operand};
      return add(std::move(n));
    }
    return primary();
  }
  int primary() {
    const token t = take();
    switch (t.k) {
      case tok::number:
      case tok::text:
      case tok::kw_true:
      case tok::kw_false: return add({xnode::kind::leaf, t.begin, t.end, {}, false});
      case tok::name: {
        if (peek().k != tok::open) return add({xnode::kind::leaf, t.begin, t.end, {}, true});
        take();
        xnode n;
        n.k = xnode::kind::other;
        n.begin = t.begin;
        while (ok_ && peek().k != tok::close) {
          n.kids.push_back(expression());
          if (peek().k == tok::comma) take();
          else if (peek().k != tok::close) ok_ = false;
        }
        const token close = take();
        if (close.k != tok::close) ok_ = false;
        if (!ok_) return -1;
        n.end = close.end;
        return add(std::move(n));
      }
      case tok::open: {
        const int inner = expression();
        if (!expect(tok::close)) return -1;
        return inner;
      }
      default: ok_ = false; return -1;
    }
  }

  std::string_view text_;
  std::vector<token> tokens_;
  std::size_t pos_ = 0;
  std::vector<xnode> nodes_;
  bool ok_ = true;
};

/// One decision of an expression and its two ways.
struct decision {
  int node = 0;
  std::string point;
  std::string outcome_a, outcome_b;  // then/else, left decides/right evaluated
  bool constant = false;
};

/// The decisions of an expression, in text order.
struct decisions {
  std::string text;
  std::vector<xnode> nodes;
  int root = -1;
  std::vector<decision> list;

  explicit decisions(std::string_view t) : text(t) {
    decision_parser parser(text);
    root = parser.parse();
    if (root < 0) return;
    nodes = parser.nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const xnode& n = nodes[i];
      if (n.k == xnode::kind::conditional) {
        const xnode& c = nodes[static_cast<std::size_t>(n.kids[0])];
        list.push_back({static_cast<int>(i), "if " + span(c), "then", "else", !c.has_name});
      } else if (n.k == xnode::kind::logical_and || n.k == xnode::kind::logical_or) {
        const xnode& l = nodes[static_cast<std::size_t>(n.kids[0])];
        const char* op = n.k == xnode::kind::logical_and ? " and …" : " or …";
        list.push_back({static_cast<int>(i), span(l) + op, "left decides", "right evaluated", !l.has_name});
      }
    }
    std::sort(list.begin(), list.end(), [&](const decision& a, const decision& b) {
      return nodes[static_cast<std::size_t>(a.node)].begin < nodes[static_cast<std::size_t>(b.node)].begin;
    });
  }

  [[nodiscard]] std::string span(const xnode& n) const { return text.substr(n.begin, n.end - n.begin); }
  [[nodiscard]] const decision* of(int node) const {
    for (const decision& d : list)
      if (d.node == node) return &d;
    return nullptr;
  }
};

bool is_control_line(std::string_view s) {
  return (s.starts_with("if ") && (s.ends_with("→ then") || s.ends_with("→ else"))) ||
         s.ends_with(", the rest is skipped");
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

/// Walks one evaluation's trace through the tree, in the order the expression
/// runs, and reports each decision taken.
class trace_walker {
 public:
  using report = std::function<void(const decision&, const std::string&)>;
  trace_walker(const decisions& d, std::vector<std::string_view> steps, report r) : d_(d), hit_(std::move(r)) {
    for (const std::string_view s : steps)
      if (is_control_line(s)) control_.push_back(s);
  }
  void walk() {
    if (d_.root >= 0) walk(d_.root);
  }

 private:
  bool walk(int id) {  // false: the trace did not follow; stop
    const xnode& n = d_.nodes[static_cast<std::size_t>(id)];
    switch (n.k) {
      case xnode::kind::leaf: return true;
      case xnode::kind::conditional: {
        const decision* dc = d_.of(id);
        if (dc->constant) return false;  // folded: the trace does not show which branch
        if (!walk(n.kids[0])) return false;
        const std::string head = "if " + d_.span(d_.nodes[static_cast<std::size_t>(n.kids[0])]) + ": ";
        if (pos_ >= control_.size() || !control_[pos_].starts_with(head)) return false;
        const bool then = control_[pos_].ends_with("→ then");
        ++pos_;
        hit_(*dc, then ? dc->outcome_a : dc->outcome_b);
        return walk(n.kids[then ? 1 : 2]);
      }
      case xnode::kind::logical_and:
      case xnode::kind::logical_or: {
        const decision* dc = d_.of(id);
        if (dc->constant) return false;
        if (!walk(n.kids[0])) return false;
        const std::string head = d_.span(d_.nodes[static_cast<std::size_t>(n.kids[0])]) + ": ";
        const std::string op = n.k == xnode::kind::logical_and ? " → and = " : " → or = ";
        if (pos_ < control_.size() && control_[pos_].starts_with(head) &&
            control_[pos_].find(op) != std::string_view::npos) {
          ++pos_;
          hit_(*dc, dc->outcome_a);
          return true;
        }
        hit_(*dc, dc->outcome_b);
        return walk(n.kids[1]);
      }
      case xnode::kind::other:
        for (const int k : n.kids)
          if (!walk(k)) return false;
        return true;
    }
    return true;
  }

  const decisions& d_;
  report hit_;
  std::vector<std::string_view> control_;
  std::size_t pos_ = 0;
};

/// The expressions of a rule, each with the key it is written under.
std::vector<std::pair<std::string, const expression*>> expressions_of(const rule& r) {
  std::vector<std::pair<std::string, const expression*>> out;
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, allowance_rule>) {
          if (body.when) out.emplace_back("when", &*body.when);
          out.emplace_back("amount", &body.amount);
        } else if constexpr (std::is_same_v<T, minimum_rule> || std::is_same_v<T, team_size_rule>) {
          out.emplace_back("at_least", &body.at_least);
        } else if constexpr (std::is_same_v<T, quota_rule>) {
          out.emplace_back("share", &body.share);
        } else if constexpr (std::is_same_v<T, penalty_rule>) {
          for (std::size_t i = 0; i < body.lines.size(); ++i)
            out.emplace_back("for[" + std::to_string(i) + "].points", &body.lines[i].points);
          if (body.cap) out.emplace_back("cap", &*body.cap);
        } else if constexpr (std::is_same_v<T, obligation_rule>) {
          out.emplace_back("times", &body.times);
        } else if constexpr (std::is_same_v<T, term_rule>) {
          out.emplace_back("at_least_years", &body.at_least_years);
        } else if constexpr (std::is_same_v<T, attendance_rule>) {
          out.emplace_back("at_least", &body.at_least);
          if (body.days_away_counted_up_to) out.emplace_back("counting_days_away_on_duty", &*body.days_away_counted_up_to);
        }
      },
      r.body);
  return out;
}

bool has_decisions(const expression& e) { return !decisions(e.text()).list.empty(); }

/// The steps of each evaluation of `header`'s expression in an explanation:
/// the lines after `header`, indented deeper than it.
std::vector<std::vector<std::string_view>> evaluations_in(std::string_view explanation, std::string_view header) {
  std::vector<std::vector<std::string_view>> out;
  std::size_t depth = 0;
  bool inside = false;
  std::size_t start = 0;
  while (start <= explanation.size()) {
    std::size_t end = explanation.find('\n', start);
    if (end == std::string_view::npos) end = explanation.size();
    const std::string_view line = explanation.substr(start, end - start);
    const std::string_view body = trimmed(line);
    const std::size_t indent = line.size() - body.size();
    if (inside && indent > depth && !body.empty()) {
      out.back().push_back(body);
    } else {
      inside = false;
      if (body.starts_with(header)) {
        inside = true;
        depth = indent;
        out.emplace_back();
      }
    }
    start = end + 1;
  }
  return out;
}

// ---- checking a case ---------------------------------------------------------------------

std::string money_str(const money& m, int scale) {
  std::int64_t unit = 1;
  for (int i = scale; i < 4; ++i) unit *= 10;
  return m.raw() % unit == 0 ? m.to_string(scale) : m.to_string();
}

std::string slice_str(const date_range& r) {
  const year_month first = year_month::of(r.first);
  if (r.first == first.first_day() && r.last == first.last_day()) return first.to_string();
  if (r.first.month() == 1 && r.first.day() == 1 && r.last.month() == 12 && r.last.day() == 31 &&
      r.first.year() == r.last.year())
    return std::to_string(static_cast<int>(r.first.year()));
  return to_string(r.first) + ".." + to_string(r.last);
}

bool within(const date_range& inner, const date_range& outer) {
  return outer.first <= inner.first && inner.last <= outer.last;
}

std::string describe_finding(const finding& f) {
  std::string s = f.rule + " " + (f.subject_id.empty() ? std::string("(county)") : f.subject_id) + " " +
                  to_string(f.slice.first) + ".." + to_string(f.slice.last);
  if (!f.expected.empty() || !f.actual.empty()) s += ": expected " + f.expected + ", actual " + f.actual;
  if (!f.responsible_unit.empty()) s += ", against " + f.responsible_unit;
  if (f.severity == finding_severity::advisory) s += " (advisory)";
  return s;
}

std::string join_ids(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  std::string s = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + ids[i];
  return s + "]";
}

bool served_in(const county& c, const member& m, const date_range& r) {
  (void)c;
  for (const service_interval& s : m.service)
    if (overlap(s.to ? date_range{s.from, *s.to} : date_range::from(s.from), r)) return true;
  return false;
}

bool team_present(const county& c, const team& t, const date_range& r) {
  for (const member& m : c.members)
    for (const service_interval& s : m.service)
      if (s.team == t.id && overlap(s.to ? date_range{s.from, *s.to} : date_range::from(s.from), r)) return true;
  return false;
}

class case_runner {
 public:
  case_runner(const program& prog, const example_case& c, case_coverage* cov)
      : prog_(prog), p_(prog.rules()), c_(c), data_(*c.data), cov_(cov) {}

  case_result run() {
    case_result out;
    out.name = c_.name;
    out.file = c_.file;
    out.policy = p_.id;
    out.checks = c_.checks();
    try {
      r_ = evaluate(prog_, data_, c_.evaluated);
    } catch (const std::exception& e) {
      out.error = "evaluating " + p_.id + " over " + c_.data_source + " for " + c_.evaluated.label() +
                  " failed: " + e.what();
      return out;
    }
    for (const expected_entitlement& e : c_.entitlements) check(e, out);
    for (const expected_total& t : c_.totals) check(t, out);
    for (const expected_finding& f : c_.findings) check(f, out);
    for (const finding_pattern& f : c_.absent_findings) check_absent(f, out);
    for (const expected_quota& q : c_.quotas) check(q, out);
    for (const expected_penalty& p : c_.penalties) check(p, out);
    return out;
  }

 private:
  int scale() const { return p_.money.scale; }

  void fail(case_result& out, const source_location& where, std::string what, std::string expected, std::string actual,
            std::string explanation = {}) {
    out.failures.push_back({where, std::move(what), std::move(expected), std::move(actual), std::move(explanation)});
  }

  /// The allowance rules of `item` (only `rule`, when given).
  std::vector<const rule*> allowance_rules(const std::string& item, const std::optional<std::string>& only) const {
    std::vector<const rule*> out;
    for (const rule& r : p_.rules)
      if (const auto* a = std::get_if<allowance_rule>(&r.body))
        if (a->item == item && (!only || *only == r.id)) out.push_back(&r);
    return out;
  }

  bool rule_exists(const std::string& id, case_result& out, const source_location& where) {
    if (p_.find_rule(id)) return true;
    fail(out, where, "rule " + id, "a rule '" + id + "' in the policy", "policy " + p_.id + " has no such rule");
    return false;
  }

  std::string explain_amounts(const std::vector<const entitlement*>& matched) const {
    if (matched.empty()) return {};
    if (matched.size() <= 2) {
      std::string s;
      for (const entitlement* e : matched) s += explain(prog_, data_, r_, *e);
      return s;
    }
    std::string s = "the " + std::to_string(matched.size()) + " amounts added up:\n";
    for (const entitlement* e : matched)
      s += "  " + e->rule + " " + e->subject_id + " " + slice_str(e->slice) + ": " + money_str(e->amount, scale()) +
           (e->paid ? ", paid " + money_str(*e->paid, scale()) : std::string(", paid: not recorded")) + "\n";
    return s;
  }

  void check(const expected_entitlement& e, case_result& out) {
    const std::vector<const rule*> rules = allowance_rules(e.item, e.rule);
    const std::string what = e.item + (e.rule ? " (rule " + *e.rule + ")" : std::string()) + " for " +
                             (e.subject == subject_kind::team ? "team " : "member ") + e.subject_id + " in " +
                             e.slice_label;
    if (rules.empty()) {
      fail(out, e.where, what, "an allowance rule of item '" + e.item + "'",
           "policy " + p_.id + " has no allowance of that item" + (e.rule ? " and rule" : ""));
      return;
    }
    std::vector<const entitlement*> matched;
    money owed, paid;
    bool any_paid = false;
    for (const entitlement& x : r_.entitlements) {
      if (x.subject != e.subject || x.subject_id != e.subject_id || !within(x.slice, e.slice)) continue;
      if (std::none_of(rules.begin(), rules.end(), [&](const rule* r) { return r->id == x.rule; })) continue;
      matched.push_back(&x);
      owed += x.amount;
      if (x.paid) {
        paid += *x.paid;
        any_paid = true;
      }
    }
    if (cov_) cover_rows(rules, e.subject, e.subject_id, e.slice);
    const std::string explanation = explain_amounts(matched);
    if (e.not_owed && !matched.empty())
      fail(out, e.where, what + ": owed", "none (no entitlement)", money_str(owed, scale()), explanation);
    if (e.owed && owed != *e.owed)
      fail(out, e.where, what + ": owed", money_str(*e.owed, scale()),
           matched.empty() ? "none (no entitlement)" : money_str(owed, scale()), explanation);
    if (e.not_paid && any_paid)
      fail(out, e.where, what + ": paid", "none recorded", money_str(paid, scale()), explanation);
    if (e.paid && (!any_paid || paid != *e.paid))
      fail(out, e.where, what + ": paid", money_str(*e.paid, scale()),
           any_paid ? money_str(paid, scale()) : "none recorded", explanation);
    if (e.unit) {
      std::set<std::string> units;
      for (const entitlement* x : matched) units.insert(x->unit);
      if (units != std::set<std::string>{*e.unit}) {
        std::vector<std::string> found(units.begin(), units.end());
        fail(out, e.where, what + ": paying unit", *e.unit, matched.empty() ? "none" : join_ids(found), explanation);
      }
    }
  }

  void check(const expected_total& t, case_result& out) {
    const std::vector<const rule*> rules = allowance_rules(t.item, std::nullopt);
    const auto it = std::find_if(r_.totals.begin(), r_.totals.end(), [&](const item_total& x) { return x.item == t.item; });
    if (cov_) cover_rows(rules, std::nullopt, {}, c_.evaluated.range);
    if (it == r_.totals.end()) {
      fail(out, t.where, "total of " + t.item, "a total of item '" + t.item + "'",
           "policy " + p_.id + " has no allowance of that item");
      return;
    }
    if (t.owed && it->owed != *t.owed)
      fail(out, t.where, "total of " + t.item + ": owed", money_str(*t.owed, scale()), money_str(it->owed, scale()));
    if (t.paid && it->paid != *t.paid)
      fail(out, t.where, "total of " + t.item + ": paid", money_str(*t.paid, scale()), money_str(it->paid, scale()));
  }

  /// The findings of the pattern's rule (and subject, when given), for messages.
  std::string near_misses(const finding_pattern& p, const finding** first) const {
    std::string s;
    std::size_t n = 0;
    for (const finding& f : r_.findings) {
      if (f.rule != p.rule || (p.subject_id && f.subject_id != *p.subject_id)) continue;
      if (n == 0) *first = &f;
      if (n++ < 5) s += (s.empty() ? "" : "; ") + describe_finding(f);
    }
    if (n == 0) return "no finding of rule " + p.rule + (p.subject_id ? " for " + *p.subject_id : std::string());
    if (n > 5) s += "; … " + std::to_string(n - 5) + " more";
    return s;
  }

  void check(const expected_finding& e, case_result& out) {
    const finding_pattern& p = e.pattern;
    if (!rule_exists(p.rule, out, p.where)) return;
    std::size_t n = 0;
    for (const finding& f : r_.findings)
      if (p.matches(f)) ++n;
    if (cov_) cover_finding_rule(p);
    const bool ok = e.count ? n == *e.count : n > 0;
    if (ok) return;
    const finding* first = nullptr;
    const std::string actual = n > 0 ? std::to_string(n) + " such finding(s)" : near_misses(p, &first);
    fail(out, p.where, p.describe(),
         e.count ? std::to_string(*e.count) + " such finding(s)" : std::string("such a finding"), actual,
         first ? explain(prog_, data_, r_, *first) : std::string());
  }

  void check_absent(const finding_pattern& p, case_result& out) {
    if (!rule_exists(p.rule, out, p.where)) return;
    if (cov_) cover_finding_rule(p);
    for (const finding& f : r_.findings) {
      if (!p.matches(f)) continue;
      fail(out, p.where, "no " + p.describe(), "no such finding", describe_finding(f), explain(prog_, data_, r_, f));
      return;
    }
  }

  void check(const expected_quota& q, case_result& out) {
    if (!rule_exists(q.rule, out, q.where)) return;
    if (cov_) cov_->touch(q.rule, c_.name, c_.evaluated.range);
    const auto it = std::find_if(r_.quotas.begin(), r_.quotas.end(), [&](const quota_result& x) { return x.rule == q.rule; });
    if (it == r_.quotas.end()) {
      fail(out, q.where, "quota " + q.rule, "a quota result", "none: rule " + q.rule + " is not a quota");
      return;
    }
    std::string ranking;
    for (const quota_place& pl : it->ranking)
      if (pl.proposed)
        ranking += "  " + std::to_string(pl.rank) + ". " + pl.member + " " + pl.score.to_string() +
                   (pl.within_quota ? " within the quota" : " over the quota") + "\n";
    const std::string explanation = "population " + std::to_string(it->population) + " × share " +
                                    it->share.to_string() + " → " + std::to_string(it->places) +
                                    " place(s); the proposals ranked:\n" + ranking;
    if (q.population && *q.population != it->population)
      fail(out, q.where, "quota " + q.rule + ": population", std::to_string(*q.population),
           std::to_string(it->population), explanation);
    if (q.places && *q.places != it->places)
      fail(out, q.where, "quota " + q.rule + ": places", std::to_string(*q.places), std::to_string(it->places),
           explanation);
    std::vector<std::string> within_quota;
    for (const quota_place& pl : it->ranking)
      if (pl.within_quota) within_quota.push_back(pl.member);
    const auto same = [](std::vector<std::string> a, std::vector<std::string> b) {
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      return a == b;
    };
    if (q.within_quota && !same(*q.within_quota, within_quota))
      fail(out, q.where, "quota " + q.rule + ": within the quota", join_ids(*q.within_quota), join_ids(within_quota),
           explanation);
    if (q.over_quota && !same(*q.over_quota, it->over_quota))
      fail(out, q.where, "quota " + q.rule + ": over the quota", join_ids(*q.over_quota), join_ids(it->over_quota),
           explanation);
  }

  void check(const expected_penalty& e, case_result& out) {
    const auto it = std::find_if(r_.ledger.begin(), r_.ledger.end(), [&](const penalty_entry& x) { return x.unit == e.unit; });
    const penalty_entry none{e.unit, 0, {}, {}, false, {}};
    const penalty_entry& got = it == r_.ledger.end() ? none : *it;
    if (cov_) {
      std::set<std::string> charged;
      for (const penalty_charge& ch : got.charges) charged.insert(ch.rule);
      for (const rule& r : p_.rules)
        if (r.kind == rule_kind::penalty && (charged.empty() || charged.contains(r.id)))
          cov_->touch(r.id, c_.name, c_.evaluated.range);
    }
    std::string explanation;
    for (const penalty_charge& ch : got.charges)
      explanation += "  " + ch.points.to_string() + " point(s) (" + ch.rule + ") for " +
                     describe_finding(r_.findings[ch.finding]) + "\n";
    if (!explanation.empty())
      explanation = "the charges of " + e.unit + ":\n" + explanation +
                    (got.capped ? "  capped: " + got.points_charged.to_string() + " → " + got.points.to_string() + "\n"
                                : std::string());
    const std::string what = "penalty line of " + e.unit;
    if (e.notices && *e.notices != got.notices)
      fail(out, e.where, what + ": notices", std::to_string(*e.notices), std::to_string(got.notices), explanation);
    if (e.points_charged && *e.points_charged != got.points_charged)
      fail(out, e.where, what + ": points charged", e.points_charged->to_string(), got.points_charged.to_string(),
           explanation);
    if (e.points && *e.points != got.points)
      fail(out, e.where, what + ": points", e.points->to_string(), got.points.to_string(), explanation);
    if (e.capped && *e.capped != got.capped)
      fail(out, e.where, what + ": capped", *e.capped ? "true" : "false", got.capped ? "true" : "false", explanation);
  }

  // ---- coverage ------------------------------------------------------------------------

  void cover_finding_rule(const finding_pattern& p) {
    const rule* r = p_.find_rule(p.rule);
    if (r == nullptr) return;
    if (r->kind == rule_kind::allowance) {
      // A short payment: the amounts it compares are this rule's.
      const std::optional<std::string> only = r->id;
      const auto* a = std::get_if<allowance_rule>(&r->body);
      date_range days = c_.evaluated.range;
      if (p.from && p.to && *p.from <= *p.to) days = {*p.from, *p.to};
      if (p.subject_id) {
        const bool team = a->per == allowance_basis::team_year;
        cover_rows({r}, team ? subject_kind::team : subject_kind::member, *p.subject_id, days);
      } else {
        cover_rows({r}, std::nullopt, {}, days);
      }
      return;
    }
    cov_->touch(r->id, c_.name, c_.evaluated.range);
    figure_branches(*r);
  }

  /// Records the rows of allowance `rules` a check reads: their amounts (each
  /// entitlement: `when:` held) and, for a rule with `when:`, the rows it owed
  /// nothing (`when:` did not hold).
  void cover_rows(const std::vector<const rule*>& rules, std::optional<subject_kind> subject, const std::string& id,
                  const date_range& slice) {
    for (const rule* r : rules) {
      const auto& a = std::get<allowance_rule>(r->body);
      cov_->touch(r->id, c_.name, slice);
      const bool amount_branches = has_decisions(a.amount);
      const bool when_branches = a.when && has_decisions(*a.when);
      std::set<std::pair<std::string, date>> owed_rows;
      for (const entitlement& x : r_.entitlements) {
        if (x.rule != r->id || !within(x.slice, slice)) continue;
        if (subject && (x.subject != *subject || x.subject_id != id)) continue;
        owed_rows.insert({x.subject_id, row_start(a.per, x.slice.first)});
        if (a.when) cov_->hit(r->id, "when", "when: " + a.when->text(), "true");
        if (amount_branches || when_branches) walk_explanation(*r, explain(prog_, data_, r_, x));
      }
      if (!a.when) continue;
      // Rows with service and no amount: `when:` did not hold there.
      const auto not_owed = [&](subject_kind kind, const std::string& who, const date_range& row) {
        if (owed_rows.contains({who, row.first})) return;
        cov_->hit(r->id, "when", "when: " + a.when->text(), "false");
        if (when_branches) {
          entitlement probe;
          probe.rule = r->id;
          probe.item = a.item;
          probe.subject = kind;
          probe.subject_id = who;
          probe.slice = row;
          try {
            walk_explanation(*r, explain(prog_, data_, r_, probe));
          } catch (const std::exception&) {
            // No trace for this row: its decisions go unrecorded.
          }
        }
      };
      const std::optional<date_range> in = overlap(slice, c_.evaluated.range);
      if (!in) continue;
      for (const date_range& row : rows(a.per, *in)) {
        if (a.per == allowance_basis::team_year) {
          for (const team& t : data_.teams)
            if ((!subject || (*subject == subject_kind::team && t.id == id)) && team_present(data_, t, row))
              not_owed(subject_kind::team, t.id, row);
        } else {
          for (const member& m : data_.members)
            if ((!subject || (*subject == subject_kind::member && m.id == id)) && served_in(data_, m, row))
              not_owed(subject_kind::member, m.id, row);
        }
      }
    }
  }

  static date row_start(allowance_basis per, date d) {
    if (per == allowance_basis::member_month) return year_month::of(d).first_day();
    return date(d.year(), 1, 1);
  }

  /// The months or years of `range`, each cut to it.
  static std::vector<date_range> rows(allowance_basis per, const date_range& range) {
    std::vector<date_range> out;
    date d = range.first;
    while (d <= range.last) {
      const date start = row_start(per, d);
      const date end = per == allowance_basis::member_month ? year_month::of(d).last_day()
                                                            : date(d.year(), 12, 31);
      out.push_back({start, std::min(end, range.last)});
      d = end + boost::gregorian::days(1);
    }
    return out;
  }

  void walk_explanation(const rule& r, const std::string& text) {
    for (const auto& named : expressions_of(r)) {  // not a structured binding: clang 14 cannot capture one
      const auto& key = named.first;
      const auto& e = named.second;
      const decisions d(e->text());
      if (d.list.empty()) continue;
      const std::string header = key == "when" ? "when: " + e->text() + " → " : key + ": " + e->text();
      for (const auto& steps : evaluations_in(text, header))
        trace_walker(d, steps, [&](const decision& dc, const std::string& outcome) {
          cov_->hit(r.id, key, dc.point, outcome);
        }).walk();
    }
  }

  /// The figures of a check (`at_least`, `times`, …) read parameters only:
  /// their decisions are those of the values in force on the period's last day.
  void figure_branches(const rule& r) {
    const date on = std::min(c_.evaluated.range.last, p_.governs.last);
    for (const auto& named : expressions_of(r)) {  // not a structured binding: clang 14 cannot capture one
      const auto& key = named.first;
      const auto& e = named.second;
      const decisions d(e->text());
      if (d.list.empty()) continue;
      std::vector<value> slots(p_.names.size(), value::of(decimal{}));
      for (const parameter& param : p_.parameters)
        if (const auto v = param.slot_value_on(on)) slots[p_.names.slot_of(param.id)] = *v;
      std::vector<std::string> steps;
      try {
        (void)e->evaluate_explained(slots, steps);
      } catch (const std::exception&) {
        continue;
      }
      std::vector<std::string_view> views(steps.begin(), steps.end());
      trace_walker(d, views, [&](const decision& dc, const std::string& outcome) {
        cov_->hit(r.id, key, dc.point, outcome);
      }).walk();
    }
  }

  const program& prog_;
  const policy& p_;
  const example_case& c_;
  const county& data_;
  case_coverage* cov_;
  results r_;
};

}  // namespace

// ---- finding patterns ----------------------------------------------------------------------

bool finding_pattern::matches(const finding& f) const {
  if (f.rule != rule) return false;
  if (subject_id && f.subject_id != *subject_id) return false;
  if (from && f.slice.first != *from) return false;
  if (to && f.slice.last != *to) return false;
  if (expected && f.expected != *expected) return false;
  if (actual && f.actual != *actual) return false;
  if (responsible_unit && f.responsible_unit != *responsible_unit) return false;
  if (severity && f.severity != *severity) return false;
  return true;
}

std::string finding_pattern::describe() const {
  std::string s = "finding of rule " + rule;
  if (subject_id) s += " for " + (subject_id->empty() ? std::string("the county") : *subject_id);
  if (from || to)
    s += " " + (from ? to_string(*from) : std::string("…")) + ".." + (to ? to_string(*to) : std::string("…"));
  if (expected) s += ", expected " + *expected;
  if (actual) s += ", actual " + *actual;
  if (responsible_unit) s += ", against " + (responsible_unit->empty() ? std::string("no unit") : *responsible_unit);
  if (severity) s += severity == finding_severity::advisory ? " (advisory)" : " (violation)";
  return s;
}

// ---- running ----------------------------------------------------------------------------------

case_result run_case(const program& prog, const example_case& c, case_coverage* coverage) {
  return case_runner(prog, c, coverage).run();
}

std::string format(const case_result& r) {
  std::ostringstream s;
  s << "FAIL " << r.file << ": " << r.name << " (policy " << r.policy << ")\n";
  if (!r.error.empty()) s << "  error: " << r.error << '\n';
  for (const case_failure& f : r.failures) {
    s << "  " << f.where.file << ':' << f.where.line << ':' << f.where.column << ": " << f.what << '\n';
    s << "    expected: " << f.expected << '\n';
    s << "    actual:   " << f.actual << '\n';
    if (!f.explanation.empty()) {
      s << "    how the actual one was reached:\n";
      std::istringstream lines(f.explanation);
      for (std::string line; std::getline(lines, line);) s << "      " << line << '\n';
    }
  }
  return s.str();
}

// ---- coverage ------------------------------------------------------------------------------

case_coverage::case_coverage(const program& prog) : prog_(prog) {
  const policy& p = prog_.rules();
  for (const rule& r : p.rules) {
    rule_coverage rc;
    rc.rule = r.id;
    rc.kind = r.kind;
    std::vector<std::string> seen;
    for (const auto& [key, e] : expressions_of(r)) {
      for (const std::size_t slot : e->slots_used()) {
        const std::string& name = p.names.entries()[slot].name;
        const parameter* param = p.find_parameter(name);
        if (param == nullptr || std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
        seen.push_back(name);
        for (const dated_value& v : param->values)
          rc.parameters.push_back({param->id, v.since, v.value.to_string(), false});
      }
      if (key == "when") {
        rc.branches.push_back({key, "when: " + e->text(), "true", 0, false});
        rc.branches.push_back({key, "when: " + e->text(), "false", 0, false});
      }
      const decisions d(e->text());
      for (const decision& dc : d.list) {
        rc.branches.push_back({key, dc.point, dc.outcome_a, 0, dc.constant});
        rc.branches.push_back({key, dc.point, dc.outcome_b, 0, dc.constant});
      }
    }
    rules_.push_back(std::move(rc));
  }
}

case_coverage::rule_coverage* case_coverage::find(std::string_view rule) {
  for (rule_coverage& r : rules_)
    if (r.rule == rule) return &r;
  return nullptr;
}

void case_coverage::touch(std::string_view rule, const std::string& case_name, const date_range& days) {
  rule_coverage* rc = find(rule);
  if (rc == nullptr) return;
  if (std::find(rc->cases.begin(), rc->cases.end(), case_name) == rc->cases.end()) rc->cases.push_back(case_name);
  // A value is exercised when it is in force on a day the case checks the rule.
  const policy& p = prog_.rules();
  for (parameter_value& v : rc->parameters) {
    const parameter* param = p.find_parameter(v.parameter);
    date until = date_range::open_end();
    for (const dated_value& next : param->values)
      if (next.since > v.since) {
        until = next.since - boost::gregorian::days(1);
        break;
      }
    if (overlap(date_range{v.since, until}, days)) v.exercised = true;
  }
}

void case_coverage::hit(std::string_view rule, std::string_view expression, std::string_view point,
                        std::string_view outcome) {
  rule_coverage* rc = find(rule);
  if (rc == nullptr) return;
  for (branch& b : rc->branches)
    if (b.expression == expression && b.point == point && b.outcome == outcome) {
      ++b.hits;
      return;
    }
}

std::size_t case_coverage::rules_covered() const noexcept {
  return static_cast<std::size_t>(std::count_if(rules_.begin(), rules_.end(), [](const rule_coverage& r) { return r.covered(); }));
}
std::size_t case_coverage::branch_count() const noexcept {
  std::size_t n = 0;
  for (const rule_coverage& r : rules_)
    for (const branch& b : r.branches) n += b.constant ? 0 : 1;
  return n;
}
std::size_t case_coverage::branches_taken() const noexcept {
  std::size_t n = 0;
  for (const rule_coverage& r : rules_)
    for (const branch& b : r.branches) n += (!b.constant && b.hits > 0) ? 1 : 0;
  return n;
}
std::size_t case_coverage::value_count() const noexcept {
  std::size_t n = 0;
  for (const rule_coverage& r : rules_) n += r.parameters.size();
  return n;
}
std::size_t case_coverage::values_exercised() const noexcept {
  std::size_t n = 0;
  for (const rule_coverage& r : rules_)
    for (const parameter_value& v : r.parameters) n += v.exercised ? 1 : 0;
  return n;
}

namespace {
std::string percent(std::size_t part, std::size_t whole) {
  if (whole == 0) return "100 %";
  // Whole per cent, rounded down: 99.5 % is not 100 %.
  return std::to_string(part * 100 / whole) + " %";
}
}  // namespace

std::string format(const case_coverage& c) {
  std::ostringstream s;
  const policy& p = c.prog().rules();
  s << "coverage of " << p.id << " by the cases\n";
  std::vector<std::string> untouched;
  for (const case_coverage::rule_coverage& r : c.rules()) {
    s << "\n" << (r.covered() ? "  covered   " : "  UNTOUCHED ") << r.rule << " (" << to_string(r.kind) << ")";
    if (r.covered()) s << " — " << r.cases.size() << " case(s)";
    s << '\n';
    if (!r.covered()) untouched.push_back(r.rule);
    for (const auto& v : r.parameters)
      s << "      parameter " << v.parameter << " = " << v.value << " since " << to_string(v.since) << ": "
        << (v.exercised ? "exercised" : "not exercised") << '\n';
    for (const auto& b : r.branches) {
      s << "      " << b.expression << " — " << b.point << " → " << b.outcome << ": ";
      if (b.constant) s << "decided when the policy loaded (constant)";
      else if (b.hits == 0) s << "NOT TAKEN";
      else s << b.hits << " time(s)";
      s << '\n';
    }
  }
  s << "\nrules no case touches: ";
  if (untouched.empty()) s << "none";
  for (std::size_t i = 0; i < untouched.size(); ++i) s << (i ? ", " : "") << untouched[i];
  s << "\nrules " << c.rules_covered() << "/" << c.rules().size() << " (" << percent(c.rules_covered(), c.rules().size())
    << "), parameter values " << c.values_exercised() << "/" << c.value_count() << " ("
    << percent(c.values_exercised(), c.value_count()) << "), branches " << c.branches_taken() << "/"
    << c.branch_count() << " (" << percent(c.branches_taken(), c.branch_count()) << ")\n";
  return s.str();
}

}  // namespace rulebook
