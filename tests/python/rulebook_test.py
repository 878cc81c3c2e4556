"""The Python module `rulebook` (CTest: python.module), run from the source
folder with the built package on PYTHONPATH. Figures are worked by hand in
examples/qiyang/README.md under the Qiyang 2019 rules; none is copied from
the program's output."""
import datetime
import json
import threading
import unittest
from decimal import Decimal

import rulebook

QIYANG = "rules/qiyang-2019.yaml"
SAMPLE = "examples/qiyang/county.yaml"


def m006_april():
    """M006's April alone, as a county system would hold it in Python."""
    return {
        "county": {"id": "qiyang", "name": "祁阳县", "province": "湖南省"},
        "units": [{"id": "U07", "name": "县卫生健康局", "kind": "county_department"}],
        "teams": [{"id": "T01", "village": "日晖塘村", "town": "大忠桥镇", "lead_unit": "U07",
                   "distance_km": Decimal("38.6")}],
        "members": [{"id": "M006", "name": "邓晓梅", "role": "member", "unit": "U07",
                     "service": [{"from": datetime.date(2018, 3, 1), "to": None, "team": "T01"}]}],
        "months": [{"member": "M006", "month": "2019-04", "days_in_village": 22, "round_trips": 5,
                    "days_away_on_duty": 1, "paid": {"living": 2200, "transport": "463.20"}}],
    }


def all_values(x):
    """Every value inside results, for type checks."""
    if isinstance(x, (list, tuple)):
        for v in x:
            yield from all_values(v)
    elif hasattr(x, "__dataclass_fields__"):
        for name in x.__dataclass_fields__:
            yield from all_values(getattr(x, name))
    else:
        yield x


