/* rules.c — ALB listener rule evaluation and lint (see rules.h).
 *
 * The evaluator follows the ALB user guide (aws/NOTES.md §8).  The lint's
 * shadowing test is a containment proof: rule B is unreachable when every
 * request B matches is matched by some earlier rule.  B's conditions are
 * expanded into single-value alternatives (the OR inside a condition); each
 * alternative must be covered by one earlier rule A, i.e. every condition of
 * A must be implied by a condition of the alternative (same field, and a
 * value of A containing the chosen value: glob containment for patterns,
 * CIDR containment for source-ip, equality for methods).
 */
#include "checks/rules.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/xmalloc.h"

#define GLOB_MAX 4096      /* longer patterns are not analysed for containment */
#define MAX_ALTERNATIVES 512

/* ------------------------------------------------------------ globs */

static int fold(int c, bool nocase)
{
    return nocase ? tolower((unsigned char)c) : (unsigned char)c;
}

bool rules_glob_match(const char *pattern, const char *text, bool nocase)
{
    const char *p = pattern, *t = text;
    const char *star = NULL, *resume = NULL;
    while (*t) {
        if (*p == '*') {
            star = p++;
            resume = t;
        } else if (*p && (*p == '?' || fold(*p, nocase) == fold(*t, nocase))) {
            p++;
            t++;
        } else if (star) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

bool rules_glob_contains(const char *outer, const char *inner, bool nocase)
{
    size_t m = strlen(outer), n = strlen(inner);
    if (m > GLOB_MAX || n > GLOB_MAX)
        return false;
    /* ok[i][j]: outer[i..] covers inner[j..], treating inner's wildcards as
     * symbols: outer's '*' absorbs any run of them, outer's '?' one literal
     * or '?', a literal only the same literal. */
    size_t w = n + 1;
    unsigned char *ok = xcalloc((m + 1) * w, 1);
    ok[m * w + n] = 1;
    for (size_t i = m + 1; i-- > 0;) {
        for (size_t j = n + 1; j-- > 0;) {
            if (i == m)
                continue; /* only (m, n) is true, set above */
            unsigned char v;
            if (outer[i] == '*')
                v = ok[(i + 1) * w + j] || (j < n && ok[i * w + j + 1]);
            else if (j == n)
                v = 0;
            else if (outer[i] == '?')
                v = inner[j] != '*' && ok[(i + 1) * w + j + 1];
            else
                v = inner[j] != '*' && inner[j] != '?' &&
                    fold(outer[i], nocase) == fold(inner[j], nocase) && ok[(i + 1) * w + j + 1];
            ok[i * w + j] = v;
        }
    }
    bool r = ok[0];
    free(ok);
    return r;
}

/* ------------------------------------------------------------ addresses */

struct cidr {
    int family;             /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    int bits;
};

static bool parse_cidr(const char *s, struct cidr *c)
{
    char tmp[64];
    size_t len = strlen(s);
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, s, len + 1);
    char *slash = strchr(tmp, '/');
    int bits = -1;
    if (slash) {
        *slash = '\0';
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end || b < 0 || b > 128)
            return false;
        bits = (int)b;
    }
    memset(c, 0, sizeof *c);
    if (inet_pton(AF_INET, tmp, c->addr) == 1) {
        c->family = AF_INET;
        if (bits > 32)
            return false;
        c->bits = bits < 0 ? 32 : bits;
        return true;
    }
    if (inet_pton(AF_INET6, tmp, c->addr) == 1) {
        c->family = AF_INET6;
        c->bits = bits < 0 ? 128 : bits;
        return true;
    }
    return false;
}

static bool prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
    int full = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xFF << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

bool rules_cidr_contains(const char *outer, const char *inner)
{
    struct cidr o, i;
    if (!parse_cidr(outer, &o) || !parse_cidr(inner, &i) || o.family != i.family)
        return false;
    return o.bits <= i.bits && prefix_equal(o.addr, i.addr, o.bits);
}

bool rules_cidr_match(const char *cidr, const char *ip)
{
    if (!ip || strchr(ip, '/'))
        return false;
    return rules_cidr_contains(cidr, ip);
}

/* ------------------------------------------------------------ requests */

/* The Host header without its port: "Example.com:8080" → "Example.com",
 * "[::1]:80" → "[::1]".  Returns a new string. */
