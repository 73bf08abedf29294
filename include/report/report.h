/* report.h — the report writers: JUnit XML, HTML, JSON files, the live
 * console lines and GitHub Actions annotations / step summary (DESIGN §6).
 *
 * The writers read only a struct run_result (and the topology it borrows, which
 * may be NULL when discovery failed) plus the optional suite.  File formats are
 * one `const struct report_format` each, listed in one table in report.c;
 * report_write_all() writes every requested file atomically: a temporary file
 * in the destination folder (created if missing), fsync, rename — a reader
 * never sees half a report, and a failed write leaves no temporary file.
 */
#ifndef ALBCHECK_REPORT_REPORT_H
#define ALBCHECK_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/result.h"
#include "suite/suite.h"
#include "util/err.h"

/* What to write.  A NULL path skips that format; "-" writes it to stdout (at
 * most one format may use "-"). */
struct report_opts {
    const char *junit_path;
    const char *html_path;
    const char *json_path;
    const struct suite *suite;  /* borrowed, may be NULL: suite name/path */
    bool github;                /* also annotate and write $GITHUB_STEP_SUMMARY
                                   (set it from report_github_enabled()) */
    FILE *github_out;           /* where ::error lines go; NULL = stdout */
};

/* One file format of the table in report.c. */
struct report_format {
    const char *name;           /* "junit", "html", "json" */
    const char *description;
    size_t path_offset;         /* offsetof(struct report_opts, …_path) */
    /* Write the whole report to out; 0, or -1 with e filled. */
    int (*write)(FILE *out, const struct run_result *r, const struct report_opts *o,
                 struct err *e);
};

/* The table, terminated by an entry with name NULL (borrowed, static). */
const struct report_format *report_formats(void);

/* Write every report requested in o.  Each is written atomically; all are
 * attempted even when one fails.  Returns 0, or -1 with e describing the
 * first failure (ERR_IO, or ERR_USAGE when two formats ask for stdout). */
int report_write_all(const struct run_result *r, const struct report_opts *o, struct err *e);

/* Write one report to `path` atomically with write(): "-" means stdout. */
int report_write_file(const char *path,
                      int (*writer)(FILE *out, const struct run_result *r,
                                   const struct report_opts *o, struct err *e),
                      const struct run_result *r, const struct report_opts *o, struct err *e);

/* The format writers (src/report/{junit,html,json}.c). */
int report_junit_write(FILE *out, const struct run_result *r, const struct report_opts *o,
                       struct err *e);
int report_html_write(FILE *out, const struct run_result *r, const struct report_opts *o,
                      struct err *e);
int report_json_write(FILE *out, const struct run_result *r, const struct report_opts *o,
                      struct err *e);

/* ------------------------------------------------------------ shared words */

/* "pass" | "fail" | "error" | "interrupted": the verdict as one word. */
const char *report_verdict_word(const struct run_result *r);
/* The verdict in one line of words, e.g. "FAIL: 2 of 12 checks failed".
 * Returns a new string (caller frees). */
char *report_verdict_line(const struct run_result *r);
/* Status word in capitals: "PASS" "FAIL" "ERROR" "SKIP" "FLAKY". */
const char *report_status_word(enum check_status st);
/* The suite name to show: o->suite, else r->suite_name, else NULL (borrowed). */
const char *report_suite_name(const struct run_result *r, const struct report_opts *o);
const char *report_suite_path(const struct run_result *r, const struct report_opts *o);
/* Format epoch milliseconds as "2026-11-28T12:00:00Z" (UTC) into out (>= 32
 * bytes); "" when ms is 0.  With zone false, the trailing "Z" is left off. */
void report_iso_time(long long ms, bool zone, char *out, size_t n);
/* Run duration in seconds (0 when unknown). */
double report_run_seconds(const struct run_result *r);

/* ------------------------------------------------------------ console */

struct report_console_opts {
    bool color;                 /* ANSI colour: see report_color_wanted() */
    bool quiet;                 /* -q: failures (fail, error) only */
    int verbose;                /* >0: also the check id and hint for every line */
};

/* Colour decision: mode "always" → true, "never" → false, "auto" or NULL →
 * true only when NO_COLOR is unset/empty, TERM is not "dumb" and out is a TTY. */
bool report_color_wanted(const char *mode, FILE *out);

/* One line for a finished check (plus an indented hint line for failures),
 * escaped so that response bytes cannot drive the terminal.  Called live from
 * the run; prints nothing for passing checks when o->quiet. */
void report_console_check(FILE *out, const struct check_result *c,
                          const struct report_console_opts *o);
/* The final summary line: counts, the verdict in words, duration. */
void report_console_summary(FILE *out, const struct run_result *r,
                            const struct report_console_opts *o);

/* ------------------------------------------------------------ GitHub */

/* True when GITHUB_ACTIONS=true in the environment. */
bool report_github_enabled(void);
/* "::error title=…::message" for each failed or errored check on out. */
void report_github_annotate(FILE *out, const struct run_result *r);
/* The markdown step summary (a table of checks, failing ones first) on out. */
int report_github_summary(FILE *out, const struct run_result *r, const struct report_opts *o,
                          struct err *e);
/* Annotations on o->github_out (stdout when NULL) and the summary appended to
 * $GITHUB_STEP_SUMMARY when set.  0, or -1 (ERR_IO) with e filled. */
int report_github_write(const struct run_result *r, const struct report_opts *o, struct err *e);

#endif
