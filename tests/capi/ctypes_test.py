"""librulebook.so called from Python's ctypes, as a caller with no C or C++
toolchain calls it (Java's JNA and .NET's P/Invoke take the same route): the
library is loaded by path, each function declared by hand from rulebook.h.

    python3 tests/capi/ctypes_test.py PATH/TO/librulebook.so [PATH/TO/rulebook-cli]

Run from the source folder (CTest: capi.ctypes; `cmake/dev.sh consumer` runs it
on the installed library). Figures are worked by hand in
examples/qiyang/README.md; with the CLI given, the library's JSON must be the
bytes `rulebook eval --format json` writes.
"""
import ctypes
import json
import subprocess
import sys
import threading
import unittest
from decimal import Decimal

LIBRARY = sys.argv[1] if len(sys.argv) > 1 else None
CLI = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None

OK, ARGUMENT, INPUT, NOT_FOUND = 0, 1, 2, 3


def declare(lib):
    """Declares the functions the test calls, as rulebook.h does."""
    c_char_p, c_size_t, c_int, c_void_p = ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_void_p
    out = ctypes.POINTER(c_void_p)
    signatures = {
        "rulebook_version": (c_char_p, []),
        "rulebook_abi_version": (c_int, []),
        "rulebook_last_error": (c_char_p, []),
        "rulebook_string_free": (None, [c_void_p]),
        "rulebook_policy_load": (c_int, [c_char_p, out, out]),
        "rulebook_policy_id": (c_char_p, [c_void_p]),
        "rulebook_policy_free": (None, [c_void_p]),
        "rulebook_county_load": (c_int, [c_char_p, out, out]),
        "rulebook_county_load_json": (c_int, [c_char_p, c_size_t, c_char_p, out, out]),
        "rulebook_county_free": (None, [c_void_p]),
        "rulebook_diagnostics_count": (c_size_t, [c_void_p]),
        "rulebook_diagnostic_code": (c_char_p, [c_void_p, c_size_t]),
        "rulebook_diagnostic_file": (c_char_p, [c_void_p, c_size_t]),
        "rulebook_diagnostic_line": (c_int, [c_void_p, c_size_t]),
        "rulebook_diagnostic_column": (c_int, [c_void_p, c_size_t]),
        "rulebook_diagnostic_message": (c_char_p, [c_void_p, c_size_t]),
        "rulebook_diagnostics_free": (None, [c_void_p]),
        "rulebook_evaluate": (c_int, [c_void_p, c_void_p, c_char_p, out]),
        "rulebook_results_json": (c_int, [c_void_p, ctypes.POINTER(c_void_p), ctypes.POINTER(c_size_t)]),
        "rulebook_results_find_entitlement": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p,
                                                      ctypes.POINTER(c_size_t)]),
        "rulebook_results_explain_entitlement": (c_int, [c_void_p, c_size_t, ctypes.POINTER(c_void_p),
                                                         ctypes.POINTER(c_size_t)]),
        "rulebook_results_free": (None, [c_void_p]),
    }
    for name, (restype, argtypes) in signatures.items():
        f = getattr(lib, name)
        f.restype = restype
        f.argtypes = argtypes
    return lib


class Rulebook:
    """The few wrappers a caller writes over the C functions."""

    def __init__(self, lib):
        self.lib = lib

    def take_text(self, pointer, length):
        """The library's string as str, released through the library."""
        try:
            return ctypes.string_at(pointer, length.value).decode("utf-8")
        finally:
            self.lib.rulebook_string_free(pointer)

    def diagnostics(self, handle):
        lib = self.lib
        found = []
        for i in range(lib.rulebook_diagnostics_count(handle)):
            found.append((lib.rulebook_diagnostic_file(handle, i).decode(), lib.rulebook_diagnostic_line(handle, i),
                          lib.rulebook_diagnostic_column(handle, i), lib.rulebook_diagnostic_code(handle, i).decode(),
                          lib.rulebook_diagnostic_message(handle, i).decode()))
        lib.rulebook_diagnostics_free(handle)
        return found

    def load(self, function, *args):
        handle, diagnostics = ctypes.c_void_p(), ctypes.c_void_p()
        status = function(*args, ctypes.byref(handle), ctypes.byref(diagnostics))
        return status, handle, self.diagnostics(diagnostics)

    def evaluate(self, policy, county, period):
        results = ctypes.c_void_p()
        status = self.lib.rulebook_evaluate(policy, county, period.encode(), ctypes.byref(results))
        return status, results

    def json(self, results):
        text, length = ctypes.c_void_p(), ctypes.c_size_t()
        assert self.lib.rulebook_results_json(results, ctypes.byref(text), ctypes.byref(length)) == OK
        return self.take_text(text, length)


class CTypesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lib = declare(ctypes.CDLL(LIBRARY))
        cls.rb = Rulebook(cls.lib)
        status, cls.policy, problems = cls.rb.load(cls.lib.rulebook_policy_load, b"rules/qiyang-2019.yaml")
        assert status == OK and problems == [], problems
        status, cls.county, problems = cls.rb.load(cls.lib.rulebook_county_load, b"examples/qiyang/county.yaml")
        assert status == OK and problems == [], problems

    @classmethod
    def tearDownClass(cls):
        cls.lib.rulebook_county_free(cls.county)
        cls.lib.rulebook_policy_free(cls.policy)

    def test_version(self):
        self.assertRegex(self.lib.rulebook_version().decode(), r"^\d+\.\d+\.\d+$")
        self.assertEqual(self.lib.rulebook_abi_version(), 0)
        self.assertEqual(self.lib.rulebook_policy_id(self.policy), b"qiyang-2019")

    def test_results_json_holds_the_figures_worked_by_hand(self):
        status, results = self.rb.evaluate(self.policy, self.county, "2019")
        self.assertEqual(status, OK, self.lib.rulebook_last_error())
        try:
            report = json.loads(self.rb.json(results))
        finally:
            self.lib.rulebook_results_free(results)
        self.assertEqual(report["policy"], "qiyang-2019")
        self.assertEqual(report["period"], {"label": "2019", "from": "2019-01-01", "to": "2019-12-31"})
        self.assertEqual(report["money_scale"], 2)
        totals = {t["item"]: (Decimal(t["owed"]), Decimal(t["paid"])) for t in report["totals"]}
        self.assertEqual(totals["living"], (Decimal("954600"), Decimal("944120")))            # P10: 10480 short
        self.assertEqual(totals["transport"], (Decimal("199782.60"), Decimal("199647.00")))   # P11: 135.60 short
        self.assertEqual(totals["communication"], (Decimal("43451.61"), Decimal("43500")))    # M037: 16/31 of July
        m006 = [e for e in report["entitlements"] if e["subject_id"] == "M006" and e["item"] == "transport"]
        self.assertEqual(sum(Decimal(e["amount"]) for e in m006), Decimal("5589.00"))       # 1852.80 + 3736.20
        # Money is a string in the JSON, never a number a reader turns into binary floating point.
        self.assertTrue(all(isinstance(e["amount"], str) for e in report["entitlements"]))

    @unittest.skipUnless(CLI, "the CLI is not built")
    def test_results_json_is_what_the_cli_writes(self):
        status, results = self.rb.evaluate(self.policy, self.county, "2019-Q3")
        self.assertEqual(status, OK)
        try:
            from_library = self.rb.json(results)
        finally:
            self.lib.rulebook_results_free(results)
        from_cli = subprocess.run([CLI, "eval", "rules/qiyang-2019.yaml", "examples/qiyang/county.yaml",
                                   "--period", "2019-Q3", "--format", "json"],
                                  check=True, capture_output=True, text=True).stdout
        self.assertEqual(from_library, from_cli)

    def test_explains_one_amount(self):
        status, results = self.rb.evaluate(self.policy, self.county, "2019")
        index = ctypes.c_size_t()
        try:
            self.assertEqual(self.lib.rulebook_results_find_entitlement(
                results, b"M006", b"transport", b"2019-04-30", ctypes.byref(index)), OK)
            text, length = ctypes.c_void_p(), ctypes.c_size_t()
            self.assertEqual(self.lib.rulebook_results_explain_entitlement(
                results, index.value, ctypes.byref(text), ctypes.byref(length)), OK)
            explanation = self.rb.take_text(text, length)
            self.assertEqual(self.lib.rulebook_results_find_entitlement(
                results, b"M006", b"parking", b"2019-04", ctypes.byref(index)), NOT_FOUND)
        finally:
            self.lib.rulebook_results_free(results)
        self.assertIn("463.20", explanation)   # min(5, 4) × 2 × 38.6 × 1.5

    def test_a_county_from_json_built_from_python_objects(self):
        county = {
            "county": {"id": "qiyang", "name": "祁阳县"},
            "units": [{"id": "U06", "name": "县人社局", "kind": "county_department"}],
            "teams": [{"id": "T03", "village": "内下村", "town": "八宝镇", "lead_unit": "U06", "distance_km": "78.5"}],
            "members": [{"id": "M014", "name": "队员", "role": "member", "unit": "U06",
                         "service": [{"from": "2018-03-01", "team": "T03"}]}],
            "months": [{"member": "M014", "month": "2019-01", "days_in_village": 25, "round_trips": 3,
                        "days_away_on_duty": 3,
                        "paid": {"living": "2000", "transport": "706.50", "communication": "100"}}],
        }
        text = json.dumps(county, ensure_ascii=False).encode()
        status, handle, problems = self.rb.load(self.lib.rulebook_county_load_json, text, len(text), b"m014.json")
        self.assertEqual((status, problems), (OK, []))
        try:
            status, results = self.rb.evaluate(self.policy, handle, "2019-01")
            self.assertEqual(status, OK)
            report = json.loads(self.rb.json(results))
            self.lib.rulebook_results_free(results)
        finally:
            self.lib.rulebook_county_free(handle)
        owed = {e["item"]: (e["amount"], e["paid"]) for e in report["entitlements"] if e["subject_id"] == "M014"}
        # README, M014 2019-01: owed living 2500, transport 3 × 2 × 78.5 × 1.5 = 706.50, communication 100;
        # paid living 2000 (P10, 80 a day).
        self.assertEqual(owed["living"], ("2500.00", "2000.00"))
        self.assertEqual(owed["transport"], ("706.50", "706.50"))
        self.assertEqual(owed["communication"], ("100.00", "100.00"))
        short = [f for f in report["findings"] if f["subject_id"] == "M014" and f["rule"] == "living"]
        self.assertEqual([(f["expected"], f["actual"]) for f in short], [("2500.00", "2000.00")])

    def test_bad_json_gives_its_line_and_column(self):
        text = '{"county": {"id": "q", "name": "n"},\n "units": [{"id": "U01", "name": "x", "kind": "bureau"}]}'.encode()
        status, handle, problems = self.rb.load(self.lib.rulebook_county_load_json, text, len(text), b"api.json")
        self.assertEqual(status, INPUT)
        self.assertFalse(handle.value)
        self.assertEqual([p[:4] for p in problems], [("api.json", 2, 47, "unknown-name")])
        self.assertIn("1 error in api.json", self.lib.rulebook_last_error().decode())

    def test_a_bad_period_is_an_argument_error(self):
        status, results = self.rb.evaluate(self.policy, self.county, "2019-Q5")
        self.assertEqual(status, ARGUMENT)
        self.assertFalse(results.value)
        self.assertIn("period", self.lib.rulebook_last_error().decode())

    def test_one_policy_serves_many_threads(self):
        outputs, errors = [], []

        def run():
            status, results = self.rb.evaluate(self.policy, self.county, "2019-H1")
            if status != OK:
                errors.append(status)
                return
            outputs.append(self.rb.json(results))
            self.lib.rulebook_results_free(results)

        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(outputs), 4)
        self.assertEqual(len(set(outputs)), 1)


if __name__ == "__main__":
    if LIBRARY is None:
        sys.exit(__doc__)
    unittest.main(argv=sys.argv[:1])