class SampleCounty(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = rulebook.load_policy(QIYANG)
        cls.county = rulebook.load_county(SAMPLE)
        cls.results = cls.policy.evaluate(cls.county, "2019")

    def test_policy_and_county(self):
        self.assertEqual(self.policy.id, "qiyang-2019")
        self.assertEqual(self.policy.money_scale, 2)
        self.assertEqual(self.policy.files, ["rules/qiyang-2019.yaml", "rules/national-2017.yaml"])
        self.assertEqual((self.county.id, self.county.name), ("qiyang", "祁阳县"))
        # README: 9 units, 7 teams, 37 members, 435 month records, 87 visits, 6 meetings, 2 condolences.
        self.assertEqual(self.county.counts, {"units": 9, "teams": 7, "members": 37, "months": 435, "visits": 87,
                                              "meetings": 6, "condolences": 2})

    def test_county_totals(self):
        r = self.results
        self.assertEqual(r.period, rulebook.Period("2019", datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)))
        # living: 9546 days x 100; paid 10480 short (P10: M014, M015 at 80 a day).
        self.assertEqual(r.total("living"), rulebook.Total("living", Decimal("954600"), Decimal("944120")))
        # transport: 135.60 short (P11: M010 paid 3 trips of 4 in August).
        self.assertEqual(r.total("transport").owed, Decimal("199782.60"))
        self.assertEqual(r.total("transport").paid, Decimal("199647.00"))
        # communication: 43500 less M037's unserved 15/31 of July: 100 - 51.61 = 48.39.
        self.assertEqual(r.total("communication").owed, Decimal("43451.61"))
        # work funds: 7 teams x 10000 owed; 6 x 10000 + T07's 6000 received (P12).
        self.assertEqual(r.total("work_funds"), rulebook.Total("work_funds", Decimal("70000"), Decimal("66000")))
        with self.assertRaises(KeyError):
            r.total("parking")

    def test_money_is_decimal_never_float(self):
        values = list(all_values([self.results.entitlements, self.results.findings, self.results.quotas,
                                  self.results.ledger, self.results.totals]))
        self.assertFalse([v for v in values if isinstance(v, float)])
        self.assertTrue(all(isinstance(e.amount, Decimal) for e in self.results.entitlements))
        self.assertEqual(self.results.total("transport").owed.as_tuple().exponent, -2)  # "199782.60", as written

    def test_one_member_month(self):
        r = self.results
        e = r.entitlement("M006", "transport", "2019-04")
        # T01 at 38.6 km: min(5, 4) trips x 2 x 38.6 x 1.5 = 463.20, paid in full.
        self.assertEqual((e.amount, e.paid, e.team, e.unit), (Decimal("463.20"), Decimal("463.20"), "T01", "U07"))
        self.assertEqual((e.start, e.end), (datetime.date(2019, 4, 1), datetime.date(2019, 4, 30)))
        # From May in T05 at 47.9 km: 3 x 2 x 47.9 x 1.5 = 431.10; a date finds it as a month does.
        may = r.entitlement("M006", "transport", datetime.date(2019, 5, 20))
        self.assertEqual((may.amount, may.team), (Decimal("431.10"), "T05"))
        year = sum(x.amount for x in r.entitlements if x.subject_id == "M006" and x.item == "transport")
        self.assertEqual(year, Decimal("5589.00"))  # 16 x 115.80 + 26 x 143.70
        with self.assertRaises(KeyError):
            r.entitlement("M006", "transport", "2020-01")

    def test_m037_joins_mid_july(self):
        r = self.results
        # 12 days, 2 round trips at 45.2 km; 16 of July's 31 days served.
        self.assertEqual(r.entitlement("M037", "living", "2019-07").amount, Decimal("1200"))
        self.assertEqual(r.entitlement("M037", "transport", "2019-07").amount, Decimal("271.20"))
        c = r.entitlement("M037", "communication", "2019-07")
        self.assertEqual((c.amount, c.paid), (Decimal("51.61"), Decimal("100")))

    def test_findings_quota_and_ledger(self):
        r = self.results
        short = [f for f in r.findings if f.subject_id == "M014" and f.rule == "living"
                 and f.start == datetime.date(2019, 1, 1)]
        self.assertEqual([(f.expected, f.actual, f.responsible_unit, f.severity) for f in short],
                         [("2500.00", "2000.00", "U06", "violation")])  # 25 days at 100, paid at 80
        quota = r.quotas[0]
        # 20 % of the 37 members who served in 2019 is 7.4, floored to 7.
        self.assertEqual((quota.grade, quota.population, quota.share, quota.places),
                         ("excellent", 37, Decimal("0.2"), 7))
        within = [p.member for p in quota.ranking if p.within_quota]
        self.assertEqual(within[:6], ["M012", "M007", "M027", "M001", "M032", "M017"])
        self.assertIn("M020", quota.over_quota)
        self.assertEqual(quota.ranking[0].score, Decimal("96.5"))
        u06 = next(p for p in r.ledger if p.unit == "U06")
        self.assertTrue(all(r.findings[c.finding].responsible_unit == "U06" for c in u06.charges))
        self.assertTrue(all(isinstance(c.points, Decimal) for c in u06.charges))

    def test_explain(self):
        r = self.results
        text = r.explain(r.entitlement("M006", "transport", "2019-04"))
        self.assertIn("463.20", text)
        self.assertIn("1.5", text)
        finding = next(f for f in r.findings if f.subject_id == "M009")  # P1: cover 150000 < 200000
        self.assertIn("150000", r.explain(finding))
        other = rulebook.evaluate(self.policy, rulebook.load_county(m006_april()), "2019-04")
        self.assertNotEqual(other.entitlements[0], r.entitlements[0])
        with self.assertRaises(ValueError):
            r.explain(other.entitlements[0])  # not one of r's
        with self.assertRaises(TypeError):
            r.explain("M006")

    def test_json_is_the_schema_of_the_cli(self):
        report = json.loads(self.results.to_json())
        self.assertEqual(list(report), ["policy", "period", "money_scale", "entitlements", "findings", "quotas",
                                        "ledger", "totals", "rollups"])
        self.assertEqual(len(report["entitlements"]), len(self.results.entitlements))
        self.assertEqual({t["item"]: Decimal(t["owed"]) for t in report["totals"]},
                         {t.item: t.owed for t in self.results.totals})

    def test_threads_share_a_policy_and_a_county(self):
        outputs = []

        def run():
            outputs.append(rulebook.evaluate(self.policy, self.county, "2019-H2").to_json())

        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(outputs), 4)
        self.assertEqual(len(set(outputs)), 1)

    def test_a_bad_period(self):
        for bad in ["2019-13", "2019-Q5", "last year", ""]:
            with self.assertRaises(ValueError, msg=bad):
                self.policy.evaluate(self.county, bad)
        with self.assertRaises(TypeError):
            rulebook.evaluate(self.policy, SAMPLE, "2019")


