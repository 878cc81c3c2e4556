// examples/basic.c — built and run by the test suite (and against the installed package)
#include <stdio.h>

#include <rulebook/rulebook.h>

int main(void) {
  rulebook_policy* policy = NULL;
  rulebook_county* county = NULL;
  rulebook_results* results = NULL;
  rulebook_diagnostics* problems = NULL;
  char* json = NULL;
  char* how = NULL;
  size_t i = 0;

  // A load that fails says every problem, each at file:line:column with a code.
  if (rulebook_policy_load("rules/qiyang-2019.yaml", &policy, &problems) != RULEBOOK_OK) {
    fputs(rulebook_diagnostics_text(problems), stderr);
    return 2;
  }
  rulebook_diagnostics_free(problems);
  if (rulebook_county_load("examples/qiyang/county.yaml", &county, NULL) != RULEBOOK_OK ||
      rulebook_evaluate(policy, county, "2019-Q3", &results) != RULEBOOK_OK) {
    fprintf(stderr, "%s\n", rulebook_last_error());
    return 2;
  }
  // What `rulebook eval --format json` writes, money as decimal strings; and how one amount was reached.
  rulebook_results_json(results, &json, NULL);
  printf("%.120s…\n", json);
  if (rulebook_results_find_entitlement(results, "M006", "transport", "2019-08", &i) == RULEBOOK_OK &&
      rulebook_results_explain_entitlement(results, i, &how, NULL) == RULEBOOK_OK)
    fputs(how, stdout);
  rulebook_string_free(how);
  rulebook_string_free(json);
  rulebook_results_free(results);
  rulebook_county_free(county);
  rulebook_policy_free(policy);
  return 0;
}
