/* rulebook/rulebook.h — rulebook's C interface, for callers in any language.
 *
 * A stable C ABI over the C++ library, in the shared library librulebook.so
 * (SONAME librulebook.so.0): Java (JNA, JNI), .NET (P/Invoke), Python
 * (ctypes), Go (cgo) or C itself load a policy, load a county, evaluate the
 * policy over the county for a period and read the results as JSON text —
 * exactly what `rulebook eval --format json` writes (docs/results-schema.md) —
 * without a C++ toolchain on their side:
 *
 *   rulebook_policy* policy = NULL;
 *   rulebook_diagnostics* problems = NULL;
 *   if (rulebook_policy_load("rules/qiyang-2019.yaml", &policy, &problems) != RULEBOOK_OK) {
 *     fputs(rulebook_diagnostics_text(problems), stderr);   // file:line:column: error[code]: …
 *     rulebook_diagnostics_free(problems);
 *     return 2;
 *   }
 *   rulebook_diagnostics_free(problems);
 *   ...load a county the same way (rulebook_county_load, rulebook_county_load_json)...
 *   rulebook_results* results = NULL;
 *   if (rulebook_evaluate(policy, county, "2019", &results) != RULEBOOK_OK)
 *     fprintf(stderr, "%s\n", rulebook_last_error());
 *   char* json = NULL;
 *   rulebook_results_json(results, &json, NULL);
 *   ...
 *   rulebook_string_free(json);
 *   rulebook_results_free(results);
 *   rulebook_county_free(county);
 *   rulebook_policy_free(policy);
 *
 * Conventions:
 *   - Plain C99; every type crossing the boundary is a C type. Handles are
 *     opaque pointers, made by the library and released by its `_free`
 *     functions (each accepts NULL); text the library allocates for the caller
 *     (`char**` out parameters) is released with rulebook_string_free. Never
 *     free either with free() or delete.
 *   - Functions that can fail return a rulebook_status; RULEBOOK_OK is 0. On
 *     failure an out parameter for a handle is set to NULL, and
 *     rulebook_last_error() says why, in English, on the calling thread.
 *     No C++ exception ever leaves the library.
 *   - Text in and out is UTF-8 and NUL-terminated. Functions that take text of
 *     a given `length` read exactly that many bytes (it may hold no NUL).
 *   - Money never passes through binary floating point: amounts are decimal
 *     strings in the JSON ("2878.50").
 *
 * Thread safety: loading touches no global state and may run on many threads
 * at once. A loaded policy, a loaded county and a results handle are immutable:
 * any number of threads may use one handle at the same time (evaluate one
 * policy over many counties, read one results handle), as long as none frees
 * it meanwhile. rulebook_last_error() is per thread.
 */
#ifndef RULEBOOK_RULEBOOK_H
#define RULEBOOK_RULEBOOK_H

#include <stddef.h>

#if defined(_WIN32)
#  define RULEBOOK_API
#elif defined(__GNUC__)
#  define RULEBOOK_API __attribute__((visibility("default")))
#else
#  define RULEBOOK_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions, statuses, errors ---------------------------------------------------------- */

/** The ABI's version: the major number of the library's SONAME. A program built
 *  against this header works with any librulebook.so of the same ABI version. */
#define RULEBOOK_ABI_VERSION 0

/** Returns the library's version, "MAJOR.MINOR.PATCH" (static storage). */
RULEBOOK_API const char* rulebook_version(void);

/** Returns the ABI version of the loaded library: compare it with
 *  RULEBOOK_ABI_VERSION when the library is loaded by path at run time. */
RULEBOOK_API int rulebook_abi_version(void);

/** What a call came to. Values are stable; new ones may be added. */
typedef enum rulebook_status {
  RULEBOOK_OK = 0,
  RULEBOOK_ERROR_ARGUMENT = 1,   /* a NULL where a value is needed, a bad period, an index out of range */
  RULEBOOK_ERROR_INPUT = 2,      /* a policy or county did not load: its diagnostics say why */
  RULEBOOK_ERROR_NOT_FOUND = 3,  /* no entitlement matches what was asked */
  RULEBOOK_ERROR_EVALUATION = 4, /* evaluation failed, as when an amount overflows */
  RULEBOOK_ERROR_MEMORY = 5,     /* out of memory */
  RULEBOOK_ERROR_INTERNAL = 6    /* a bug in rulebook: please report it with the message */
} rulebook_status;

