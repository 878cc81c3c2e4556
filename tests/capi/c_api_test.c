/* The C interface (rulebook/rulebook.h) from C99, as a C caller uses it:
 * load the Qiyang policy and sample county, evaluate 2019, read the JSON and an
 * explanation; every failure path returns a status, a message and, for a bad
 * input, diagnostics at file:line:column. Figures are worked by hand in
 * examples/qiyang/README.md. Run from the source folder (CTest: capi.c).
 * Built with -Wall -Wextra -Wpedantic -Werror, and under ASan + UBSan in CI,
 * so a leaked handle or a freed-too-early one fails the test. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulebook/rulebook.h"

static int failures = 0;

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                        \
    }                                                                    \
  } while (0)

#define CHECK_STATUS(call, expected)                                                               \
  do {                                                                                             \
    rulebook_status got_ = (call);                                                                 \
    if (got_ != (expected)) {                                                                      \
      fprintf(stderr, "%s:%d: %s gave %s (%s), expected %s\n", __FILE__, __LINE__, #call,          \
              rulebook_status_name(got_), rulebook_last_error(), rulebook_status_name(expected));  \
      ++failures;                                                                                  \
    }                                                                                              \
  } while (0)

#define CHECK_STR(actual, expected)                                                                 \
  do {                                                                                              \
    const char* a_ = (actual);                                                                      \
    if (a_ == NULL || strcmp(a_, (expected)) != 0) {                                                \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual,        \
              a_ ? a_ : "(null)", (expected));                                                      \
      ++failures;                                                                                   \
    }                                                                                               \
  } while (0)

#define CHECK_CONTAINS(text, part)                                                                 \
  do {                                                                                             \
    const char* t_ = (text);                                                                       \
    if (t_ == NULL || strstr(t_, (part)) == NULL) {                                                \
      fprintf(stderr, "%s:%d: %s does not contain \"%s\"\n", __FILE__, __LINE__, #text, (part));   \
      ++failures;                                                                                  \
    }                                                                                              \
  } while (0)

static rulebook_policy* load_qiyang(void) {
  rulebook_policy* policy = NULL;
  rulebook_diagnostics* diagnostics = NULL;
  CHECK_STATUS(rulebook_policy_load("rules/qiyang-2019.yaml", &policy, &diagnostics), RULEBOOK_OK);
  CHECK(diagnostics != NULL);
  CHECK(rulebook_diagnostics_count(diagnostics) == 0);
  rulebook_diagnostics_free(diagnostics);
  return policy;
}

static rulebook_county* load_sample(void) {
  rulebook_county* county = NULL;
  CHECK_STATUS(rulebook_county_load("examples/qiyang/county.yaml", &county, NULL), RULEBOOK_OK);
  return county;
}

static void test_versions(void) {
  CHECK_STR(rulebook_version(), RULEBOOK_EXPECTED_VERSION);
  CHECK(rulebook_abi_version() == RULEBOOK_ABI_VERSION);
  CHECK_STR(rulebook_status_name(RULEBOOK_OK), "ok");
  CHECK_STR(rulebook_status_name(RULEBOOK_ERROR_INPUT), "input");
  CHECK_STR(rulebook_status_name((rulebook_status)99), "unknown");
}

static void test_evaluates_the_sample_county(void) {
  rulebook_policy* policy = load_qiyang();
  rulebook_county* county = load_sample();
  rulebook_results* results = NULL;
  char* json = NULL;
  size_t length = 0;
  size_t index = 0;
  char* text = NULL;
  if (policy == NULL || county == NULL) goto done;
  CHECK_STR(rulebook_policy_id(policy), "qiyang-2019");
  CHECK(rulebook_policy_money_scale(policy) == 2);

  CHECK_STATUS(rulebook_evaluate(policy, county, "2019", &results), RULEBOOK_OK);
  CHECK_STR(rulebook_last_error(), "");
  if (results == NULL) goto done;
  /* Either handle may go before the results: they keep what they need. */
  rulebook_policy_free(policy);
  policy = NULL;
  rulebook_county_free(county);
  county = NULL;

  CHECK_STATUS(rulebook_results_json(results, &json, &length), RULEBOOK_OK);
  CHECK(json != NULL && strlen(json) == length);
  CHECK(json != NULL && strncmp(json, "{\n  \"policy\": \"qiyang-2019\",\n", 29) == 0);
  /* County totals (README): living 954600 owed, 944120 paid (P10: M014, M015 paid
   * 80 a day); transport 199782.60 owed, 135.60 short (P11); communication
   * 43500 less M037's unserved half of July: 100 - 100 x 16/31 = 48.39 → 43451.61. */
  CHECK_CONTAINS(json, "{\"item\": \"living\", \"owed\": \"954600.00\", \"paid\": \"944120.00\"}");
  CHECK_CONTAINS(json, "{\"item\": \"transport\", \"owed\": \"199782.60\", \"paid\": \"199647.00\"}");
  CHECK_CONTAINS(json, "{\"item\": \"communication\", \"owed\": \"43451.61\", \"paid\": \"43500.00\"}");

  /* M006 in April (T01, 38.6 km): min(5, 4) x 2 x 38.6 x 1.5 = 463.20. */
  CHECK_STATUS(rulebook_results_find_entitlement(results, "M006", "transport", "2019-04", &index), RULEBOOK_OK);
  CHECK(index < rulebook_results_entitlement_count(results));
  CHECK_STATUS(rulebook_results_explain_entitlement(results, index, &text, &length), RULEBOOK_OK);
  CHECK_CONTAINS(text, "463.20");
  CHECK_CONTAINS(text, "38.6");
  CHECK(text != NULL && strlen(text) == length);
  rulebook_string_free(text);
  text = NULL;
  /* A day inside May finds her May entitlement in T05 (47.9 km): 3 x 2 x 47.9 x 1.5 = 431.10. */
  CHECK_STATUS(rulebook_results_find_entitlement(results, "M006", "transport", "2019-05-17", &index), RULEBOOK_OK);
  CHECK_STATUS(rulebook_results_explain_entitlement(results, index, &text, NULL), RULEBOOK_OK);
  CHECK_CONTAINS(text, "431.10");
  CHECK_CONTAINS(text, "47.9");
  rulebook_string_free(text);
  text = NULL;

  /* Thirteen failures are planted, some giving several findings; each finding explains itself. */
  CHECK(rulebook_results_finding_count(results) >= 13);
  CHECK_STATUS(rulebook_results_explain_finding(results, 0, &text, NULL), RULEBOOK_OK);
  CHECK(text != NULL && strlen(text) > 0);
  rulebook_string_free(text);
  text = NULL;

  /* What is not there. */
  CHECK_STATUS(rulebook_results_find_entitlement(results, "M999", "transport", "2019-04", &index),
               RULEBOOK_ERROR_NOT_FOUND);
  CHECK_CONTAINS(rulebook_last_error(), "M999");
  CHECK_STATUS(rulebook_results_find_entitlement(results, "M006", "transport", "2019-13", &index),
               RULEBOOK_ERROR_ARGUMENT);
  CHECK_STATUS(rulebook_results_explain_entitlement(results, rulebook_results_entitlement_count(results), &text, NULL),
               RULEBOOK_ERROR_ARGUMENT);
  CHECK(text == NULL);
  CHECK_CONTAINS(rulebook_last_error(), "out of range");
  CHECK_STATUS(rulebook_results_explain_finding(results, 100000, &text, NULL), RULEBOOK_ERROR_ARGUMENT);