static char *host_only(const char *h)
{
    if (h[0] == '[') {
        const char *close = strchr(h, ']');
        return close ? xstrndup(h, (size_t)(close - h) + 1) : xstrdup(h);
    }
    const char *colon = strrchr(h, ':');
    if (colon && strchr(h, ':') == colon) {
        bool digits = colon[1] != '\0';
        for (const char *p = colon + 1; *p; p++)
            digits &= isdigit((unsigned char)*p) != 0;
        if (digits)
            return xstrndup(h, (size_t)(colon - h));
    }
    return xstrdup(h);
}

static int hexv(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode n bytes of s (invalid escapes are kept as they are).  A
 * decoded NUL is kept as "%00" so the result stays a C string. */
static char *pct_decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n &&
            (hi = hexv((unsigned char)s[i + 1])) >= 0 && (lo = hexv((unsigned char)s[i + 2])) >= 0 &&
            (hi | lo) != 0) {
            out[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    return out;
}

static bool regex_search(const char *re_src, const char *subject, bool nocase)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)re_src, PCRE2_ZERO_TERMINATED,
                                   nocase ? PCRE2_CASELESS : 0, &code, &off, NULL);
    if (!re)
        return false;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = md ? pcre2_match(re, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, NULL) : -1;
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0;
}

/* Does any value (glob) or regex value of c match text? */
static bool any_value(const struct rule_condition *c, const char *text, bool nocase)
{
    for (size_t i = 0; i < c->n_values; i++)
        if (c->values[i] && rules_glob_match(c->values[i], text, nocase))
            return true;
    for (size_t i = 0; i < c->n_regex_values; i++)
        if (c->regex_values[i] && regex_search(c->regex_values[i], text, nocase))
            return true;
    return false;
}

static bool query_matches(const struct rule_condition *c, const char *query)
{
    if (!query)
        return false;
    const char *p = query;
    for (;;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (n > 0) {
            const char *eq = memchr(p, '=', n);
            char *key = pct_decode(p, eq ? (size_t)(eq - p) : n);
            char *val = eq ? pct_decode(eq + 1, n - (size_t)(eq - p) - 1) : xstrdup("");
            bool hit = false;
            for (size_t i = 0; i < c->n_query && !hit; i++) {
                const struct kv *q = &c->query[i];
                char *qk = q->key ? pct_decode(q->key, strlen(q->key)) : NULL;
                char *qv = pct_decode(q->value ? q->value : "", q->value ? strlen(q->value) : 0);
                hit = (!qk || rules_glob_match(qk, key, true)) && rules_glob_match(qv, val, true);
                free(qk);
                free(qv);
            }
            free(key);
            free(val);
            if (hit)
                return true;
        }
        if (!amp)
            return false;
        p = amp + 1;
    }
}

bool rules_condition_matches(const struct rule_condition *c, const struct rules_request *rq)
{
    if (!c->field)
        return false;
    const char *target = rq->path ? rq->path : "/";
    const char *q = strchr(target, '?');
    if (strcmp(c->field, "path-pattern") == 0) {
        char *path = q ? xstrndup(target, (size_t)(q - target)) : xstrdup(target);
        bool r = any_value(c, path, false);
        free(path);
        return r;
    }
    if (strcmp(c->field, "host-header") == 0) {
        if (!rq->host)
            return false;
        char *h = host_only(rq->host);
        bool r = any_value(c, h, true);
        free(h);
        return r;
    }
    if (strcmp(c->field, "http-request-method") == 0) {
        const char *m = rq->method ? rq->method : "GET";
        for (size_t i = 0; i < c->n_values; i++)
            if (c->values[i] && strcmp(c->values[i], m) == 0)
                return true;
        return false;
    }
    if (strcmp(c->field, "http-header") == 0) {
        if (!c->header_name)
            return false;
        for (size_t i = 0; i < rq->n_headers; i++)
            if (rq->headers[i].key && strcasecmp(rq->headers[i].key, c->header_name) == 0 &&
                any_value(c, rq->headers[i].value ? rq->headers[i].value : "", true))
                return true;
        if (strcasecmp(c->header_name, "host") == 0 && rq->host)
            return any_value(c, rq->host, true);
        return false;
    }
    if (strcmp(c->field, "query-string") == 0)
        return query_matches(c, q ? q + 1 : NULL);
    if (strcmp(c->field, "source-ip") == 0) {
        for (size_t i = 0; rq->source_ip && i < c->n_values; i++)
            if (c->values[i] && rules_cidr_match(c->values[i], rq->source_ip))
                return true;
        return false;
    }
    return false; /* an unknown condition never matches */
}