/** Names a status: "ok", "argument", "input", "not-found", "evaluation",
 *  "memory", "internal" ("unknown" for others). Static storage. */
RULEBOOK_API const char* rulebook_status_name(rulebook_status status);

/** Says why the calling thread's last failed call failed, in English (for
 *  RULEBOOK_ERROR_INPUT: a summary, such as "3 errors in rules/p.yaml"; the
 *  diagnostics hold each one). "" after a call that succeeded. Valid until the
 *  thread's next call into the library. */
RULEBOOK_API const char* rulebook_last_error(void);

/** Releases text the library allocated for the caller. NULL is accepted. */
RULEBOOK_API void rulebook_string_free(char* text);

/* ---- diagnostics ----------------------------------------------------------------------------
 * What loading a policy or a county found: every problem, each with a stable
 * code, a position and a message. Strings returned by the accessors belong to
 * the diagnostics and live as long as they do. An index out of range gives
 * NULL, or 0 for a number. */

typedef struct rulebook_diagnostics rulebook_diagnostics;

enum { RULEBOOK_SEVERITY_ERROR = 0, RULEBOOK_SEVERITY_WARNING = 1, RULEBOOK_SEVERITY_NOTE = 2 };

RULEBOOK_API size_t rulebook_diagnostics_count(const rulebook_diagnostics* d);
/** Returns RULEBOOK_SEVERITY_ERROR, _WARNING or _NOTE (-1 out of range). */
RULEBOOK_API int rulebook_diagnostic_severity(const rulebook_diagnostics* d, size_t i);
/** Returns the stable code: "unknown-key", "type-mismatch", "json-syntax", … */
RULEBOOK_API const char* rulebook_diagnostic_code(const rulebook_diagnostics* d, size_t i);
/** Returns the file (or the name given with the text) the problem is in. */
RULEBOOK_API const char* rulebook_diagnostic_file(const rulebook_diagnostics* d, size_t i);
/** Returns the 1-based line, or 0 when the problem is about the whole file. */
RULEBOOK_API int rulebook_diagnostic_line(const rulebook_diagnostics* d, size_t i);
/** Returns the 1-based column in code points, or 0 when unknown. */
RULEBOOK_API int rulebook_diagnostic_column(const rulebook_diagnostics* d, size_t i);
/** Returns the CSV column's name for a problem in a CSV table, else "". */
RULEBOOK_API const char* rulebook_diagnostic_field(const rulebook_diagnostics* d, size_t i);
RULEBOOK_API const char* rulebook_diagnostic_message(const rulebook_diagnostics* d, size_t i);
/** Returns a hint ("did you mean 'distance_km'?"), or "". */
RULEBOOK_API const char* rulebook_diagnostic_hint(const rulebook_diagnostics* d, size_t i);
/** Returns the offending line of the input, or "". */
RULEBOOK_API const char* rulebook_diagnostic_source_line(const rulebook_diagnostics* d, size_t i);
/** Returns every diagnostic formatted as the CLI prints them: `file:line:col:
 *  error[code]: message`, the line with a caret, the hint; then a count. */
RULEBOOK_API const char* rulebook_diagnostics_text(const rulebook_diagnostics* d);
RULEBOOK_API void rulebook_diagnostics_free(rulebook_diagnostics* d);

/* ---- policies ---------------------------------------------------------------------------
 * A policy loaded with its `extends:` chain, checked whole and compiled. On
 * RULEBOOK_ERROR_INPUT `*policy` is NULL and the diagnostics say why. When
 * `diagnostics` is not NULL it receives a diagnostics handle on success too
 * (warnings may accompany a policy), and also when the status is
 * RULEBOOK_ERROR_ARGUMENT or _MEMORY (then empty, or NULL if no memory was
 * left for it); free it either way. */

typedef struct rulebook_policy rulebook_policy;

/** Loads the policy file at `path` (docs/rule-language.md). */
RULEBOOK_API rulebook_status rulebook_policy_load(const char* path, rulebook_policy** policy,
                                                  rulebook_diagnostics** diagnostics);