class CountyFromPythonObjects(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = rulebook.load_policy(QIYANG)

    def test_loads_and_evaluates(self):
        r = self.policy.evaluate(rulebook.load_county(m006_april()), "2019-04")
        owed = {e.item: (e.amount, e.paid) for e in r.entitlements if e.subject_id == "M006"}
        # 22 x 100; min(5, 4) x 2 x 38.6 x 1.5; 100 a month, nothing recorded as paid.
        self.assertEqual(owed["living"], (Decimal("2200"), Decimal("2200")))
        self.assertEqual(owed["transport"], (Decimal("463.20"), Decimal("463.20")))
        self.assertEqual(owed["communication"], (Decimal("100"), None))

    def test_problems_say_where_in_the_objects(self):
        county = m006_april()
        county["teams"][0]["distance_kn"] = county["teams"][0].pop("distance_km")
        county["months"][0]["month"] = "2019-4"
        with self.assertRaises(rulebook.InputError) as raised:
            rulebook.load_county(county, name="db")
        found = [(d.code, d.path) for d in raised.exception.diagnostics]
        self.assertIn(("unknown-key", "teams[0].distance_kn"), found)
        self.assertIn(("bad-value", "months[0].month"), found)
        first = next(d for d in raised.exception.diagnostics if d.code == "unknown-key")
        self.assertEqual((first.file, first.hint), ("db", "did you mean 'distance_km'?"))
        self.assertIn("db at teams[0].distance_kn: error[unknown-key]", str(raised.exception))

    def test_a_float_is_refused(self):
        county = m006_april()
        county["teams"][0]["distance_km"] = 38.6
        with self.assertRaises(TypeError) as raised:
            rulebook.load_county(county)
        self.assertIn("teams[0].distance_km", str(raised.exception))
        for bad in [object(), datetime.datetime(2019, 4, 1, 8, 0)]:
            county["teams"][0]["distance_km"] = bad
            with self.assertRaises(TypeError):
                rulebook.load_county(county)
        with self.assertRaises(TypeError):
            rulebook.load_county(42)

    def test_json_text(self):
        county = rulebook.load_county_json(json.dumps(m006_april(), default=str), "m006.json")
        self.assertEqual(county.counts["months"], 1)
        with self.assertRaises(rulebook.InputError) as raised:
            rulebook.load_county_json('{"county": {"id": "q", "name": "n"},}', "bad.json")
        (d,) = raised.exception.diagnostics
        self.assertEqual((d.code, d.file, d.line, d.column), ("json-syntax", "bad.json", 1, 37))


class BadInput(unittest.TestCase):
    def test_a_bad_policy_raises_with_every_diagnostic(self):
        with self.assertRaises(rulebook.InputError) as raised:
            rulebook.load_policy("tests/data/bad-policy/money-plus-date.yaml")
        (d,) = raised.exception.diagnostics
        self.assertEqual((d.file, d.line, d.column, d.code), ("tests/data/bad-policy/money-plus-date.yaml", 18, 28,
                                                              "type-mismatch"))
        self.assertEqual(d.message, "cannot add money and date")
        self.assertEqual(d.source_line, "    amount: living_per_day + period_start")
        self.assertIn("money-plus-date.yaml:18:28: error[type-mismatch]", str(raised.exception))
        self.assertIsInstance(raised.exception, rulebook.RulebookError)

    def test_a_policy_from_text(self):
        text = ("policy:\n  id: mine\n  title: {zh: 测试, en: test}\n  jurisdiction: {zh: 某县, en: a county}\n"
                "  governs: {from: 2019-01-01, to: 2019-12-31}\nextends: qiyang-2019.yaml\n")
        policy = rulebook.load_policy_text(text, "rules/mine.yaml")
        self.assertEqual(policy.files, ["rules/mine.yaml", "rules/qiyang-2019.yaml", "rules/national-2017.yaml"])
        with self.assertRaises(rulebook.InputError) as raised:
            rulebook.load_policy_text(text + "rulez: []\n", "rules/mine.yaml")
        self.assertEqual([(d.line, d.column, d.code) for d in raised.exception.diagnostics], [(7, 1, "unknown-key")])

    def test_a_missing_county(self):
        with self.assertRaises(rulebook.InputError) as raised:
            rulebook.load_county("no/such/county.yaml")
        self.assertEqual([d.code for d in raised.exception.diagnostics], ["io-error"])

    def test_version(self):
        self.assertRegex(rulebook.__version__, r"^\d+\.\d+\.\d+$")


if __name__ == "__main__":
    unittest.main()
