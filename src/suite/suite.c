/* suite.c — load and validate a suite file (DESIGN §5) into struct suite.
 *
 * The file is parsed by jansson (JSON_REJECT_DUPLICATES); a hand-written
 * position index (jsonpos.c) maps every value back to its line and column so
 * that each error reads "FILE:LINE:COLUMN: where: what is wrong" (ERR_SUITE,
 * exit 2).  Validation stops at the first error.  Regexes are compiled with
 * PCRE2 and JIT-compiled where the platform allows (silently not otherwise).
 *
 * Schema (unknown keys are errors, with a "did you mean"):
 *
 *   {
 *     "$schema": string                         optional, ignored
 *     "name": string                            REQUIRED
 *     "region": string                          e.g. "us-east-1"
 *     "load_balancer": {                        exactly one of the first four
 *       "name": string | "arn": string | "tags": {string: string}
 *       | "cloudformation_stack": string,
 *       "scheme": "internet-facing" | "internal",
 *       "listeners": [ { "protocol": "HTTP"|"HTTPS", "port": 1-65535 } ]
 *     },
 *     "defaults": {
 *       "timeout_ms": 1-600000 (5000), "retries": 0-10 (0),
 *       "retry_delay_ms": 0-600000 (500), "min_healthy": 0-1000 (1),
 *       "expect": { "status", "body", "headers", "max_ms", "cert_min_days" }
 *     },
 *     "logs": {
 *       "enabled": bool (true), "wait_s": 0-3600 (60),
 *       "mode": "filter" | "insights" (filter),
 *       "correlation": "both" | "query" | "header" | "off" (both),
 *       "skew_s": 0-3600 (60), "query_param": string ("albcheck")
 *     },
 *     "services": [ {
 *       "name": string REQUIRED (letters, digits, _ . -; unique),
 *       "target_group": string REQUIRED (name or ARN),
 *       "ecs": { "cluster", "service", "container_name": string,
 *                "container_port": 1-65535, "image": string },
 *       "log_group": string, "min_healthy": 0-1000 (defaults.min_healthy),
 *       "probes": [ probe ]
 *     } ],
 *     "probes": [ probe, with also "service": a service's name ]
 *   }
 *
 *   probe: {
 *     "name": string, "method": upper-case token (GET),
 *     "path": string REQUIRED (starts with '/', may carry ?query),
 *     "host": string, "headers": {string: string}, "body": string,
 *     "timeout_ms", "retries", "retry_delay_ms": as in defaults,
 *     "logs": bool (true when the probe has a service and does not expect
 *             its answer from the load balancer; else false),
 *     "target_group": string (expected routing; default: the service's group,
 *             none for expect.from "load_balancer"),
 *     "expect": {
 *       "status": 200 | "2xx" | "200-299" | [ any of these ]   ([200]),
 *       "body": PCRE2 regex,
 *       "headers": { name: "exact value"
 *                    | {"equals": s} | {"regex": re} | {"absent": bool} },
 *       "max_ms": 0-600000 (0 = no budget),
 *       "from": "service" | "load_balancer" | "any" (any),
 *       "cert_min_days": 0-3650
 *     }
 *   }
 *
 * Probe ids are stable: "<service>:<METHOD> <path>" for probes listed under a
 * service, "probe:<name>" (or "probe:<METHOD> <path>") for top-level ones.
 */
#include "suite/suite.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpos.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define SUITE_MAX_BYTES (4u * 1024u * 1024u)
#define PTR_MAX 512

struct ctx {
    const char *file;
    struct jsonpos pos;
    struct err *e;
};

/* Defaults applied to every probe (from "defaults"). */
struct defaults {
    int timeout_ms, retries, retry_delay_ms, min_healthy;
    struct expect expect;   /* status, body, headers, max_ms, cert_min_days */
};

/* ------------------------------------------------------------ messages */

/* "/services/0/probes/1/path" → "services[0].probes[1].path" */
static void readable_path(const char *ptr, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    const char *p = ptr;
    while (*p == '/' && n + 1 < cap) {
        p++;
        const char *end = strchr(p, '/');
        size_t sl = end ? (size_t)(end - p) : strlen(p);
        bool digits = sl > 0;
        for (size_t k = 0; k < sl; k++)
            if (!isdigit((unsigned char)p[k]))
                digits = false;
        char seg[PTR_MAX];
        size_t m = 0;
        for (size_t k = 0; k < sl && m + 1 < sizeof seg; k++) {
            if (p[k] == '~' && k + 1 < sl) {
                seg[m++] = p[k + 1] == '1' ? '/' : '~';
                k++;
            } else {
                seg[m++] = p[k];
            }
        }
        seg[m] = '\0';
        int w = digits ? snprintf(out + n, cap - n, "[%s]", seg)
                       : snprintf(out + n, cap - n, "%s%s", n ? "." : "", seg);
        if (w < 0 || (size_t)w >= cap - n) {
            out[cap - 1] = '\0';
            return;
        }
        n += (size_t)w;
        p += sl;
    }
}

/* The position of the value (or key) at ptr; falls back to the nearest
 * recorded ancestor, then to 1:1. */
static void position(const struct ctx *c, const char *ptr, bool at_key, int *line, int *col)
{
    char tmp[PTR_MAX];
    snprintf(tmp, sizeof tmp, "%s", ptr);
    for (;;) {
        const struct jsonpos_entry *en = jsonpos_find(&c->pos, tmp);
        if (en) {
            if (at_key && en->key_line) {
                *line = en->key_line;
                *col = en->key_col;
            } else {
                *line = en->val_line;
                *col = en->val_col;
            }
            return;
        }
        char *slash = strrchr(tmp, '/');
        if (!slash)
            break;
        *slash = '\0';
        at_key = false;
    }
    *line = 1;
    *col = 1;
}