done:
  rulebook_string_free(json);
  rulebook_results_free(results);
  rulebook_county_free(county);
  rulebook_policy_free(policy);
}

static void test_a_bad_policy_gives_every_diagnostic(void) {
  rulebook_policy* policy = (rulebook_policy*)&failures; /* must be reset to NULL */
  rulebook_diagnostics* d = NULL;
  CHECK_STATUS(rulebook_policy_load("tests/data/bad-policy/money-plus-date.yaml", &policy, &d), RULEBOOK_ERROR_INPUT);
  CHECK(policy == NULL);
  CHECK_CONTAINS(rulebook_last_error(), "1 error in tests/data/bad-policy/money-plus-date.yaml");
  CHECK(rulebook_diagnostics_count(d) == 1);
  CHECK(rulebook_diagnostic_severity(d, 0) == RULEBOOK_SEVERITY_ERROR);
  CHECK_STR(rulebook_diagnostic_code(d, 0), "type-mismatch");
  CHECK_STR(rulebook_diagnostic_file(d, 0), "tests/data/bad-policy/money-plus-date.yaml");
  CHECK(rulebook_diagnostic_line(d, 0) == 18);
  CHECK(rulebook_diagnostic_column(d, 0) == 28);
  CHECK_STR(rulebook_diagnostic_message(d, 0), "cannot add money and date");
  CHECK_STR(rulebook_diagnostic_hint(d, 0), "add a number of days to a date: date + days");
  CHECK_STR(rulebook_diagnostic_source_line(d, 0), "    amount: living_per_day + period_start");
  CHECK_STR(rulebook_diagnostic_field(d, 0), "");
  CHECK_CONTAINS(rulebook_diagnostics_text(d), "money-plus-date.yaml:18:28: error[type-mismatch]");
  /* Out of range: NULL and 0, never a crash. */
  CHECK(rulebook_diagnostic_code(d, 1) == NULL);
  CHECK(rulebook_diagnostic_line(d, 1) == 0);
  CHECK(rulebook_diagnostic_severity(d, 1) == -1);
  rulebook_diagnostics_free(d);
}

