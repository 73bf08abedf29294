/* log.h — diagnostics on stderr: warnings always, traces with -v.
 *
 * The verbosity is set once at start-up (the one piece of global state besides
 * the parsed options).  Trace lines must never contain a secret: callers pass
 * operation names, endpoints, statuses and durations, never keys, tokens,
 * signatures or Authorization headers.
 */
#ifndef ALBCHECK_UTIL_LOG_H
#define ALBCHECK_UTIL_LOG_H

#include <stdio.h>

void log_set_verbosity(int level);
int log_verbosity(void);
/* Redirect diagnostics (default stderr); used by tests. */
void log_set_stream(FILE *f);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed when verbosity >= level (1 = -v, 2 = -vv). Thread-safe, one line each. */
void log_trace(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