static int failv(struct ctx *c, const char *ptr, bool at_key, const char *fmt, va_list ap)
{
    int line, col;
    position(c, ptr, at_key, &line, &col);
    char where[PTR_MAX + 64];
    readable_path(ptr, where, sizeof where);
    char msg[ERR_MSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return err_set(c->e, ERR_SUITE, "%s:%d:%d: %s%s%s", c->file, line, col, where,
                   *where ? ": " : "", msg);
}

/* Report an error at the value at ptr; returns -1. */
__attribute__((format(printf, 3, 4)))
static int fail(struct ctx *c, const char *ptr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(c, ptr, false, fmt, ap);
    va_end(ap);
    return -1;
}

/* Report an error at the key of the member at ptr; returns -1. */
__attribute__((format(printf, 3, 4)))
static int fail_key(struct ctx *c, const char *ptr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(c, ptr, true, fmt, ap);
    va_end(ap);
    return -1;
}

static void child(char *dst, const char *parent, const char *key)
{
    snprintf(dst, PTR_MAX, "%s", parent);
    if (jsonpos_append(dst, PTR_MAX, key) < 0)
        snprintf(dst, PTR_MAX, "%s", parent); /* too long: point at the parent */
}

static void child_idx(char *dst, const char *parent, size_t i)
{
    char seg[32];
    snprintf(seg, sizeof seg, "%zu", i);
    child(dst, parent, seg);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "a number";
    case JSON_REAL: return "a number with a fraction";
    case JSON_TRUE:
    case JSON_FALSE: return "true/false";
    case JSON_NULL: return "null";
    }
    return "something else";
}

/* ------------------------------------------------------------ did you mean */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return SIZE_MAX;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const char *closest(const char *word, const char *const *names)
{
    const char *best = NULL;
    size_t bestd = SIZE_MAX;
    for (size_t i = 0; names[i]; i++) {
        size_t d = edit_distance(word, names[i]);
        if (d < bestd) {
            bestd = d;
            best = names[i];
        }
    }
    size_t len = strlen(word);
    if (best && (bestd <= 2 || bestd * 3 <= len) && bestd < len)
        return best;
    return NULL;
}

static void join_names(const char *const *names, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; names[i]; i++) {
        int w = snprintf(out + n, cap - n, "%s'%s'", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= cap - n)
            return;
        n += (size_t)w;
    }
}

/* ------------------------------------------------------------ typed getters */

static int want_object(struct ctx *c, const char *ptr, const json_t *v, const char *what)
{
    if (json_is_object(v))
        return 0;
    return fail(c, ptr, "expected %s object, got %s", what, type_name(v));
}

/* Every key of obj must be in allowed (NULL-terminated). */
static int check_keys(struct ctx *c, const char *ptr, json_t *obj, const char *what,
                      const char *const *allowed)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (ok)
            continue;
        char kp[PTR_MAX];
        child(kp, ptr, key);
        const char *near = closest(key, allowed);
        if (near)
            return fail_key(c, kp, "unknown key '%s' in %s; did you mean '%s'?", key, what, near);
        char list[512];
        join_names(allowed, list, sizeof list);
        return fail_key(c, kp, "unknown key '%s' in %s (allowed: %s)", key, what, list);
    }
    return 0;
}

static int missing(struct ctx *c, const char *ptr, const char *key)
{
    return fail(c, ptr, "missing required field '%s'", key);
}

/* A string member: *out = new copy, or NULL when absent (and not required). */
static int get_str(struct ctx *c, const char *ptr, json_t *obj, const char *key, bool required,
                   bool nonempty, char **out)
{
    *out = NULL;
    json_t *v = json_object_get(obj, key);
    if (!v)
        return required ? missing(c, ptr, key) : 0;
    char kp[PTR_MAX];
    child(kp, ptr, key);
    if (!json_is_string(v))
        return fail(c, kp, "expected a string, got %s", type_name(v));
    const char *s = json_string_value(v);
    if (nonempty && !*s)
        return fail(c, kp, "must not be empty");
    if (strlen(s) != json_string_length(v))
        return fail(c, kp, "must not contain a NUL character");
    *out = xstrdup(s);
    return 0;
}

/* An integer member in [lo, hi]; *out untouched when absent. */
static int get_int(struct ctx *c, const char *ptr, json_t *obj, const char *key, long lo,
                   long hi, int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    char kp[PTR_MAX];
    child(kp, ptr, key);
    if (!json_is_integer(v))
        return fail(c, kp, "expected a whole number, got %s", type_name(v));
    json_int_t n = json_integer_value(v);
    if (n < lo || n > hi) {
        if (lo >= 0 && n < 0)
            return fail(c, kp, "%s must not be negative (got %" JSON_INTEGER_FORMAT ")", key, n);
        return fail(c, kp, "%s must be from %ld to %ld, got %" JSON_INTEGER_FORMAT, key, lo, hi,
                    n);
    }
    *out = (int)n;
    return 0;
}

static int get_bool(struct ctx *c, const char *ptr, json_t *obj, const char *key, bool *out,
                    bool *present)
{
    json_t *v = json_object_get(obj, key);
    if (present)
        *present = v != NULL;
    if (!v)
        return 0;
    char kp[PTR_MAX];
    child(kp, ptr, key);
    if (!json_is_boolean(v))
        return fail(c, kp, "expected true or false, got %s", type_name(v));
    *out = json_is_true(v);
    return 0;
}

/* A string member that must be one of names; *out = its index. */
static int get_enum(struct ctx *c, const char *ptr, json_t *obj, const char *key,
                    const char *const *names, int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    char kp[PTR_MAX];
    child(kp, ptr, key);
    if (!json_is_string(v))
        return fail(c, kp, "expected a string, got %s", type_name(v));
    const char *s = json_string_value(v);
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    char list[256];
    join_names(names, list, sizeof list);
    const char *near = closest(s, names);
    if (near)
        return fail(c, kp, "unknown %s '%s'; did you mean '%s'? (allowed: %s)", key, s, near,
                    list);
    return fail(c, kp, "unknown %s '%s' (allowed: %s)", key, s, list);
}