static bool is_terminal(const char *type)
{
    return type && (strcmp(type, "forward") == 0 || strcmp(type, "redirect") == 0 ||
                    strcmp(type, "fixed-response") == 0);
}

const struct rule_action *rules_terminal_action(const struct rule_action *a, size_t n)
{
    const struct rule_action *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (is_terminal(a[i].type) && (!best || a[i].order >= best->order))
            best = &a[i];
    return best;
}

/* Evaluation order of rules x and y of l: <0 when x comes first. */
static int cmp_rule_index(const struct listener *l, size_t x, size_t y)
{
    const struct rule *rx = &l->rules[x], *ry = &l->rules[y];
    if (rx->is_default != ry->is_default)
        return rx->is_default ? 1 : -1;
    if (rx->priority != ry->priority)
        return rx->priority < ry->priority ? -1 : 1;
    return x < y ? -1 : x > y;
}

size_t *rules_order(const struct listener *l)
{
    size_t n = l->n_rules;
    if (!n)
        return NULL;
    size_t *ix = xcalloc(n, sizeof *ix);
    for (size_t i = 0; i < n; i++)
        ix[i] = i;
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++)
        sorted = cmp_rule_index(l, i - 1, i) < 0;
    if (sorted)
        return ix; /* the usual case: discovery lists them in order */
    /* Bottom-up merge sort: stable, O(n log n) even for 1,000s of rules,
     * and needs no global for qsort's missing context argument. */
    size_t *tmp = xcalloc(n, sizeof *tmp);
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                tmp[k++] = cmp_rule_index(l, ix[b], ix[a]) < 0 ? ix[b++] : ix[a++];
            while (a < mid)
                tmp[k++] = ix[a++];
            while (b < hi)
                tmp[k++] = ix[b++];
        }
        memcpy(ix, tmp, n * sizeof *ix);
    }
    free(tmp);
    return ix;
}

static bool rule_matches(const struct rule *r, const struct rules_request *rq)
{
    for (size_t i = 0; i < r->n_conditions; i++)
        if (!rules_condition_matches(&r->conditions[i], rq))
            return false;
    return true;
}

int rules_evaluate(const struct listener *l, const struct rules_request *rq,
                   struct rules_match *m, struct err *e)
{
    size_t *order = rules_order(l);
    int rc = -1;
    memset(m, 0, sizeof *m);
    m->rule_index = -1;
    for (size_t k = 0; k < l->n_rules; k++) {
        const struct rule *r = &l->rules[order[k]];
        /* The default rule has no conditions and matches everything. */
        if (r->is_default || rule_matches(r, rq)) {
            m->rule_index = (int)order[k];
            m->priority = r->is_default ? INT_MAX : r->priority;
            m->is_default = r->is_default;
            m->rule_arn = r->arn;
            m->action = rules_terminal_action(r->actions, r->n_actions);
            if (r->is_default && !r->n_actions)
                m->action = rules_terminal_action(l->default_actions, l->n_default_actions);
            rc = 0;
            goto out;
        }
    }
    if (l->n_default_actions) {
        m->priority = INT_MAX;
        m->is_default = true;
        m->action = rules_terminal_action(l->default_actions, l->n_default_actions);
        rc = 0;
        goto out;
    }
    err_set(e, ERR_NOTFOUND, "listener %s: no rule matched and it has no default action",
            l->arn ? l->arn : "?");
out:
    free(order);
    return rc;
}

