// rulebook._native: the compiled half of the Python module `rulebook`
// (src/python/rulebook/__init__.py is the other, and the one users import).
//
// This half is thin on purpose: it loads, evaluates and explains through the
// C++ library, and hands results to Python as tuples of str, int, bool and
// None — money and decimals as their exact decimal text ("2878.50"), which the
// Python half turns into decimal.Decimal, so no amount ever becomes a float.
// Loading and evaluating release the GIL: Python threads may evaluate one
// policy over many counties at once, as C++ threads may.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "report.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"
#include "rulebook/period.hpp"
#include "rulebook/policy.hpp"

namespace py = pybind11;
namespace rb = rulebook;

namespace {

struct policy_handle {
  std::shared_ptr<const rb::program> program;
};

struct county_handle {
  std::shared_ptr<const rb::county> county;
};

struct results_handle {
  std::shared_ptr<const rb::program> program;
  std::shared_ptr<const rb::county> county;
  rb::results results;

  [[nodiscard]] int scale() const { return program->rules().money.scale; }
};

const char* severity_name(rb::severity s) {
  switch (s) {
    case rb::severity::error: return "error";
    case rb::severity::warning: return "warning";
    case rb::severity::note: return "note";
  }
  return "error";
}

/// (severity, code, file, line, column, field, message, hint, source_line)
py::list diagnostic_tuples(const std::vector<rb::diagnostic>& ds) {
  py::list out;
  for (const rb::diagnostic& d : ds)
    out.append(py::make_tuple(severity_name(d.level), d.code, d.where.file, d.where.line, d.where.column,
                              d.where.field, d.message, d.hint, d.source_line));
  return out;
}

/// (handle or None, diagnostics, their formatted text)
template <class Handle, class Loaded>
py::tuple loaded(Loaded&& result, auto make) {
  const std::string text = result.diagnostics.empty() ? std::string() : rb::format(result.diagnostics);
  py::object handle = py::none();
  if (result.value) handle = py::cast(make(std::move(*result.value)));
  return py::make_tuple(handle, diagnostic_tuples(result.diagnostics), text);
}

policy_handle make_policy(rb::policy p) { return {std::make_shared<const rb::program>(std::move(p))}; }
county_handle make_county(rb::county c) { return {std::make_shared<const rb::county>(std::move(c))}; }

py::object optional_money(const std::optional<rb::money>& m, int scale) {
  if (!m) return py::none();
  return py::str(rb::report::money_text(*m, scale));
}

std::string from(const rb::date_range& r) { return rb::to_string(r.first); }
std::string to(const rb::date_range& r) { return rb::to_string(r.last); }

}  // namespace