/* ------------------------------------------------------------ value checks */

static bool has_ctl_or_space(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7F)
            return true;
    return false;
}

static bool is_tchar(int ch)
{
    return isalnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool is_token(const char *s)
{
    if (!*s)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!is_tchar(*p))
            return false;
    return true;
}

static int compile_re(struct ctx *c, const char *ptr, const char *src, pcre2_code **out)
{
    int code;
    PCRE2_SIZE off;
    *out = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
    if (!*out) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
            snprintf((char *)msg, sizeof msg, "error %d", code);
        return fail(c, ptr, "invalid regex: %s at offset %zu of the pattern", (char *)msg,
                    (size_t)off);
    }
    (void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE); /* fall back silently */
    return 0;
}

static pcre2_code *re_copy(const pcre2_code *re)
{
    if (!re)
        return NULL;
    pcre2_code *cp = pcre2_code_copy(re);
    if (!cp) {
        fprintf(stderr, "albcheck: out of memory\n");
        abort();
    }
    (void)pcre2_jit_compile(cp, PCRE2_JIT_COMPLETE);
    return cp;
}

/* One status item: 404, "404", "2xx", "200-299". */
static int parse_status_item(struct ctx *c, const char *ptr, const json_t *v,
                             struct status_range *r)
{
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n < 100 || n > 599)
            return fail(c, ptr, "status %" JSON_INTEGER_FORMAT " is outside 100-599", n);
        r->lo = r->hi = (int)n;
        return 0;
    }
    if (!json_is_string(v))
        return fail(c, ptr, "expected a status (200, \"2xx\" or \"200-299\"), got %s",
                    type_name(v));
    const char *s = json_string_value(v);
    size_t len = strlen(s);
    if (len == 3 && s[0] >= '1' && s[0] <= '5' && tolower((unsigned char)s[1]) == 'x' &&
        tolower((unsigned char)s[2]) == 'x') {
        r->lo = (s[0] - '0') * 100;
        r->hi = r->lo + 99;
        return 0;
    }
    int lo, hi, used = 0;
    if (sscanf(s, "%3d-%3d%n", &lo, &hi, &used) == 2 && (size_t)used == len && len == 7) {
        if (lo < 100 || lo > 599 || hi < 100 || hi > 599)
            return fail(c, ptr, "status range '%s' is outside 100-599", s);
        if (lo > hi)
            return fail(c, ptr, "status range '%s' runs backwards", s);
        r->lo = lo;
        r->hi = hi;
        return 0;
    }
    if (len == 3 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
        isdigit((unsigned char)s[2])) {
        int n = atoi(s);
        if (n < 100 || n > 599)
            return fail(c, ptr, "status %d is outside 100-599", n);
        r->lo = r->hi = n;
        return 0;
    }
    return fail(c, ptr, "'%s' is not a status: use 200, \"2xx\" or \"200-299\"", s);
}

static int parse_status(struct ctx *c, const char *ptr, json_t *v, struct expect *x)
{
    struct status_range *rs = NULL;
    size_t n = 0, cap = 0;
    if (json_is_array(v)) {
        if (json_array_size(v) == 0)
            return fail(c, ptr, "the status list is empty");
        for (size_t i = 0; i < json_array_size(v); i++) {
            char ip[PTR_MAX];
            child_idx(ip, ptr, i);
            struct status_range *r = ARRAY_PUSH(rs, n, cap);
            if (parse_status_item(c, ip, json_array_get(v, i), r) < 0) {
                free(rs);
                return -1;
            }
        }
    } else {
        rs = xcalloc(1, sizeof *rs);
        n = 1;
        if (parse_status_item(c, ptr, v, rs) < 0) {
            free(rs);
            return -1;
        }
    }
    free(x->status);
    x->status = rs;
    x->n_status = n;
    return 0;
}

static void header_expect_cleanup(struct header_expect *h)
{
    free(h->name);
    free(h->equals);
    free(h->regex_src);
    pcre2_code_free(h->regex);
}

void expect_cleanup(struct expect *x)
{
    if (!x)
        return;
    free(x->status);
    free(x->body_src);
    pcre2_code_free(x->body_re);
    for (size_t i = 0; i < x->n_headers; i++)
        header_expect_cleanup(&x->headers[i]);
    free(x->headers);
    memset(x, 0, sizeof *x);
}

static void expect_copy(struct expect *dst, const struct expect *src)
{
    *dst = *src;
    dst->status = NULL;
    if (src->n_status) {
        dst->status = xcalloc(src->n_status, sizeof *dst->status);
        memcpy(dst->status, src->status, src->n_status * sizeof *dst->status);
    }
    dst->body_src = xstrdup(src->body_src);
    dst->body_re = re_copy(src->body_re);
    dst->headers = NULL;
    if (src->n_headers) {
        dst->headers = xcalloc(src->n_headers, sizeof *dst->headers);
        for (size_t i = 0; i < src->n_headers; i++) {
            const struct header_expect *h = &src->headers[i];
            dst->headers[i].name = xstrdup(h->name);
            dst->headers[i].absent = h->absent;
            dst->headers[i].equals = xstrdup(h->equals);
            dst->headers[i].regex_src = xstrdup(h->regex_src);
            dst->headers[i].regex = re_copy(h->regex);
        }
    }
}