char *rules_describe(const struct rule *r)
{
    struct buf b;
    buf_init(&b, 64 * 1024);
    if (!r->n_conditions)
        buf_appends(&b, r->is_default ? "default" : "(no conditions)");
    for (size_t i = 0; i < r->n_conditions; i++) {
        const struct rule_condition *c = &r->conditions[i];
        buf_printf(&b, "%s%s", i ? " AND " : "", c->field ? c->field : "?");
        if (c->header_name)
            buf_printf(&b, "[%s]", c->header_name);
        buf_appendc(&b, ' ');
        size_t n = 0;
        for (size_t k = 0; k < c->n_values; k++)
            buf_printf(&b, "%s%s", n++ ? "," : "", c->values[k] ? c->values[k] : "");
        for (size_t k = 0; k < c->n_regex_values; k++)
            buf_printf(&b, "%s~%s", n++ ? "," : "", c->regex_values[k] ? c->regex_values[k] : "");
        for (size_t k = 0; k < c->n_query; k++)
            buf_printf(&b, "%s%s=%s", n++ ? "," : "", c->query[k].key ? c->query[k].key : "",
                       c->query[k].value ? c->query[k].value : "");
    }
    return buf_steal(&b);
}

/* ------------------------------------------------------------ lint */

/* One alternative of a condition: a single value (or query pair). */
struct alt {
    const struct rule_condition *c;
    size_t k;               /* index into values or query */
};

static bool same_kind(const struct rule_condition *a, const struct rule_condition *b)
{
    if (!a->field || !b->field || strcmp(a->field, b->field) != 0)
        return false;
    if (strcmp(a->field, "http-header") == 0)
        return a->header_name && b->header_name && strcasecmp(a->header_name, b->header_name) == 0;
    return true;
}

static size_t n_alts(const struct rule_condition *c)
{
    if (c->n_regex_values)
        return 0; /* cannot reason about regexes: not analysed */
    return c->field && strcmp(c->field, "query-string") == 0 ? c->n_query : c->n_values;
}

/* Does condition a (of the covering rule) match every request that
 * alternative v of condition b matches? */
static bool cond_covers(const struct rule_condition *a, const struct alt *v)
{
    const struct rule_condition *b = v->c;
    if (!same_kind(a, b))
        return false;
    const char *f = a->field;
    if (strcmp(f, "query-string") == 0) {
        const struct kv *bq = &b->query[v->k];
        for (size_t i = 0; i < a->n_query; i++) {
            const struct kv *aq = &a->query[i];
            bool key_ok = !aq->key || (bq->key && rules_glob_contains(aq->key, bq->key, true));
            if (key_ok && rules_glob_contains(aq->value ? aq->value : "",
                                              bq->value ? bq->value : "", true))
                return true;
        }
        return false;
    }
    const char *bv = b->values[v->k];
    if (!bv)
        return false;
    for (size_t i = 0; i < a->n_values; i++) {
        const char *av = a->values[i];
        if (!av)
            continue;
        bool hit;
        if (strcmp(f, "path-pattern") == 0)
            hit = rules_glob_contains(av, bv, false);
        else if (strcmp(f, "host-header") == 0 || strcmp(f, "http-header") == 0)
            hit = rules_glob_contains(av, bv, true);
        else if (strcmp(f, "http-request-method") == 0)
            hit = strcmp(av, bv) == 0;
        else if (strcmp(f, "source-ip") == 0)
            hit = rules_cidr_contains(av, bv);
        else
            hit = false;
        if (hit)
            return true;
    }
    return false;
}

/* Does rule a match every request that the alternative (one value chosen
 * per condition of b) matches? */
static bool rule_covers(const struct rule *a, const struct alt *alts, size_t n)
{
    for (size_t i = 0; i < a->n_conditions; i++) {
        bool implied = false;
        for (size_t j = 0; j < n && !implied; j++)
            implied = cond_covers(&a->conditions[i], &alts[j]);
        if (!implied)
            return false;
    }
    return true;
}

