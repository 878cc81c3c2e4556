// The C interface of include/rulebook/rulebook.h, over the C++ library.
//
// Every entry point is a `guard`ed call: whatever the C++ code throws becomes
// a status and a message in the calling thread's last error, so no exception
// crosses into a C (or Java, or Python) caller. Handles own immutable C++
// values through shared pointers, which lets results outlive the policy and
// county handles they came from (explain needs both) and lets many threads
// read one handle at once.
#include "rulebook/rulebook.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "report.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"
#include "rulebook/period.hpp"
#include "rulebook/policy.hpp"

#ifndef RULEBOOK_VERSION
#error "RULEBOOK_VERSION must be defined by the build"
#endif

struct rulebook_diagnostics {
  std::vector<rulebook::diagnostic> list;
  std::string text;  // formatted when made, so that reading never writes
};

struct rulebook_policy {
  std::shared_ptr<const rulebook::program> program;
};

struct rulebook_county {
  std::shared_ptr<const rulebook::county> county;
};

struct rulebook_results {
  std::shared_ptr<const rulebook::program> program;
  std::shared_ptr<const rulebook::county> county;
  rulebook::results results;
};

namespace {

thread_local std::string last_error;

/// A failure to report: a status and why.
struct failure {
  rulebook_status status;
  std::string message;
};

rulebook_status fail(rulebook_status status, std::string message) {
  last_error = std::move(message);
  return status;
}

/// Runs `body` (which returns a status), turning any exception into a status
/// and the calling thread's last error.
template <class Body>
rulebook_status guard(Body&& body) noexcept {
  try {
    last_error.clear();
    return body();
  } catch (const failure& f) {
    return fail(f.status, f.message);
  } catch (const std::bad_alloc&) {
    return fail(RULEBOOK_ERROR_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    try {
      return fail(RULEBOOK_ERROR_INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
      return RULEBOOK_ERROR_MEMORY;
    }
  } catch (...) {
    return fail(RULEBOOK_ERROR_INTERNAL, "internal error: an unknown exception");
  }
}

void require(const void* p, const char* what) {
  if (p == nullptr) throw failure{RULEBOOK_ERROR_ARGUMENT, std::string(what) + " is NULL"};
}

/// A copy of `text` in memory the caller releases with rulebook_string_free.
char* c_string(std::string_view text) {
  auto* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

void give_text(std::string_view text, char** out, size_t* length) {
  *out = c_string(text);
  if (length != nullptr) *length = text.size();
}

/// "3 errors in rules/p.yaml": the last error of a load that failed.
std::string summary(const std::vector<rulebook::diagnostic>& ds, std::string_view what) {
  std::size_t errors = 0;
  for (const rulebook::diagnostic& d : ds)
    if (d.level == rulebook::severity::error) ++errors;
  std::string text = std::to_string(errors) + (errors == 1 ? " error" : " errors") + " in " + std::string(what);
  for (const rulebook::diagnostic& d : ds) {
    if (d.level != rulebook::severity::error) continue;
    text += "; the first: " + d.where.file;
    if (d.where.line > 0) text += ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column);
    text += ": " + d.message;
    break;
  }
  return text;
}

/// Hands `ds` to the caller when asked for.
void give_diagnostics(std::vector<rulebook::diagnostic> ds, rulebook_diagnostics** out) {
  if (out == nullptr) return;
  auto handle = std::make_unique<rulebook_diagnostics>();
  handle->list = std::move(ds);
  if (!handle->list.empty()) handle->text = rulebook::format(handle->list);
  *out = handle.release();
}

/// The common shape of the four loaders: clear the outputs, load, hand over.
template <class Handle, class Load, class Make>
rulebook_status load(Handle** out, rulebook_diagnostics** diagnostics, std::string_view what, Load load_it,
                     Make make) {
  if (diagnostics != nullptr) *diagnostics = nullptr;
  if (out != nullptr) *out = nullptr;
  const rulebook_status status = guard([&] {
    require(out, "the handle out parameter");
    auto loaded = load_it();
    if (!loaded) {
      const std::string why = summary(loaded.diagnostics, what);
      give_diagnostics(std::move(loaded.diagnostics), diagnostics);
      return fail(RULEBOOK_ERROR_INPUT, why);
    }
    auto handle = std::make_unique<Handle>(make(std::move(*loaded.value)));
    give_diagnostics(std::move(loaded.diagnostics), diagnostics);
    *out = handle.release();
    return RULEBOOK_OK;
  });
  // A bad argument, or memory running out, still gives the (empty) diagnostics
  // handle the caller asked for, so that it is freed the same way on every path.
  if (diagnostics != nullptr && *diagnostics == nullptr) *diagnostics = new (std::nothrow) rulebook_diagnostics();
  return status;
}

const rulebook::diagnostic* diagnostic_at(const rulebook_diagnostics* d, size_t i) noexcept {
  return d != nullptr && i < d->list.size() ? &d->list[i] : nullptr;
}

std::string_view text_arg(const char* text, size_t length) {
  if (text == nullptr && length == 0) return {};
  require(text, "the text");
  return {text, length};
}

}  // namespace

extern "C" {

// ---- versions, statuses, errors --------------------------------------------------------------

const char* rulebook_version(void) { return RULEBOOK_VERSION; }

int rulebook_abi_version(void) { return RULEBOOK_ABI_VERSION; }

const char* rulebook_status_name(rulebook_status status) {
  switch (status) {
    case RULEBOOK_OK: return "ok";
    case RULEBOOK_ERROR_ARGUMENT: return "argument";
    case RULEBOOK_ERROR_INPUT: return "input";
    case RULEBOOK_ERROR_NOT_FOUND: return "not-found";
    case RULEBOOK_ERROR_EVALUATION: return "evaluation";
    case RULEBOOK_ERROR_MEMORY: return "memory";
    case RULEBOOK_ERROR_INTERNAL: return "internal";
  }
  return "unknown";
}

const char* rulebook_last_error(void) { return last_error.c_str(); }

void rulebook_string_free(char* text) { std::free(text); }

// ---- diagnostics --------------------------------------------------------------------------------

size_t rulebook_diagnostics_count(const rulebook_diagnostics* d) { return d == nullptr ? 0 : d->list.size(); }

int rulebook_diagnostic_severity(const rulebook_diagnostics* d, size_t i) {
  const rulebook::diagnostic* x = diagnostic_at(d, i);
  if (x == nullptr) return -1;
  switch (x->level) {
    case rulebook::severity::error: return RULEBOOK_SEVERITY_ERROR;
    case rulebook::severity::warning: return RULEBOOK_SEVERITY_WARNING;
    case rulebook::severity::note: return RULEBOOK_SEVERITY_NOTE;
  }
  return -1;
}

const char* rulebook_diagnostic_code(const rulebook_diagnostics* d, size_t i) {
  const rulebook::diagnostic* x = diagnostic_at(d, i);
  return x == nullptr ? nullptr : x->code.c_str();
}

const char* rulebook_diagnostic_file(const rulebook_diagnostics* d, size_t i) {
  const rulebook::diagnostic* x = diagnostic_at(d, i);
  return x == nullptr ? nullptr : x->where.file.c_str();
}

int rulebook_diagnostic_line(const rulebook_diagnostics* d, size_t i) {
  const rulebook::diagnostic* x = diagnostic_at(d, i);
  return x == nullptr ? 0 : x->where.line;
}

int rulebook_diagnostic_column(const rulebook_diagnostics* d, size_t i) {
  const rulebook::diagnostic* x = diagnostic_at(d, i);
  return x == nullptr ? 0 : x->where.column;
}

const char* rulebook_diagnostic_field(const rulebook_diagnostics* d, size_t i) {
  const rulebook::diagnostic* x = diagnostic_at(d, i);
  return x == nullptr ? nullptr : x->where.field.c_str();
}

const char* rulebook_diagnostic_message(const rulebook_diagnostics* d, size_t i) {
  const rulebook::diagnostic* x = diagnostic_at(d, i);
  return x == nullptr ? nullptr : x->message.c_str();
}

const char* rulebook_diagnostic_hint(const rulebook_diagnostics* d, size_t i) {
  const rulebook::diagnostic* x = diagnostic_at(d, i);
  return x == nullptr ? nullptr : x->hint.c_str();
}

const char* rulebook_diagnostic_source_line(const rulebook_diagnostics* d, size_t i) {
  const rulebook::diagnostic* x = diagnostic_at(d, i);
  return x == nullptr ? nullptr : x->source_line.c_str();
}

const char* rulebook_diagnostics_text(const rulebook_diagnostics* d) { return d == nullptr ? nullptr : d->text.c_str(); }

void rulebook_diagnostics_free(rulebook_diagnostics* d) { delete d; }

// ---- policies -------------------------------------------------------------------------------------

rulebook_status rulebook_policy_load(const char* path, rulebook_policy** policy, rulebook_diagnostics** diagnostics) {
  const std::string what = path == nullptr ? std::string() : path;
  return load(
      policy, diagnostics, what,
      [&] {
        require(path, "the path");
        return rulebook::load_policy(path);
      },
      [](rulebook::policy p) { return rulebook_policy{std::make_shared<const rulebook::program>(std::move(p))}; });
}

rulebook_status rulebook_policy_load_text(const char* text, size_t length, const char* name, rulebook_policy** policy,
                                          rulebook_diagnostics** diagnostics) {
  const std::string what = name == nullptr ? std::string() : name;
  return load(
      policy, diagnostics, what,
      [&] {
        require(name, "the name");
        return rulebook::load_policy_text(text_arg(text, length), name);
      },
      [](rulebook::policy p) { return rulebook_policy{std::make_shared<const rulebook::program>(std::move(p))}; });
}

const char* rulebook_policy_id(const rulebook_policy* policy) {
  return policy == nullptr ? nullptr : policy->program->rules().id.c_str();
}

int rulebook_policy_money_scale(const rulebook_policy* policy) {
  return policy == nullptr ? 0 : policy->program->rules().money.scale;
}

void rulebook_policy_free(rulebook_policy* policy) { delete policy; }

// ---- counties ---------------------------------------------------------------------------------------

rulebook_status rulebook_county_load(const char* path, rulebook_county** county, rulebook_diagnostics** diagnostics) {
  const std::string what = path == nullptr ? std::string() : path;
  return load(
      county, diagnostics, what,
      [&] {
        require(path, "the path");
        return rulebook::load_county(path);
      },
      [](rulebook::county c) { return rulebook_county{std::make_shared<const rulebook::county>(std::move(c))}; });
}

rulebook_status rulebook_county_load_json(const char* json, size_t length, const char* name, rulebook_county** county,
                                          rulebook_diagnostics** diagnostics) {
  const std::string what = name == nullptr ? std::string() : name;
  return load(
      county, diagnostics, what,
      [&] {
        require(name, "the name");
        return rulebook::load_county_json(text_arg(json, length), name);
      },
      [](rulebook::county c) { return rulebook_county{std::make_shared<const rulebook::county>(std::move(c))}; });
}

void rulebook_county_free(rulebook_county* county) { delete county; }

// ---- evaluation and results ---------------------------------------------------------------------

rulebook_status rulebook_evaluate(const rulebook_policy* policy, const rulebook_county* county, const char* period,
                                  rulebook_results** results) {
  if (results != nullptr) *results = nullptr;
  return guard([&] {
    require(policy, "the policy");
    require(county, "the county");
    require(period, "the period");
    require(results, "the results out parameter");
    std::string why;
    const std::optional<rulebook::period> p = rulebook::parse_period(period, &why);
    if (!p) return fail(RULEBOOK_ERROR_ARGUMENT, "the period: " + why);
    auto handle = std::make_unique<rulebook_results>();
    handle->program = policy->program;
    handle->county = county->county;
    try {
      handle->results = rulebook::evaluate(*handle->program, *handle->county, *p);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      return fail(RULEBOOK_ERROR_EVALUATION, "evaluating " + policy->program->rules().id + " for " + p->label() +
                                                 " failed: " + e.what());
    }
    *results = handle.release();
    return RULEBOOK_OK;
  });
}

rulebook_status rulebook_results_json(const rulebook_results* results, char** json, size_t* length) {
  if (json != nullptr) *json = nullptr;
  return guard([&] {
    require(results, "the results");
    require(json, "the json out parameter");
    std::ostringstream out;
    rulebook::report::write_json(out, results->results, results->program->rules().money.scale);
    give_text(out.view(), json, length);
    return RULEBOOK_OK;
  });
}

size_t rulebook_results_entitlement_count(const rulebook_results* results) {
  return results == nullptr ? 0 : results->results.entitlements.size();
}

size_t rulebook_results_finding_count(const rulebook_results* results) {
  return results == nullptr ? 0 : results->results.findings.size();
}

rulebook_status rulebook_results_find_entitlement(const rulebook_results* results, const char* subject_id,
                                                  const char* item, const char* day, size_t* index) {
  return guard([&] {
    require(results, "the results");
    require(subject_id, "the subject id");
    require(item, "the item");
    require(day, "the day");
    require(index, "the index out parameter");
    const std::string_view text(day);
    rulebook::date_range wanted;
    std::string why;
    if (text.size() == 7) {
      const std::optional<rulebook::year_month> m = rulebook::parse_month(text, &why);
      if (!m) return fail(RULEBOOK_ERROR_ARGUMENT, "the day: " + why);
      wanted = {m->first_day(), m->last_day()};
    } else {
      const std::optional<rulebook::date> d = rulebook::parse_date(text, &why);
      if (!d) return fail(RULEBOOK_ERROR_ARGUMENT, "the day: " + why);
      wanted = {*d, *d};
    }
    const std::vector<rulebook::entitlement>& es = results->results.entitlements;
    for (std::size_t i = 0; i < es.size(); ++i) {
      if (es[i].subject_id == subject_id && es[i].item == item && rulebook::overlap(es[i].slice, wanted)) {
        *index = i;
        return RULEBOOK_OK;
      }
    }
    return fail(RULEBOOK_ERROR_NOT_FOUND, "no entitlement of '" + std::string(subject_id) + "' for '" +
                                              std::string(item) + "' on " + std::string(text));
  });
}

rulebook_status rulebook_results_explain_entitlement(const rulebook_results* results, size_t index, char** text,
                                                     size_t* length) {
  if (text != nullptr) *text = nullptr;
  return guard([&] {
    require(results, "the results");
    require(text, "the text out parameter");
    const std::vector<rulebook::entitlement>& es = results->results.entitlements;
    if (index >= es.size())
      return fail(RULEBOOK_ERROR_ARGUMENT, "entitlement " + std::to_string(index) + " is out of range: there are " +
                                               std::to_string(es.size()));
    give_text(rulebook::explain(*results->program, *results->county, results->results, es[index]), text, length);
    return RULEBOOK_OK;
  });
}

rulebook_status rulebook_results_explain_finding(const rulebook_results* results, size_t index, char** text,
                                                 size_t* length) {
  if (text != nullptr) *text = nullptr;
  return guard([&] {
    require(results, "the results");
    require(text, "the text out parameter");
    const std::vector<rulebook::finding>& fs = results->results.findings;
    if (index >= fs.size())
      return fail(RULEBOOK_ERROR_ARGUMENT, "finding " + std::to_string(index) + " is out of range: there are " +
                                               std::to_string(fs.size()));
    give_text(rulebook::explain(*results->program, *results->county, results->results, fs[index]), text, length);
    return RULEBOOK_OK;
  });
}

void rulebook_results_free(rulebook_results* results) { delete results; }

}  // extern "C"