static int parse_expect_headers(struct ctx *c, const char *ptr, json_t *v, struct expect *x)
{
    if (want_object(c, ptr, v, "a headers") < 0)
        return -1;
    struct header_expect *hs = NULL;
    size_t n = 0, cap = 0;
    const char *key;
    json_t *val;
    int rc = -1;
    json_object_foreach(v, key, val) {
        char hp[PTR_MAX];
        child(hp, ptr, key);
        if (!is_token(key)) {
            fail_key(c, hp, "'%s' is not a valid header name", key);
            goto out;
        }
        struct header_expect *h = ARRAY_PUSH(hs, n, cap);
        h->name = xstrdup(key);
        if (json_is_string(val)) {
            h->equals = xstrdup(json_string_value(val));
            continue;
        }
        if (!json_is_object(val)) {
            fail(c, hp, "expected a string or an object with 'equals', 'regex' or 'absent', got %s",
                 type_name(val));
            goto out;
        }
        static const char *const hkeys[] = {"equals", "regex", "absent", NULL};
        if (check_keys(c, hp, val, "a header expectation", hkeys) < 0)
            goto out;
        if (json_object_size(val) != 1) {
            fail(c, hp, "give exactly one of 'equals', 'regex' or 'absent'");
            goto out;
        }
        bool absent = false, has_absent = false;
        if (get_str(c, hp, val, "equals", false, false, &h->equals) < 0 ||
            get_str(c, hp, val, "regex", false, false, &h->regex_src) < 0 ||
            get_bool(c, hp, val, "absent", &absent, &has_absent) < 0)
            goto out;
        h->absent = has_absent && absent;
        if (h->regex_src) {
            char rp[PTR_MAX];
            child(rp, hp, "regex");
            if (compile_re(c, rp, h->regex_src, &h->regex) < 0)
                goto out;
        }
    }
    for (size_t i = 0; i < x->n_headers; i++)
        header_expect_cleanup(&x->headers[i]);
    free(x->headers);
    x->headers = hs;
    x->n_headers = n;
    hs = NULL;
    n = 0;
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        header_expect_cleanup(&hs[i]);
    free(hs);
    return rc;
}

static const char *const from_names[] = {"any", "service", "load_balancer", NULL};

/* Parse an expect object over x (which holds the defaults): members present
 * replace the default.  allow_from: "from" is accepted (not in defaults). */
static int parse_expect(struct ctx *c, const char *ptr, json_t *v, struct expect *x,
                        bool allow_from)
{
    static const char *const keys[] = {"status", "body", "headers", "max_ms", "from",
                                       "cert_min_days", NULL};
    static const char *const dkeys[] = {"status", "body", "headers", "max_ms", "cert_min_days",
                                        NULL};
    if (want_object(c, ptr, v, "an expect") < 0 ||
        check_keys(c, ptr, v, "expect", allow_from ? keys : dkeys) < 0)
        return -1;
    char kp[PTR_MAX];
    json_t *st = json_object_get(v, "status");
    if (st) {
        child(kp, ptr, "status");
        if (parse_status(c, kp, st, x) < 0)
            return -1;
    }
    char *body = NULL;
    if (get_str(c, ptr, v, "body", false, false, &body) < 0)
        return -1;
    if (body) {
        pcre2_code *re;
        child(kp, ptr, "body");
        if (compile_re(c, kp, body, &re) < 0) {
            free(body);
            return -1;
        }
        free(x->body_src);
        pcre2_code_free(x->body_re);
        x->body_src = body;
        x->body_re = re;
    }
    json_t *hd = json_object_get(v, "headers");
    if (hd) {
        child(kp, ptr, "headers");
        if (parse_expect_headers(c, kp, hd, x) < 0)
            return -1;
    }
    if (get_int(c, ptr, v, "max_ms", 0, 600000, &x->max_ms) < 0 ||
        get_int(c, ptr, v, "cert_min_days", 0, 3650, &x->cert_min_days) < 0)
        return -1;
    if (allow_from) {
        int f = (int)x->from;
        if (get_enum(c, ptr, v, "from", from_names, &f) < 0)
            return -1;
        x->from = f == 0 ? FROM_ANY : f == 1 ? FROM_SERVICE : FROM_LOAD_BALANCER;
    }
    return 0;
}

/* ------------------------------------------------------------ probes */

void probe_spec_cleanup(struct probe_spec *p)
{
    if (!p)
        return;
    free(p->id);
    free(p->name);
    free(p->method);
    free(p->path);
    free(p->host);
    for (size_t i = 0; i < p->n_headers; i++)
        kv_cleanup(&p->headers[i]);
    free(p->headers);
    free(p->body);
    free(p->expect_target_group);
    expect_cleanup(&p->expect);
    memset(p, 0, sizeof *p);
}

void service_spec_cleanup(struct service_spec *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->target_group);
    free(s->cluster);
    free(s->ecs_service);
    free(s->log_group);
    free(s->container_name);
    free(s->image);
    memset(s, 0, sizeof *s);
}

static int check_path(struct ctx *c, const char *ptr, const char *path)
{
    if (!*path)
        return fail(c, ptr, "the path is empty: it must start with '/'");
    if (path[0] != '/')
        return fail(c, ptr, "path '%s' must start with '/'", path);
    if (has_ctl_or_space(path))
        return fail(c, ptr, "path must not contain spaces or control characters (percent-encode them)");
    if (strchr(path, '#'))
        return fail(c, ptr, "path must not contain a fragment ('#' is never sent)");
    return 0;
}

static int parse_req_headers(struct ctx *c, const char *ptr, json_t *v, struct probe_spec *p)
{
    if (want_object(c, ptr, v, "a headers") < 0)
        return -1;
    const char *key;
    json_t *val;
    size_t cap = 0;
    json_object_foreach(v, key, val) {
        char hp[PTR_MAX];
        child(hp, ptr, key);
        if (!is_token(key))
            return fail_key(c, hp, "'%s' is not a valid header name", key);
        if (!json_is_string(val))
            return fail(c, hp, "expected a string, got %s", type_name(val));
        const char *s = json_string_value(val);
        if (strpbrk(s, "\r\n") || strlen(s) != json_string_length(val))
            return fail(c, hp, "a header value must not contain CR, LF or NUL");
        struct kv *kv = ARRAY_PUSH(p->headers, p->n_headers, cap);
        kv->key = xstrdup(key);
        kv->value = xstrdup(s);
    }
    return 0;
}