/* Is rules[order[pos]] covered by the rules before it?  Fills covered_by. */
static bool shadowed(const struct listener *l, const size_t *order, size_t pos,
                     const bool *dead, int **by, size_t *n_by)
{
    const struct rule *b = &l->rules[order[pos]];
    size_t nc = b->n_conditions, total = 1;
    if (b->is_default || nc == 0)
        return false;
    for (size_t i = 0; i < nc; i++) {
        size_t k = n_alts(&b->conditions[i]);
        if (k == 0)
            return false;
        total *= k;
        if (total > MAX_ALTERNATIVES)
            return false;
    }
    struct alt *alts = xcalloc(nc, sizeof *alts);
    size_t *idx = xcalloc(nc, sizeof *idx);
    bool *used = xcalloc(pos ? pos : 1, sizeof *used);
    bool all = true;
    for (size_t t = 0; t < total && all; t++) {
        size_t rem = t;
        for (size_t i = 0; i < nc; i++) {
            size_t k = n_alts(&b->conditions[i]);
            idx[i] = rem % k;
            rem /= k;
            alts[i].c = &b->conditions[i];
            alts[i].k = idx[i];
        }
        bool covered = false;
        for (size_t p = 0; p < pos && !covered; p++) {
            const struct rule *a = &l->rules[order[p]];
            if (a->is_default || dead[p])
                continue;
            if (rule_covers(a, alts, nc)) {
                covered = true;
                used[p] = true;
            }
        }
        all = covered;
    }
    if (all) {
        for (size_t p = 0; p < pos; p++)
            if (used[p]) {
                *by = xreallocarray(*by, *n_by + 1, sizeof **by);
                (*by)[(*n_by)++] = (int)order[p];
            }
    }
    free(alts);
    free(idx);
    free(used);
    return all;
}

static void mark_reached(const struct rule_action *a, const char *const *tg_arns, size_t n_tgs,
                         bool *reached)
{
    if (!a || !a->type || strcmp(a->type, "forward") != 0)
        return;
    for (size_t i = 0; i < a->n_targets; i++) {
        if (!a->targets[i].target_group_arn || (a->n_targets > 1 && a->targets[i].weight <= 0))
            continue;
        for (size_t k = 0; k < n_tgs; k++)
            if (tg_arns[k] && strcmp(tg_arns[k], a->targets[i].target_group_arn) == 0)
                reached[k] = true;
    }
}

size_t rules_lint(const struct listener *ls, size_t n_ls, const char *const *tg_arns,
                  size_t n_tgs, struct rules_finding **out)
{
    struct rules_finding *f = NULL;
    size_t n = 0, cap = 0;
    bool *reached = xcalloc(n_tgs ? n_tgs : 1, sizeof *reached);
    for (size_t li = 0; li < n_ls; li++) {
        const struct listener *l = &ls[li];
        size_t *order = rules_order(l);
        bool *dead = xcalloc(l->n_rules ? l->n_rules : 1, sizeof *dead);
        bool default_rule = false;
        for (size_t pos = 0; pos < l->n_rules; pos++) {
            const struct rule *r = &l->rules[order[pos]];
            int *by = NULL;
            size_t n_by = 0;
            default_rule |= r->is_default;
            if (shadowed(l, order, pos, dead, &by, &n_by)) {
                dead[pos] = true;
                struct rules_finding *x = ARRAY_PUSH(f, n, cap);
                x->kind = RULES_SHADOWED;
                x->listener = li;
                x->rule_index = (int)order[pos];
                x->priority = r->priority;
                x->covered_by = by;
                x->n_covered_by = n_by;
                struct buf b;
                buf_init(&b, 64 * 1024);
                char *d = rules_describe(r);
                buf_printf(&b, "rule %d (%s) can never match: covered by rule%s", r->priority, d,
                           n_by > 1 ? "s" : "");
                free(d);
                for (size_t k = 0; k < n_by; k++)
                    buf_printf(&b, "%s %d", k ? "," : "", l->rules[by[k]].priority);
                x->message = buf_steal(&b);
                continue;
            }
            mark_reached(rules_terminal_action(r->actions, r->n_actions), tg_arns, n_tgs,
                         reached);
        }
        if (!default_rule || l->n_default_actions)
            mark_reached(rules_terminal_action(l->default_actions, l->n_default_actions),
                         tg_arns, n_tgs, reached);
        free(dead);
        free(order);
    }
    for (size_t k = 0; k < n_tgs; k++) {
        if (reached[k] || !tg_arns[k])
            continue;
        struct rules_finding *x = ARRAY_PUSH(f, n, cap);
        x->kind = RULES_TG_UNREACHED;
        x->rule_index = -1;
        x->target_group_arn = xstrdup(tg_arns[k]);
        x->message = xasprintf("target group %s is reached by no rule or default action",
                               tg_arns[k]);
    }
    free(reached);
    *out = f;
    return n;
}

void rules_findings_free(struct rules_finding *f, size_t n)
{
    if (!f)
        return;
    for (size_t i = 0; i < n; i++) {
        free(f[i].covered_by);
        free(f[i].target_group_arn);
        free(f[i].message);
    }
    free(f);
}
