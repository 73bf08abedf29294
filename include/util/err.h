/* err.h — one error type for the whole program.
 *
 * Functions that can fail take a `struct err *` (may be NULL) and return -1
 * (or NULL) after filling it with err_set().  The code says what kind of
 * failure it was, which decides the exit status (DESIGN §6); the message says
 * what happened, in one line a user can act on, e.g.
 *   "DescribeRules: Throttling: Rate exceeded (HTTP 400, request id 1a2b…)".
 * AWS errors also carry their wire code, HTTP status and request id so that
 * callers (retries, reports) need not parse the message.
 */
#ifndef ALBCHECK_UTIL_ERR_H
#define ALBCHECK_UTIL_ERR_H

#include <stdarg.h>

enum err_code {
    ERR_OK = 0,
    ERR_USAGE,    /* bad flags or arguments                      → exit 2 */
    ERR_SUITE,    /* the suite file is invalid                   → exit 2 */
    ERR_CONFIG,   /* AWS config/credentials/region unusable      → exit 3 */
    ERR_AWS,      /* AWS answered with an error                  → exit 3 */
    ERR_AUTH,     /* AWS refused the credentials                 → exit 3 */
    ERR_NET,      /* could not reach an endpoint / timed out     → exit 3 */
    ERR_PARSE,    /* a malformed answer (XML/JSON)               → exit 3 */
    ERR_LIMIT,    /* an answer exceeded a size cap               → exit 3 */
    ERR_IO,       /* local file or system call failed            → exit 2 */
    ERR_NOTFOUND, /* the thing looked for does not exist         → exit 1 */
    ERR_INTERRUPTED, /* SIGINT/SIGTERM or --deadline             → exit 1 */
    ERR_INTERNAL, /* a bug                                       → exit 3 */
};

#define ERR_MSG_MAX 1024

struct err {
    enum err_code code;
    char msg[ERR_MSG_MAX];
    /* Set for ERR_AWS / ERR_AUTH; empty strings / 0 otherwise. */
    char aws_code[128];
    char request_id[128];
    int http_status;
    int attempts;    /* attempts made, for AWS calls */
    int retryable;   /* the failure may go away on retry (used by the retry loop) */
};

/* Fill e (if not NULL) and return -1. The message replaces any previous one. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int err_vset(struct err *e, enum err_code code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Put context in front of the existing message: "ctx: old message". Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);
/* A short name for the code ("usage", "aws", …), for JSON and traces. */
const char *err_code_name(enum err_code code);
/* The process exit status for a failure of this kind (DESIGN §6). */
int err_exit_status(enum err_code code);

/* Exit statuses (DESIGN §6). */
enum {
    EXIT_PASS = 0,      /* every check passed */
    EXIT_FAIL = 1,      /* a check failed (or the run was interrupted) */
    EXIT_USAGE = 2,     /* usage or suite error */
    EXIT_AWS = 3,       /* AWS could not be reached or refused the credentials */
};

#endif
