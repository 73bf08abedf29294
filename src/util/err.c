/* err.c — the error type (see err.h). */
#include "util/err.h"

#include <stdio.h>
#include <string.h>

int err_vset(struct err *e, enum err_code code, const char *fmt, va_list ap)
{
    if (!e)
        return -1;
    err_clear(e);
    e->code = code;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    return -1;
}

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, code, fmt, ap);
    va_end(ap);
    return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
    if (!e)
        return -1;
    char old[ERR_MSG_MAX];
    memcpy(old, e->msg, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof e->msg - 2) {
        size_t len = (size_t)n;
        e->msg[len++] = ':';
        e->msg[len++] = ' ';
        size_t room = sizeof e->msg - len - 1;
        size_t olen = strnlen(old, sizeof old);
        if (olen > room)
            olen = room;
        memcpy(e->msg + len, old, olen);
        e->msg[len + olen] = '\0';
    }
    return -1;
}

void err_clear(struct err *e)
{
    if (!e)
        return;
    memset(e, 0, sizeof *e);
}

const char *err_code_name(enum err_code code)
{
    static const char *const names[] = {
        [ERR_OK] = "ok",         [ERR_USAGE] = "usage",   [ERR_SUITE] = "suite",
        [ERR_CONFIG] = "config", [ERR_AWS] = "aws",       [ERR_AUTH] = "auth",
        [ERR_NET] = "network",   [ERR_PARSE] = "parse",   [ERR_LIMIT] = "limit",
        [ERR_IO] = "io",         [ERR_NOTFOUND] = "not-found",
        [ERR_INTERRUPTED] = "interrupted", [ERR_INTERNAL] = "internal",
    };
    if ((unsigned)code < sizeof names / sizeof names[0] && names[code])
        return names[code];
    return "unknown";
}

int err_exit_status(enum err_code code)
{
    switch (code) {
    case ERR_OK:
        return EXIT_PASS;
    case ERR_USAGE:
    case ERR_SUITE:
    case ERR_IO:
        return EXIT_USAGE;
    case ERR_NOTFOUND:
    case ERR_INTERRUPTED:
        return EXIT_FAIL;
    case ERR_CONFIG:
    case ERR_AWS:
    case ERR_AUTH:
    case ERR_NET:
    case ERR_PARSE:
    case ERR_LIMIT:
    case ERR_INTERNAL:
        return EXIT_AWS;
    }
    return EXIT_AWS;
}
