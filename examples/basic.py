# examples/basic.py — run by the test suite
import rulebook

policy = rulebook.load_policy("rules/qiyang-2019.yaml")       # rulebook.InputError lists every problem
county = rulebook.load_county("examples/qiyang/county.yaml")  # or a dict, shaped as the county's JSON
results = policy.evaluate(county, "2019")
for t in results.totals:                                      # money is decimal.Decimal, never float
    print(f"{t.item}: owed {t.owed}, paid {t.paid}")
amount = results.entitlement("M006", "transport", "2019-04")  # a member-month, by item
print(results.explain(amount))
print(len(results.findings), "findings; over the quota:", ", ".join(results.quotas[0].over_quota))
