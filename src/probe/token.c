/* token.c — what a probe carries and where it is sent: run ids, correlation
 * tokens, X-Amzn-Trace-Id values, query-parameter appending, and the
 * --connect-to / --resolve / ALBCHECK_CONNECT_TO entries.
 *
 * Randomness comes from OpenSSL's RAND_bytes (already linked for SigV4), with
 * getrandom(2) as a fallback: run ids must not collide between concurrent CI
 * jobs writing to the same log groups.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/rand.h>

#include "probe/probe.h"
#include "util/buf.h"
#include "util/xmalloc.h"

static void random_hex(char *out, size_t n_hex)
{
    unsigned char raw[32];
    size_t n = (n_hex + 1) / 2;
    static const char hex[] = "0123456789abcdef";

    if (n > sizeof raw)
        n = sizeof raw;
    if (RAND_bytes(raw, (int)n) != 1 && getrandom(raw, n, 0) != (ssize_t)n) {
        /* Neither source works: fall back to something that still varies. */
        for (size_t i = 0; i < n; i++)
            raw[i] = (unsigned char)(rand() & 0xff);
    }
    for (size_t i = 0; i < n_hex && i / 2 < n; i++)
        out[i] = hex[(i % 2 ? raw[i / 2] : raw[i / 2] >> 4) & 0xf];
    out[n_hex] = '\0';
}

char *probe_run_id_new(void)
{
    char id[9];
    random_hex(id, 8);
    return xstrdup(id);
}

char *probe_token(const char *run_id, size_t n)
{
    return xasprintf(PROBE_TOKEN_PREFIX "%s-%zu", run_id, n);
}

char *probe_trace_id_new(int64_t now_s)
{
    char rnd[25];
    random_hex(rnd, 24);
    return xasprintf("Root=1-%08llx-%s", (unsigned long long)((uint64_t)now_s & 0xffffffffu),
                     rnd);
}

char *probe_url_add_query(const char *path, const char *param, const char *value)
{
    struct buf b;
    size_t base = strcspn(path, "#");
    const char *q = memchr(path, '?', base);

    buf_init(&b, BUF_MAX_DEFAULT);
    buf_append(&b, path, base);
    if (!q)
        buf_appendc(&b, '?');
    else if (path[base - 1] != '?' && path[base - 1] != '&')
        buf_appendc(&b, '&');
    for (const char *s = param; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || strchr("-._~", c))
            buf_appendc(&b, (char)c);
        else
            buf_printf(&b, "%%%02X", c);
    }
    buf_appendc(&b, '=');
    for (const char *s = value; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || strchr("-._~", c))
            buf_appendc(&b, (char)c);
        else
            buf_printf(&b, "%%%02X", c);
    }
    buf_appends(&b, path + base);
    return buf_steal(&b);
}

/* Split entry into colon-separated fields, an IPv6 address in brackets
 * counting as one field.  Returns the number of fields (up to max), or -1
 * for an unclosed bracket.  Field i is [start[i], start[i]+len[i]). */
static int split_fields(const char *s, const char **start, size_t *len, int max)
{
    int n = 0;
    const char *p = s;

    for (;;) {
        const char *f = p;
        if (*p == '[') {
            const char *close = strchr(p, ']');
            if (!close)
                return -1;
            p = close + 1;
        }
        while (*p && *p != ':')
            p++;
        if (n < max) {
            start[n] = f;
            len[n] = (size_t)(p - f);
        }
        n++;
        if (!*p)
            break;
        p++;
    }
    return n;
}

static bool port_ok(const char *p, size_t n, bool empty_ok)
{
    long v = 0;
    if (n == 0)
        return empty_ok;
    if (n > 5)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return false;
        v = v * 10 + (p[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

int probe_connect_to_valid(const char *entry, struct err *e)
{
    const char *st[4];
    size_t ln[4];
    int n = split_fields(entry, st, ln, 4);

    if (n != 4)
        return err_set(e, ERR_USAGE, "--connect-to %s: expected HOST:PORT:CONNECT-TO-HOST:"
                                     "CONNECT-TO-PORT (fields may be empty)", entry);
    if (!port_ok(st[1], ln[1], true) || !port_ok(st[3], ln[3], true))
        return err_set(e, ERR_USAGE, "--connect-to %s: a port must be a number from 1 to "
                                     "65535 (or empty)", entry);
    return 0;
}

int probe_resolve_valid(const char *entry, struct err *e)
{
    const char *st[3];
    size_t ln[3];
    const char *s = entry;
    int n;

    if (*s == '+' || *s == '-')
        s++;
    n = split_fields(s, st, ln, 3);
    /* ADDR may be a comma-separated list: "host:443:10.0.0.1,10.0.0.2". */
    if (n < 3 || ln[0] == 0)
        return err_set(e, ERR_USAGE, "--resolve %s: expected HOST:PORT:ADDRESS", entry);
    if (!port_ok(st[1], ln[1], false))
        return err_set(e, ERR_USAGE, "--resolve %s: the port must be a number from 1 to "
                                     "65535", entry);
    if (ln[2] == 0)
        return err_set(e, ERR_USAGE, "--resolve %s: the address is empty", entry);
    return 0;
}

int probe_connect_to_parse_list(const char *value, char ***out, size_t *n, struct err *e)
{
    const char *p = value;
    size_t cap = *n, start = *n;

    if (!value)
        return 0;
    while (*p) {
        size_t len;
        char *entry;
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        len = strcspn(p, ", \t\r\n");
        entry = xstrndup(p, len);
        if (probe_connect_to_valid(entry, e) < 0) {
            err_prefix(e, "ALBCHECK_CONNECT_TO");
            free(entry);
            /* All or nothing: drop what this call appended. */
            while (*n > start)
                free((*out)[--*n]);
            return -1;
        }
        *ARRAY_PUSH(*out, *n, cap) = entry;
        p += len;
    }
    return 0;
}

int probe_connect_to_from_env(char ***out, size_t *n, struct err *e)
{
    return probe_connect_to_parse_list(getenv("ALBCHECK_CONNECT_TO"), out, n, e);
}