/** Loads a policy from `length` bytes of YAML text. `name` names it in
 *  diagnostics and stands for its path: a relative `extends:` is read from
 *  that name's folder ("rules/mine.yaml" extending "qiyang-2019.yaml" reads
 *  "rules/qiyang-2019.yaml"). */
RULEBOOK_API rulebook_status rulebook_policy_load_text(const char* text, size_t length, const char* name,
                                                       rulebook_policy** policy, rulebook_diagnostics** diagnostics);

/** Returns the policy's id ("qiyang-2019"), valid while the policy lives. */
RULEBOOK_API const char* rulebook_policy_id(const rulebook_policy* policy);

/** Returns the number of decimal places of the policy's money (normally 2). */
RULEBOOK_API int rulebook_policy_money_scale(const rulebook_policy* policy);

RULEBOOK_API void rulebook_policy_free(rulebook_policy* policy);

/* ---- counties ------------------------------------------------------------------------------
 * A county's data (docs/data-format.md), loaded and checked; diagnostics as for
 * policies. */

typedef struct rulebook_county rulebook_county;

/** Loads a county from a YAML or JSON file, a folder of YAML files or a folder
 *  of CSV tables. */
RULEBOOK_API rulebook_status rulebook_county_load(const char* path, rulebook_county** county,
                                                  rulebook_diagnostics** diagnostics);

/** Loads a county from `length` bytes of JSON text, shaped as the YAML form
 *  (docs/data-format.md, "JSON"); `name` names it in diagnostics. */
RULEBOOK_API rulebook_status rulebook_county_load_json(const char* json, size_t length, const char* name,
                                                       rulebook_county** county, rulebook_diagnostics** diagnostics);

RULEBOOK_API void rulebook_county_free(rulebook_county* county);

/* ---- evaluation and results ------------------------------------------------------------ */

typedef struct rulebook_results rulebook_results;

/** Evaluates `policy` over `county` for `period`, written as the CLI's
 *  --period: "2019", "2019-07", "2019-Q3", "2019-H2", "2019-07-01" or
 *  "2019-07-01..2019-12-31". A bad period is RULEBOOK_ERROR_ARGUMENT. The
 *  results keep what they need of the policy and the county: either may be
 *  freed before them. */
RULEBOOK_API rulebook_status rulebook_evaluate(const rulebook_policy* policy, const rulebook_county* county,
                                               const char* period, rulebook_results** results);

/** Writes every result as JSON text, byte for byte what `rulebook eval
 *  --format json` writes (docs/results-schema.md), into a new string
 *  `*json` (free it with rulebook_string_free); `*length`, when `length` is
 *  not NULL, receives its length in bytes. */
RULEBOOK_API rulebook_status rulebook_results_json(const rulebook_results* results, char** json, size_t* length);

/** Returns the number of entitlements: the JSON's `entitlements`, in order. */
RULEBOOK_API size_t rulebook_results_entitlement_count(const rulebook_results* results);

/** Returns the number of findings: the JSON's `findings`, in order. */
RULEBOOK_API size_t rulebook_results_finding_count(const rulebook_results* results);

/** Finds the first entitlement (in the JSON's order) of `subject_id` (a member
 *  or team id) for `item` ("transport") whose slice holds `day`: a date
 *  ("2019-04-15"), or a month ("2019-04") that the slice overlaps. Sets
 *  `*index` to its index in `entitlements`; RULEBOOK_ERROR_NOT_FOUND when none
 *  matches. */
RULEBOOK_API rulebook_status rulebook_results_find_entitlement(const rulebook_results* results,
                                                               const char* subject_id, const char* item,
                                                               const char* day, size_t* index);

/** Says how entitlement `index` was reached — the rule, each parameter value
 *  used with the date it took effect and its source, the inputs, the
 *  arithmetic and the rounding — as text, as `rulebook eval --explain` prints
 *  it, into a new string `*text` (free it with rulebook_string_free). */
RULEBOOK_API rulebook_status rulebook_results_explain_entitlement(const rulebook_results* results, size_t index,
                                                                  char** text, size_t* length);

/** Says why finding `index` was raised, as rulebook_results_explain_entitlement does. */
RULEBOOK_API rulebook_status rulebook_results_explain_finding(const rulebook_results* results, size_t index,
                                                              char** text, size_t* length);

RULEBOOK_API void rulebook_results_free(rulebook_results* results);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RULEBOOK_RULEBOOK_H */