static void test_a_policy_from_text_reads_its_base_beside_its_name(void) {
  static const char text[] =
      "policy:\n"
      "  id: mine\n"
      "  title: {zh: 测试, en: test}\n"
      "  jurisdiction: {zh: 某县, en: a county}\n"
      "  governs: {from: 2019-01-01, to: 2019-12-31}\n"
      "extends: qiyang-2019.yaml\n"
      "rulez: []\n";
  rulebook_policy* policy = NULL;
  rulebook_diagnostics* d = NULL;
  /* `length` excludes the NUL; the base is found in rules/ because of the name. */
  CHECK_STATUS(rulebook_policy_load_text(text, sizeof text - 1, "rules/mine.yaml", &policy, &d), RULEBOOK_ERROR_INPUT);
  CHECK(rulebook_diagnostics_count(d) == 1);
  CHECK_STR(rulebook_diagnostic_code(d, 0), "unknown-key");
  CHECK_STR(rulebook_diagnostic_file(d, 0), "rules/mine.yaml");
  CHECK(rulebook_diagnostic_line(d, 0) == 7);
  CHECK(rulebook_diagnostic_column(d, 0) == 1);
  CHECK_CONTAINS(rulebook_diagnostic_hint(d, 0), "rules");
  rulebook_diagnostics_free(d);
  d = NULL;
  /* Without the bad key, it loads: the base's rules are its own. */
  CHECK_STATUS(rulebook_policy_load_text(text, sizeof text - 1 - strlen("rulez: []\n"), "rules/mine.yaml", &policy, &d),
               RULEBOOK_OK);
  CHECK_STR(rulebook_policy_id(policy), "mine");
  rulebook_diagnostics_free(d);
  rulebook_policy_free(policy);
}