PYBIND11_MODULE(_native, m) {
  m.doc() = "rulebook's compiled half; import rulebook instead";
  m.attr("version") = RULEBOOK_VERSION;

  py::class_<policy_handle>(m, "Policy")
      .def_property_readonly("id", [](const policy_handle& p) { return p.program->rules().id; })
      .def_property_readonly("money_scale", [](const policy_handle& p) { return p.program->rules().money.scale; })
      .def_property_readonly("title_zh", [](const policy_handle& p) { return p.program->rules().title.zh; })
      .def_property_readonly("title_en", [](const policy_handle& p) { return p.program->rules().title.en; })
      .def_property_readonly("files", [](const policy_handle& p) { return p.program->rules().files; });

  py::class_<county_handle>(m, "County")
      .def_property_readonly("id", [](const county_handle& c) { return c.county->id; })
      .def_property_readonly("name", [](const county_handle& c) { return c.county->name; })
      .def_property_readonly("counts", [](const county_handle& c) {
        const rb::county& x = *c.county;
        py::dict d;
        d["units"] = x.units.size();
        d["teams"] = x.teams.size();
        d["members"] = x.members.size();
        d["months"] = x.months.size();
        d["visits"] = x.visits.size();
        d["meetings"] = x.meetings.size();
        d["condolences"] = x.condolences.size();
        return d;
      });

  py::class_<results_handle>(m, "Results")
      .def_property_readonly("policy", [](const results_handle& r) { return r.results.policy; })
      .def_property_readonly("money_scale", &results_handle::scale)
      .def_property_readonly("period", [](const results_handle& r) {
        const rb::period& p = r.results.evaluated;
        return py::make_tuple(p.label(), from(p.range), to(p.range));
      })
      .def("entitlements", [](const results_handle& r) {
        py::list out;
        for (const rb::entitlement& e : r.results.entitlements)
          out.append(py::make_tuple(e.rule, e.item, std::string(rb::report::subject_name(e.subject)), e.subject_id,
                                    e.team, e.unit, from(e.slice), to(e.slice),
                                    rb::report::money_text(e.amount, r.scale()), optional_money(e.paid, r.scale())));
        return out;
      })
      .def("findings", [](const results_handle& r) {
        py::list out;
        for (const rb::finding& f : r.results.findings)
          out.append(py::make_tuple(f.rule, rb::to_string(f.kind), std::string(rb::report::subject_name(f.subject)),
                                    f.subject_id, f.responsible_unit,
                                    std::string(rb::report::severity_name(f.severity)), from(f.slice), to(f.slice),
                                    f.expected, f.actual, f.message));
        return out;
      })
      .def("quotas", [](const results_handle& r) {
        py::list out;
        for (const rb::quota_result& q : r.results.quotas) {
          py::list ranking;
          for (const rb::quota_place& p : q.ranking)
            ranking.append(py::make_tuple(p.member, p.score.to_string(), p.rank, p.proposed, p.within_quota));
          out.append(py::make_tuple(q.rule, rb::to_string(q.of_grade), q.population, q.share.to_string(), q.places,
                                    ranking, q.over_quota));
        }
        return out;
      })
      .def("ledger", [](const results_handle& r) {
        py::list out;
        for (const rb::penalty_entry& p : r.results.ledger) {
          py::list charges;
          for (const rb::penalty_charge& c : p.charges)
            charges.append(py::make_tuple(c.finding, c.rule, c.points.to_string()));
          out.append(py::make_tuple(p.unit, p.notices, p.points_charged.to_string(), p.points.to_string(), p.capped,
                                    charges));
        }
        return out;
      })
      .def("totals", [](const results_handle& r) {
        py::list out;
        for (const rb::item_total& t : r.results.totals)
          out.append(py::make_tuple(t.item, rb::report::money_text(t.owed, r.scale()),
                                    rb::report::money_text(t.paid, r.scale())));
        return out;
      })
      .def("to_json", [](const results_handle& r) {
        std::ostringstream out;
        rb::report::write_json(out, r.results, r.scale());
        return out.str();
      })
      .def("explain_entitlement", [](const results_handle& r, std::size_t index) {
        if (index >= r.results.entitlements.size()) throw py::index_error("no entitlement " + std::to_string(index));
        return rb::explain(*r.program, *r.county, r.results, r.results.entitlements[index]);
      })
      .def("explain_finding", [](const results_handle& r, std::size_t index) {
        if (index >= r.results.findings.size()) throw py::index_error("no finding " + std::to_string(index));
        return rb::explain(*r.program, *r.county, r.results, r.results.findings[index]);
      });

  m.def("load_policy", [](const std::string& path) {
    rb::policy_load_result r;
    {
      py::gil_scoped_release unlocked;
      r = rb::load_policy(path);
    }
    return loaded<policy_handle>(std::move(r), make_policy);
  });

  m.def("load_policy_text", [](const std::string& text, const std::string& name) {
    rb::policy_load_result r;
    {
      py::gil_scoped_release unlocked;
      r = rb::load_policy_text(text, name);
    }
    return loaded<policy_handle>(std::move(r), make_policy);
  });

  m.def("load_county", [](const std::string& path) {
    rb::county_load_result r;
    {
      py::gil_scoped_release unlocked;
      r = rb::load_county(path);
    }
    return loaded<county_handle>(std::move(r), make_county);
  });

  m.def("load_county_json", [](const std::string& text, const std::string& name) {
    rb::county_load_result r;
    {
      py::gil_scoped_release unlocked;
      r = rb::load_county_json(text, name);
    }
    return loaded<county_handle>(std::move(r), make_county);
  });

  /// Raises ValueError for a bad period; an evaluation that fails (an amount
  /// that overflows) raises RuntimeError with its message.
  m.def("evaluate", [](const policy_handle& p, const county_handle& c, const std::string& period_text) {
    std::string why;
    const std::optional<rb::period> period = rb::parse_period(period_text, &why);
    if (!period) throw py::value_error("period " + period_text + ": " + why);
    results_handle out{p.program, c.county, {}};
    try {
      py::gil_scoped_release unlocked;
      out.results = rb::evaluate(*out.program, *out.county, *period);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      // RuntimeError whatever the C++ type, which the Python half raises as EvaluationError.
      throw std::runtime_error("evaluating " + p.program->rules().id + " for " + period->label() + " failed: " +
                               e.what());
    }
    return out;
  });
}
