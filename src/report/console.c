/* console.c — the live console lines and the final summary line.
 *
 * One line per finished check, the status word first (coloured when wanted),
 * then the name and the message.  Messages may quote response bytes, so every
 * string is escaped (ESC_LINE): a body holding ESC sequences cannot move the
 * cursor or retitle the terminal.
 */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/escape.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"

static const char *status_color(enum check_status st)
{
    switch (st) {
    case CHECK_PASS: return "\033[32m";      /* green */
    case CHECK_FAIL: return "\033[1;31m";    /* bold red */
    case CHECK_ERROR: return "\033[1;35m";   /* bold magenta */
    case CHECK_SKIP: return "\033[33m";      /* yellow */
    case CHECK_FLAKY: return "\033[36m";     /* cyan */
    }
    return "";
}

bool report_color_wanted(const char *mode, FILE *out)
{
    if (mode && strcmp(mode, "always") == 0)
        return true;
    if (mode && strcmp(mode, "never") == 0)
        return false;
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return out && isatty(fileno(out));
}

static void put(FILE *out, const char *s)
{
    char *x = esc_strdup(s ? s : "", ESC_LINE);
    fputs(x, out);
    free(x);
}

void report_console_check(FILE *out, const struct check_result *c,
                          const struct report_console_opts *o)
{
    bool failing = c->status == CHECK_FAIL || c->status == CHECK_ERROR;
    if (o->quiet && !failing)
        return;
    const char *word = report_status_word(c->status);
    if (o->color)
        fprintf(out, "%s%-5s%s ", status_color(c->status), word, C_RESET);
    else
        fprintf(out, "%-5s ", word);
    put(out, c->name ? c->name : c->id);
    if (o->verbose > 0 && c->id) {
        fputs(o->color ? C_DIM " [" : " [", out);
        put(out, c->id);
        fputs(o->color ? "]" C_RESET : "]", out);
    }
    if (c->message && *c->message) {
        fputs(" — ", out);
        put(out, c->message);
    }
    if (c->duration_s >= 1.0)
        fprintf(out, " (%.1f s)", c->duration_s);
    fputc('\n', out);
    if (c->hint && (failing || o->verbose > 0)) {
        fputs(o->color ? "      " C_DIM "hint: " : "      hint: ", out);
        put(out, c->hint);
        fputs(o->color ? C_RESET "\n" : "\n", out);
    }
    fflush(out);
}

void report_console_summary(FILE *out, const struct run_result *r,
                            const struct report_console_opts *o)
{
    char *verdict = report_verdict_line(r);
    const char *word = report_verdict_word(r);
    bool pass = strcmp(word, "pass") == 0;
    const char *col = pass ? status_color(CHECK_PASS) : status_color(CHECK_FAIL);

    fprintf(out, "\n%zu checks: %zu passed, %zu failed, %zu errors, %zu flaky, %zu skipped"
                 " in %.1f s\n",
            r->n_checks, run_count(r, CHECK_PASS), run_count(r, CHECK_FAIL),
            run_count(r, CHECK_ERROR), run_count(r, CHECK_FLAKY), run_count(r, CHECK_SKIP),
            report_run_seconds(r));
    if (o->color)
        fprintf(out, "%s%s", C_BOLD, col);
    put(out, verdict);
    fprintf(out, "%s (exit %d)\n", o->color ? C_RESET : "", run_exit_status(r));
    fflush(out);
    free(verdict);
}