static void test_a_county_from_json(void) {
  /* M006's April, alone: one unit, one team 38.6 km away, 22 days and 5 round trips. */
  static const char json[] =
      "{\"county\": {\"id\": \"qiyang\", \"name\": \"祁阳县\"},\n"
      " \"units\": [{\"id\": \"U07\", \"name\": \"县卫生健康局\", \"kind\": \"county_department\"}],\n"
      " \"teams\": [{\"id\": \"T01\", \"village\": \"日晖塘村\", \"town\": \"大忠桥镇\", \"lead_unit\": \"U07\",\n"
      "            \"distance_km\": 38.6}],\n"
      " \"members\": [{\"id\": \"M006\", \"name\": \"邓晓梅\", \"role\": \"member\", \"unit\": \"U07\",\n"
      "              \"service\": [{\"from\": \"2018-03-01\", \"team\": \"T01\"}]}],\n"
      " \"months\": [{\"member\": \"M006\", \"month\": \"2019-04\", \"days_in_village\": 22, \"round_trips\": 5,\n"
      "             \"paid\": {\"transport\": \"463.20\"}}]}\n";
  rulebook_policy* policy = load_qiyang();
  rulebook_county* county = NULL;
  rulebook_results* results = NULL;
  char* out = NULL;
  CHECK_STATUS(rulebook_county_load_json(json, strlen(json), "april.json", &county, NULL), RULEBOOK_OK);
  CHECK_STATUS(rulebook_evaluate(policy, county, "2019-04", &results), RULEBOOK_OK);
  CHECK_STATUS(rulebook_results_json(results, &out, NULL), RULEBOOK_OK);
  /* living 22 x 100 = 2200 (none recorded paid); transport 463.20 paid in full. */
  CHECK_CONTAINS(out, "\"subject_id\": \"M006\", \"team\": \"T01\", \"unit\": \"U07\", \"from\": \"2019-04-01\", "
                      "\"to\": \"2019-04-30\", \"amount\": \"2200.00\", \"paid\": null}");
  CHECK_CONTAINS(out, "\"amount\": \"463.20\", \"paid\": \"463.20\"}");
  CHECK_CONTAINS(out, "\"period\": {\"label\": \"2019-04\", \"from\": \"2019-04-01\", \"to\": \"2019-04-30\"}");
  rulebook_string_free(out);
  rulebook_results_free(results);
  rulebook_county_free(county);
  rulebook_policy_free(policy);
}

static void test_a_bad_county_from_json(void) {
  static const char json[] = "{\"county\": {\"id\": \"q\", \"name\": \"n\"},\n \"teams\": [{\"id\": \"T01\",}]}";
  rulebook_county* county = NULL;
  rulebook_diagnostics* d = NULL;
  CHECK_STATUS(rulebook_county_load_json(json, strlen(json), "bad.json", &county, &d), RULEBOOK_ERROR_INPUT);
  CHECK(county == NULL);
  CHECK(rulebook_diagnostics_count(d) == 1);
  CHECK_STR(rulebook_diagnostic_code(d, 0), "json-syntax");
  CHECK(rulebook_diagnostic_line(d, 0) == 2);
  CHECK(rulebook_diagnostic_column(d, 0) == 25);
  rulebook_diagnostics_free(d);
  /* A missing file is a diagnostic too, not a crash. */
  CHECK_STATUS(rulebook_county_load("no/such/county.yaml", &county, &d), RULEBOOK_ERROR_INPUT);
  CHECK_STR(rulebook_diagnostic_code(d, 0), "io-error");
  rulebook_diagnostics_free(d);
}