static int find_service(const struct suite *s, const char *name)
{
    for (size_t i = 0; i < s->n_services; i++)
        if (strcmp(s->services[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Parse one probe at ptr into p.  service: index or -1; top_level: the probe
 * is listed under "probes" (and may name a service). */
static int parse_probe(struct ctx *c, const char *ptr, json_t *o, int service, bool top_level,
                       const struct suite *s, const struct defaults *d, struct probe_spec *p)
{
    static const char *const keys[] = {"name", "method", "path", "host", "headers", "body",
                                       "timeout_ms", "retries", "retry_delay_ms", "logs",
                                       "target_group", "expect", NULL};
    static const char *const tkeys[] = {"name", "method", "path", "host", "headers", "body",
                                        "timeout_ms", "retries", "retry_delay_ms", "logs",
                                        "target_group", "expect", "service", NULL};
    char kp[PTR_MAX];
    if (want_object(c, ptr, o, "a probe") < 0 ||
        check_keys(c, ptr, o, "a probe", top_level ? tkeys : keys) < 0)
        return -1;
    position(c, ptr, false, &p->line, &p->column);
    p->service = service;
    p->timeout_ms = d->timeout_ms;
    p->retries = d->retries;
    p->retry_delay_ms = d->retry_delay_ms;
    expect_copy(&p->expect, &d->expect);

    if (top_level) {
        char *svc = NULL;
        if (get_str(c, ptr, o, "service", false, true, &svc) < 0)
            return -1;
        if (svc) {
            p->service = find_service(s, svc);
            if (p->service < 0) {
                child(kp, ptr, "service");
                fail(c, kp, "no service is named '%s'", svc);
                free(svc);
                return -1;
            }
            free(svc);
        }
    }
    if (get_str(c, ptr, o, "name", false, true, &p->name) < 0 ||
        get_str(c, ptr, o, "method", false, true, &p->method) < 0 ||
        get_str(c, ptr, o, "path", true, false, &p->path) < 0 ||
        get_str(c, ptr, o, "host", false, true, &p->host) < 0 ||
        get_str(c, ptr, o, "body", false, false, &p->body) < 0 ||
        get_str(c, ptr, o, "target_group", false, false, &p->expect_target_group) < 0)
        return -1;
    child(kp, ptr, "path");
    if (check_path(c, kp, p->path) < 0)
        return -1;
    if (p->method) {
        child(kp, ptr, "method");
        bool lower = false;
        for (const char *m = p->method; *m; m++)
            if (islower((unsigned char)*m))
                lower = true;
        if (!is_token(p->method))
            return fail(c, kp, "'%s' is not an HTTP method", p->method);
        if (lower)
            return fail(c, kp, "method '%s' must be upper case (methods are case-sensitive)",
                        p->method);
    } else {
        p->method = xstrdup("GET");
    }
    if (p->host && (has_ctl_or_space(p->host) || strchr(p->host, '/'))) {
        child(kp, ptr, "host");
        return fail(c, kp, "host '%s' must be a host name (no spaces, no '/')", p->host);
    }
    json_t *hv = json_object_get(o, "headers");
    if (hv) {
        child(kp, ptr, "headers");
        if (parse_req_headers(c, kp, hv, p) < 0)
            return -1;
    }
    if (get_int(c, ptr, o, "timeout_ms", 1, 600000, &p->timeout_ms) < 0 ||
        get_int(c, ptr, o, "retries", 0, 10, &p->retries) < 0 ||
        get_int(c, ptr, o, "retry_delay_ms", 0, 600000, &p->retry_delay_ms) < 0)
        return -1;
    json_t *ev = json_object_get(o, "expect");
    if (ev) {
        child(kp, ptr, "expect");
        if (parse_expect(c, kp, ev, &p->expect, true) < 0)
            return -1;
    }
    bool from_lb = p->expect.from == FROM_LOAD_BALANCER;
    bool logs = p->service >= 0 && !from_lb, logs_given = false;
    if (get_bool(c, ptr, o, "logs", &logs, &logs_given) < 0)
        return -1;
    if (logs && p->service < 0) {
        child(kp, ptr, "logs");
        return fail(c, kp, "a logs check needs a service: list the probe under a service or "
                           "name one with 'service'");
    }
    p->check_logs = logs && s->logs.enabled && s->logs.correlation != CORR_OFF;
    if (!p->expect_target_group) {
        if (from_lb)
            p->expect_target_group = xstrdup("");
        else if (p->service >= 0)
            p->expect_target_group = xstrdup(s->services[p->service].target_group);
    }
    if (!p->name)
        p->name = xasprintf("%s %s", p->method, p->path);
    if (!top_level)
        p->id = xasprintf("%s:%s %s", s->services[service].name, p->method, p->path);
    else if (json_object_get(o, "name"))
        p->id = xasprintf("probe:%s", p->name);
    else
        p->id = xasprintf("probe:%s %s", p->method, p->path);
    return 0;
}

static int parse_probe_list(struct ctx *c, const char *ptr, json_t *arr, int service,
                            bool top_level, struct suite *s, const struct defaults *d,
                            size_t *cap)
{
    if (!json_is_array(arr))
        return fail(c, ptr, "expected an array of probes, got %s", type_name(arr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char ip[PTR_MAX];
        child_idx(ip, ptr, i);
        struct probe_spec *p = ARRAY_PUSH(s->probes, s->n_probes, *cap);
        if (parse_probe(c, ip, json_array_get(arr, i), service, top_level, s, d, p) < 0)
            return -1;
        for (size_t k = 0; k + 1 < s->n_probes; k++)
            if (strcmp(s->probes[k].id, p->id) == 0)
                return fail(c, ip, "duplicate probe id '%s' (first at line %d, column %d)", p->id,
                            s->probes[k].line, s->probes[k].column);
    }
    return 0;
}

/* ------------------------------------------------------------ services */

static bool valid_tg(const char *s)
{
    if (strncmp(s, "arn:", 4) == 0)
        return !has_ctl_or_space(s);
    size_t n = strlen(s);
    if (n < 1 || n > 32 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-')
            return false;
    return true;
}

static bool valid_log_group(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 512)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_-./#", s[i]))
            return false;
    return true;
}

static bool valid_service_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
            return false;
    return true;
}

static int parse_service(struct ctx *c, const char *ptr, json_t *o, const struct defaults *d,
                         struct service_spec *sv)
{
    static const char *const keys[] = {"name", "target_group", "ecs", "log_group", "min_healthy",
                                       "probes", NULL};
    static const char *const ekeys[] = {"cluster", "service", "container_name", "container_port",
                                        "image", NULL};
    char kp[PTR_MAX];
    if (want_object(c, ptr, o, "a service") < 0 ||
        check_keys(c, ptr, o, "a service", keys) < 0)
        return -1;
    position(c, ptr, false, &sv->line, &sv->column);
    sv->min_healthy = d->min_healthy;
    if (get_str(c, ptr, o, "name", true, true, &sv->name) < 0 ||
        get_str(c, ptr, o, "target_group", true, true, &sv->target_group) < 0 ||
        get_str(c, ptr, o, "log_group", false, true, &sv->log_group) < 0 ||
        get_int(c, ptr, o, "min_healthy", 0, 1000, &sv->min_healthy) < 0)
        return -1;
    if (!valid_service_name(sv->name)) {
        child(kp, ptr, "name");
        return fail(c, kp, "service name '%s' may hold only letters, digits, '_', '.' and '-' "
                           "(at most 64)", sv->name);
    }
    if (!valid_tg(sv->target_group)) {
        child(kp, ptr, "target_group");
        return fail(c, kp, "'%s' is not a target group name (1-32 letters, digits and '-', not "
                           "starting or ending with '-') nor an ARN", sv->target_group);
    }
    if (sv->log_group && !valid_log_group(sv->log_group)) {
        child(kp, ptr, "log_group");
        return fail(c, kp, "'%s' is not a log group name (letters, digits and '_-./#', at most "
                           "512)", sv->log_group);
    }
    json_t *ecs = json_object_get(o, "ecs");
    if (ecs) {
        child(kp, ptr, "ecs");
        if (want_object(c, kp, ecs, "an ecs") < 0 ||
            check_keys(c, kp, ecs, "ecs", ekeys) < 0 ||
            get_str(c, kp, ecs, "cluster", false, true, &sv->cluster) < 0 ||
            get_str(c, kp, ecs, "service", false, true, &sv->ecs_service) < 0 ||
            get_str(c, kp, ecs, "container_name", false, true, &sv->container_name) < 0 ||
            get_int(c, kp, ecs, "container_port", 1, 65535, &sv->container_port) < 0 ||
            get_str(c, kp, ecs, "image", false, true, &sv->image) < 0)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ top level */

static const char *const logs_mode_names[] = {"filter", "insights", NULL};
static const char *const corr_names[] = {"both", "query", "header", "off", NULL};

static int parse_lb(struct ctx *c, const char *ptr, json_t *o, struct suite *s)
{
    static const char *const keys[] = {"name", "arn", "tags", "cloudformation_stack", "scheme",
                                       "listeners", NULL};
    static const char *const sel[] = {"name", "arn", "tags", "cloudformation_stack", NULL};
    static const char *const schemes[] = {"internet-facing", "internal", NULL};
    static const char *const protos[] = {"HTTP", "HTTPS", NULL};
    char kp[PTR_MAX];
    if (want_object(c, ptr, o, "a load_balancer") < 0 ||
        check_keys(c, ptr, o, "load_balancer", keys) < 0)
        return -1;
    const char *first = NULL;
    const char *key;
    json_t *val;
    json_object_foreach(o, key, val) {
        bool is_sel = false;
        for (size_t i = 0; sel[i]; i++)
            is_sel |= strcmp(key, sel[i]) == 0;
        if (!is_sel)
            continue;
        if (first) {
            child(kp, ptr, key);
            return fail_key(c, kp, "'%s' and '%s' both select the load balancer: give exactly "
                                   "one", first, key);
        }
        first = key;
    }
    if (!first)
        return fail(c, ptr, "give one of 'name', 'arn', 'tags' or 'cloudformation_stack'");
    if (strcmp(first, "tags") == 0) {
        s->lb.kind = LB_SEL_TAGS;
        json_t *tags = json_object_get(o, "tags");
        child(kp, ptr, "tags");
        if (want_object(c, kp, tags, "a tags") < 0)
            return -1;
        if (json_object_size(tags) == 0)
            return fail(c, kp, "at least one tag is needed");
        size_t cap = 0;
        json_object_foreach(tags, key, val) {
            char tp[PTR_MAX];
            child(tp, kp, key);
            if (!*key)
                return fail_key(c, tp, "a tag key must not be empty");
            if (!json_is_string(val))
                return fail(c, tp, "expected a string, got %s", type_name(val));
            struct kv *t = ARRAY_PUSH(s->lb.tags, s->lb.n_tags, cap);
            t->key = xstrdup(key);
            t->value = xstrdup(json_string_value(val));
        }
    } else {
        s->lb.kind = strcmp(first, "name") == 0   ? LB_SEL_NAME
                     : strcmp(first, "arn") == 0  ? LB_SEL_ARN
                                                  : LB_SEL_STACK;
        if (get_str(c, ptr, o, first, true, true, &s->lb.value) < 0)
            return -1;
        child(kp, ptr, first);
        if (s->lb.kind == LB_SEL_ARN && strncmp(s->lb.value, "arn:", 4) != 0)
            return fail(c, kp, "'%s' is not an ARN (arn:aws:elasticloadbalancing:…)", s->lb.value);
        if (s->lb.kind == LB_SEL_NAME && (strlen(s->lb.value) > 32 || has_ctl_or_space(s->lb.value)))
            return fail(c, kp, "'%s' is not a load balancer name (at most 32 characters, no "
                               "spaces)", s->lb.value);
    }
    int sch = -1;
    if (get_enum(c, ptr, o, "scheme", schemes, &sch) < 0)
        return -1;
    if (sch >= 0)
        s->expect_scheme = xstrdup(schemes[sch]);
    json_t *ls = json_object_get(o, "listeners");
    if (ls) {
        child(kp, ptr, "listeners");
        if (!json_is_array(ls))
            return fail(c, kp, "expected an array of listeners, got %s", type_name(ls));
        size_t cap = 0;
        for (size_t i = 0; i < json_array_size(ls); i++) {
            static const char *const lkeys[] = {"protocol", "port", NULL};
            char ip[PTR_MAX];
            child_idx(ip, kp, i);
            json_t *l = json_array_get(ls, i);
            if (want_object(c, ip, l, "a listener") < 0 ||
                check_keys(c, ip, l, "a listener", lkeys) < 0)
                return -1;
            struct listener_expect *le = ARRAY_PUSH(s->listeners, s->n_listeners, cap);
            int pr = -1;
            if (get_enum(c, ip, l, "protocol", protos, &pr) < 0)
                return -1;
            if (pr < 0)
                return missing(c, ip, "protocol");
            le->protocol = xstrdup(protos[pr]);
            if (!json_object_get(l, "port"))
                return missing(c, ip, "port");
            if (get_int(c, ip, l, "port", 1, 65535, &le->port) < 0)
                return -1;
        }
    }
    return 0;
}

static int parse_defaults(struct ctx *c, const char *ptr, json_t *o, struct defaults *d)
{
    static const char *const keys[] = {"timeout_ms", "retries", "retry_delay_ms", "min_healthy",
                                       "expect", NULL};
    if (want_object(c, ptr, o, "a defaults") < 0 ||
        check_keys(c, ptr, o, "defaults", keys) < 0 ||
        get_int(c, ptr, o, "timeout_ms", 1, 600000, &d->timeout_ms) < 0 ||
        get_int(c, ptr, o, "retries", 0, 10, &d->retries) < 0 ||
        get_int(c, ptr, o, "retry_delay_ms", 0, 600000, &d->retry_delay_ms) < 0 ||
        get_int(c, ptr, o, "min_healthy", 0, 1000, &d->min_healthy) < 0)
        return -1;
    json_t *ev = json_object_get(o, "expect");
    if (ev) {
        char kp[PTR_MAX];
        child(kp, ptr, "expect");
        if (parse_expect(c, kp, ev, &d->expect, false) < 0)
            return -1;
    }
    return 0;
}

static int parse_logs(struct ctx *c, const char *ptr, json_t *o, struct logs_settings *l)
{
    static const char *const keys[] = {"enabled", "wait_s", "mode", "correlation", "skew_s",
                                       "query_param", NULL};
    int mode = (int)l->mode, corr = (int)l->correlation;
    char *qp = NULL;
    if (want_object(c, ptr, o, "a logs") < 0 || check_keys(c, ptr, o, "logs", keys) < 0 ||
        get_bool(c, ptr, o, "enabled", &l->enabled, NULL) < 0 ||
        get_int(c, ptr, o, "wait_s", 0, 3600, &l->wait_s) < 0 ||
        get_enum(c, ptr, o, "mode", logs_mode_names, &mode) < 0 ||
        get_enum(c, ptr, o, "correlation", corr_names, &corr) < 0 ||
        get_int(c, ptr, o, "skew_s", 0, 3600, &l->skew_s) < 0 ||
        get_str(c, ptr, o, "query_param", false, true, &qp) < 0)
        return -1;
    l->mode = mode == 1 ? LOGS_INSIGHTS : LOGS_FILTER;
    l->correlation = (enum correlation_mode)corr;
    if (qp) {
        for (const char *q = qp; *q; q++)
            if (!isalnum((unsigned char)*q) && !strchr("_.-~", *q)) {
                char kp[PTR_MAX];
                child(kp, ptr, "query_param");
                free(qp);
                return fail(c, kp, "query_param may hold only letters, digits and '_.-~'");
            }
        free(l->query_param);
        l->query_param = qp;
    }
    return 0;
}

static bool valid_region(const char *r)
{
    if (!*r || strlen(r) > 32)
        return false;
    for (const char *p = r; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
            return false;
    return strchr(r, '-') != NULL;
}

static int parse_suite(struct ctx *c, json_t *root, struct suite *s)
{
    static const char *const keys[] = {"$schema", "name", "region", "load_balancer", "defaults",
                                       "logs", "services", "probes", NULL};
    struct defaults d = {.timeout_ms = 5000, .retry_delay_ms = 500, .min_healthy = 1,
                         .expect = {.cert_min_days = -1}};
    int rc = -1;
    char kp[PTR_MAX];
    d.expect.status = xcalloc(1, sizeof *d.expect.status);
    d.expect.status[0].lo = d.expect.status[0].hi = 200;
    d.expect.n_status = 1;

    if (!json_is_object(root)) {
        fail(c, "", "a suite must be a JSON object, got %s", type_name(root));
        goto out;
    }
    if (check_keys(c, "", root, "the suite", keys) < 0 ||
        get_str(c, "", root, "name", true, true, &s->name) < 0 ||
        get_str(c, "", root, "region", false, true, &s->region) < 0)
        goto out;
    if (s->region && !valid_region(s->region)) {
        fail(c, "/region", "'%s' is not a region name such as 'us-east-1'", s->region);
        goto out;
    }
    json_t *v;
    if ((v = json_object_get(root, "load_balancer")) && parse_lb(c, "/load_balancer", v, s) < 0)
        goto out;
    if ((v = json_object_get(root, "defaults")) && parse_defaults(c, "/defaults", v, &d) < 0)
        goto out;
    s->default_timeout_ms = d.timeout_ms;
    if ((v = json_object_get(root, "logs")) && parse_logs(c, "/logs", v, &s->logs) < 0)
        goto out;

    size_t pcap = 0;
    json_t *svcs = json_object_get(root, "services");
    if (svcs) {
        if (!json_is_array(svcs)) {
            fail(c, "/services", "expected an array of services, got %s", type_name(svcs));
            goto out;
        }
        /* All services first, so that top-level probes can name any of them. */
        s->services = xcalloc(json_array_size(svcs) + 1, sizeof *s->services);
        for (size_t i = 0; i < json_array_size(svcs); i++) {
            child_idx(kp, "/services", i);
            struct service_spec *sv = &s->services[s->n_services++];
            if (parse_service(c, kp, json_array_get(svcs, i), &d, sv) < 0)
                goto out;
            for (size_t k = 0; k + 1 < s->n_services; k++)
                if (strcmp(s->services[k].name, sv->name) == 0) {
                    char np[PTR_MAX];
                    child(np, kp, "name");
                    fail(c, np, "duplicate service name '%s' (first at line %d, column %d)",
                         sv->name, s->services[k].line, s->services[k].column);
                    goto out;
                }
        }
        for (size_t i = 0; i < json_array_size(svcs); i++) {
            json_t *pl = json_object_get(json_array_get(svcs, i), "probes");
            if (!pl)
                continue;
            child_idx(kp, "/services", i);
            char pp[PTR_MAX];
            child(pp, kp, "probes");
            if (parse_probe_list(c, pp, pl, (int)i, false, s, &d, &pcap) < 0)
                goto out;
        }
    }
    json_t *top = json_object_get(root, "probes");
    if (top && parse_probe_list(c, "/probes", top, -1, true, s, &d, &pcap) < 0)
        goto out;
    rc = 0;
out:
    expect_cleanup(&d.expect);
    return rc;
}

struct suite *suite_new_defaults(void)
{
    struct suite *s = xcalloc(1, sizeof *s);
    s->logs.enabled = true;
    s->logs.wait_s = 60;
    s->logs.mode = LOGS_FILTER;
    s->logs.correlation = CORR_BOTH;
    s->logs.skew_s = 60;
    s->logs.query_param = xstrdup("albcheck");
    s->default_timeout_ms = 5000;
    return s;
}

int suite_load_buffer(const char *text, size_t len, const char *name, struct suite **out,
                      struct err *e)
{
    struct ctx c = {.file = name ? name : "<suite>", .e = e};
    struct suite *s = NULL;
    json_t *root = NULL;
    json_error_t je;
    int rc = -1;
    *out = NULL;

    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        err_set(e, ERR_SUITE, "%s:%d:%d: JSON syntax error: %s", c.file,
                je.line > 0 ? je.line : 1, je.column > 0 ? je.column : 1, je.text);
        goto out;
    }
    (void)jsonpos_build(&c.pos, text, len); /* positions are best effort */
    s = suite_new_defaults();
    s->path = xstrdup(name);
    if (parse_suite(&c, root, s) < 0)
        goto out;
    *out = s;
    s = NULL;
    rc = 0;
out:
    suite_free(s);
    json_decref(root);
    jsonpos_cleanup(&c.pos);
    return rc;
}

int suite_load_file(const char *path, struct suite **out, struct err *e)
{
    struct buf b;
    int rc = -1;
    FILE *f = NULL;
    *out = NULL;
    buf_init(&b, SUITE_MAX_BYTES);
    f = fopen(path, "rb");
    if (!f) {
        err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
        goto out;
    }
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_append(&b, chunk, n) < 0) {
            err_set(e, ERR_SUITE, "%s: larger than %u bytes: not a suite file", path,
                    SUITE_MAX_BYTES);
            goto out;
        }
    }
    if (ferror(f)) {
        err_set(e, ERR_IO, "%s: read error: %s", path, strerror(errno));
        goto out;
    }
    rc = suite_load_buffer(buf_str(&b), b.len, path, out, e);
out:
    if (f)
        fclose(f);
    buf_cleanup(&b);
    return rc;
}

void lb_selector_cleanup(struct lb_selector *sel)
{
    if (!sel)
        return;
    free(sel->value);
    for (size_t i = 0; i < sel->n_tags; i++)
        kv_cleanup(&sel->tags[i]);
    free(sel->tags);
    memset(sel, 0, sizeof *sel);
}

void lb_selector_copy(struct lb_selector *dst, const struct lb_selector *src)
{
    dst->kind = src->kind;
    dst->value = xstrdup(src->value);
    dst->n_tags = src->n_tags;
    dst->tags = src->n_tags ? xcalloc(src->n_tags, sizeof *dst->tags) : NULL;
    for (size_t i = 0; i < src->n_tags; i++) {
        dst->tags[i].key = xstrdup(src->tags[i].key);
        dst->tags[i].value = xstrdup(src->tags[i].value);
    }
}

void suite_free(struct suite *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->name);
    free(s->region);
    lb_selector_cleanup(&s->lb);
    free(s->expect_scheme);
    for (size_t i = 0; i < s->n_listeners; i++)
        free(s->listeners[i].protocol);
    free(s->listeners);
    for (size_t i = 0; i < s->n_services; i++)
        service_spec_cleanup(&s->services[i]);
    free(s->services);
    for (size_t i = 0; i < s->n_probes; i++)
        probe_spec_cleanup(&s->probes[i]);
    free(s->probes);
    free(s->logs.query_param);
    strv_free(s->notes, s->n_notes);
    free(s);
}