static void test_bad_arguments(void) {
  rulebook_policy* policy = load_qiyang();
  rulebook_county* county = load_sample();
  rulebook_results* results = (rulebook_results*)&failures; /* must be reset to NULL */
  rulebook_policy* no_policy = (rulebook_policy*)&failures;
  rulebook_county* no_county = (rulebook_county*)&failures;
  rulebook_diagnostics* d = NULL;
  CHECK_STATUS(rulebook_evaluate(policy, county, "2019-13", &results), RULEBOOK_ERROR_ARGUMENT);
  CHECK(results == NULL);
  CHECK_CONTAINS(rulebook_last_error(), "the period");
  CHECK_STATUS(rulebook_evaluate(policy, county, "last year", &results), RULEBOOK_ERROR_ARGUMENT);
  CHECK_STATUS(rulebook_evaluate(NULL, county, "2019", &results), RULEBOOK_ERROR_ARGUMENT);
  CHECK_STR(rulebook_last_error(), "the policy is NULL");
  CHECK_STATUS(rulebook_evaluate(policy, NULL, "2019", &results), RULEBOOK_ERROR_ARGUMENT);
  CHECK_STATUS(rulebook_evaluate(policy, county, NULL, &results), RULEBOOK_ERROR_ARGUMENT);
  CHECK_STATUS(rulebook_evaluate(policy, county, "2019", NULL), RULEBOOK_ERROR_ARGUMENT);
  CHECK_STATUS(rulebook_policy_load(NULL, &no_policy, &d), RULEBOOK_ERROR_ARGUMENT);
  CHECK(no_policy == NULL);
  CHECK(d != NULL && rulebook_diagnostics_count(d) == 0); /* given, empty, to be freed */
  rulebook_diagnostics_free(d);
  CHECK_STATUS(rulebook_county_load_json(NULL, 5, "x.json", &no_county, NULL), RULEBOOK_ERROR_ARGUMENT);
  CHECK(no_county == NULL);
  CHECK_STATUS(rulebook_county_load("examples/qiyang/county.yaml", NULL, NULL), RULEBOOK_ERROR_ARGUMENT);
  CHECK_STATUS(rulebook_results_json(NULL, NULL, NULL), RULEBOOK_ERROR_ARGUMENT);
  /* NULL handles are accepted by the accessors and the frees. */
  CHECK(rulebook_results_entitlement_count(NULL) == 0);
  CHECK(rulebook_policy_id(NULL) == NULL);
  CHECK(rulebook_diagnostics_count(NULL) == 0);
  rulebook_results_free(NULL);
  rulebook_county_free(NULL);
  rulebook_policy_free(NULL);
  rulebook_diagnostics_free(NULL);
  rulebook_string_free(NULL);
  rulebook_county_free(county);
  rulebook_policy_free(policy);
}

/* One policy and one county shared by several threads, each evaluating and
 * writing JSON: every thread gets the same bytes. */
struct shared_inputs {
  const rulebook_policy* policy;
  const rulebook_county* county;
  char* json;
  rulebook_status status;
};

static void* evaluate_on_a_thread(void* arg) {
  struct shared_inputs* in = (struct shared_inputs*)arg;
  rulebook_results* results = NULL;
  in->status = rulebook_evaluate(in->policy, in->county, "2019-H2", &results);
  if (in->status == RULEBOOK_OK) in->status = rulebook_results_json(results, &in->json, NULL);
  rulebook_results_free(results);
  return NULL;
}

static void test_handles_are_shared_by_threads(void) {
  enum { threads = 4 };
  rulebook_policy* policy = load_qiyang();
  rulebook_county* county = load_sample();
  pthread_t ids[threads];
  struct shared_inputs inputs[threads];
  int i;
  for (i = 0; i < threads; ++i) {
    inputs[i].policy = policy;
    inputs[i].county = county;
    inputs[i].json = NULL;
    inputs[i].status = RULEBOOK_ERROR_INTERNAL;
    CHECK(pthread_create(&ids[i], NULL, evaluate_on_a_thread, &inputs[i]) == 0);
  }
  for (i = 0; i < threads; ++i) CHECK(pthread_join(ids[i], NULL) == 0);
  for (i = 0; i < threads; ++i) {
    CHECK(inputs[i].status == RULEBOOK_OK);
    CHECK(inputs[i].json != NULL && inputs[0].json != NULL && strcmp(inputs[i].json, inputs[0].json) == 0);
  }
  CHECK_CONTAINS(inputs[0].json, "\"label\": \"2019-H2\"");
  for (i = 0; i < threads; ++i) rulebook_string_free(inputs[i].json);
  rulebook_county_free(county);
  rulebook_policy_free(policy);
}

int main(void) {
  test_versions();
  test_evaluates_the_sample_county();
  test_a_bad_policy_gives_every_diagnostic();
  test_a_policy_from_text_reads_its_base_beside_its_name();
  test_a_county_from_json();
  test_a_bad_county_from_json();
  test_bad_arguments();
  test_handles_are_shared_by_threads();
  if (failures != 0) {
    fprintf(stderr, "%d checks failed\n", failures);
    return 1;
  }
  puts("c_api_test: all checks passed");
  return 0;
}
