/* assert.c — judging one probe's answer: status, body, headers, latency,
 * certificate, and who answered (the service or the load balancer itself).
 *
 * Everything here is pure (the clock is passed in), so the unit tests drive it
 * with tables.  Messages are meant for a person reading a CI log: they say
 * what was expected, what came, and — when the load balancer answered by
 * itself — why it probably did.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "probe/probe.h"
#include "util/buf.h"
#include "util/xmalloc.h"

bool probe_header_is_secret(const char *name)
{
    static const char *const exact[] = {
        "authorization", "cookie", "proxy-authorization", "x-api-key", "set-cookie",
    };
    static const char *const parts[] = { "token", "secret", "key", "password" };
    if (!name)
        return false;
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcasecmp(name, exact[i]) == 0)
            return true;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (strcasestr(name, parts[i]))
            return true;
    return false;
}

bool probe_status_matches(const struct expect *x, int status)
{
    if (!x || x->n_status == 0)
        return true;
    for (size_t i = 0; i < x->n_status; i++)
        if (status >= x->status[i].lo && status <= x->status[i].hi)
            return true;
    return false;
}

int probe_regex_match(const pcre2_code *re, const unsigned char *p, size_t len)
{
    uint32_t opts = 0;
    size_t jit_size = 0;
    pcre2_match_data *md;
    int rc;

    if (!re)
        return 1;
    if (!p)
        p = (const unsigned char *)"";
    pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &opts);
    pcre2_pattern_info(re, PCRE2_INFO_JITSIZE, &jit_size);
    md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!md)
        return -1;
    /* pcre2_jit_match skips the UTF validity check, so a UTF pattern on a
     * hostile body goes through pcre2_match (which still uses the JIT code
     * after checking the subject). */
    if (jit_size > 0 && !(opts & PCRE2_UTF))
        rc = pcre2_jit_match(re, p, len, 0, 0, md, NULL);
    else
        rc = pcre2_match(re, p, len, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    return -1;
}

char *probe_printable(const unsigned char *p, size_t len, size_t max)
{
    struct buf b;
    size_t n = len < max ? len : max;

    buf_init(&b, n * 4 + 8);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '\\')
            buf_appends(&b, "\\\\");
        else if (c == '\n')
            buf_appends(&b, "\\n");
        else if (c == '\r')
            buf_appends(&b, "\\r");
        else if (c == '\t')
            buf_appends(&b, "\\t");
        else if (c >= 0x20 && c < 0x7f)
            buf_appendc(&b, (char)c);
        else
            buf_printf(&b, "\\x%02x", c);
    }
    if (len > n)
        buf_appends(&b, "...");
    return buf_steal(&b);
}

const char *probe_header_get(const struct kv *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].key && strcasecmp(h[i].key, name) == 0)
            return h[i].value ? h[i].value : "";
    return NULL;
}

/* Does the answer equal the listener's fixed-response action?  Status must be
 * equal; content type and body are compared when the action sets them
 * (content type by its media type, ignoring parameters and case). */
static bool fixed_matches(const struct rule_action *a, int status, const char *ctype,
                          const unsigned char *body, size_t body_len)
{
    if (!a || a->fixed_status != status)
        return false;
    if (a->fixed_content_type && *a->fixed_content_type) {
        size_t want = strcspn(a->fixed_content_type, "; ");
        if (!ctype || strncasecmp(ctype, a->fixed_content_type, want) != 0 ||
            (ctype[want] != '\0' && ctype[want] != ';' && ctype[want] != ' '))
            return false;
    }
    if (a->fixed_body) {
        size_t bl = strlen(a->fixed_body);
        if (bl != body_len || (bl && memcmp(body, a->fixed_body, bl) != 0))
            return false;
    }
    return true;
}

static char *lb_reason(int status, const struct probe_route *route)
{
    const char *tg = route && route->target_group ? route->target_group : NULL;

    switch (status) {
    case 503:
        if (!tg)
            return xstrdup("no target group is routed for this request "
                           "(or the rule's target group is empty)");
        if (route->healthy_targets == 0 && route->registered_targets == 0)
            return xasprintf("%s has no registered targets", tg);
        if (route->healthy_targets == 0)
            return xasprintf("%s has no healthy targets", tg);
        if (route->healthy_targets > 0)
            return xasprintf("%s had %d healthy target%s at discovery; the targets may "
                             "have gone away since or be overloaded", tg,
                             route->healthy_targets, route->healthy_targets == 1 ? "" : "s");
        return xasprintf("%s has no healthy targets", tg);
    case 502:
        return xasprintf("a target of %s closed the connection or sent a malformed answer",
                         tg ? tg : "the target group");
    case 504:
        return xasprintf("a target of %s did not answer in time",
                         tg ? tg : "the target group");
    case 500:
        return xstrdup("the load balancer failed internally "
                       "(an authenticate or Lambda action may have failed)");
    case 460:
        return xstrdup("the client closed the connection before the idle timeout");
    case 463:
        return xstrdup("the X-Forwarded-For header has too many addresses");
    case 464:
        return xasprintf("the request's protocol does not match %s's protocol version",
                         tg ? tg : "the target group");
    default:
        return NULL;
    }
}

enum probe_origin probe_classify_origin(int status, const struct kv *headers, size_t n_headers,
                                        const unsigned char *body, size_t body_len,
                                        const struct probe_route *route, char **detail)
{
    const char *server = probe_header_get(headers, n_headers, "Server");
    const char *ctype = probe_header_get(headers, n_headers, "Content-Type");
    bool awselb = server && strncasecmp(server, "awselb", 6) == 0;
    const struct rule_action *fixed = route ? route->fixed : NULL;
    enum probe_origin o;
    char *why = NULL;

    if (status <= 0) {
        *detail = xstrdup("no answer");
        return ORIGIN_NONE;
    }
    if (fixed_matches(fixed, status, ctype, body, body_len)) {
        char *b = fixed->fixed_body
                      ? probe_printable((const unsigned char *)fixed->fixed_body,
                                        strlen(fixed->fixed_body), 60)
                      : xstrdup("");
        *detail = xasprintf("%d from the load balancer: the listener's fixed response "
                            "(%s, \"%s\")", status,
                            fixed->fixed_content_type ? fixed->fixed_content_type : "no content type",
                            b);
        free(b);
        return ORIGIN_LOAD_BALANCER;
    }
    if (awselb) {
        o = ORIGIN_LOAD_BALANCER;
        why = lb_reason(status, route);
        if (why)
            *detail = xasprintf("%d from the load balancer: %s", status, why);
        else if (fixed)
            *detail = xasprintf("%d from the load balancer (Server: %s), not the listener's "
                                "configured fixed response (%d)", status, server,
                                fixed->fixed_status);
        else
            *detail = xasprintf("%d from the load balancer itself (Server: %s)", status, server);
        free(why);
        return o;
    }
    if (route && route->target_group)
        *detail = xasprintf("%d from a service target (the rules send it to %s)", status, route->target_group);
    else
        *detail = xasprintf("%d from the service%s%s%s", status, server ? " (Server: " : "",
                            server ? server : "", server ? ")" : "");
    return ORIGIN_SERVICE;
}

static void status_list(struct buf *b, const struct expect *x)
{
    for (size_t i = 0; i < x->n_status; i++) {
        if (i)
            buf_appends(b, i + 1 == x->n_status ? " or " : ", ");
        if (x->status[i].lo == x->status[i].hi)
            buf_printf(b, "%d", x->status[i].lo);
        else
            buf_printf(b, "%d-%d", x->status[i].lo, x->status[i].hi);
    }
}

static void sep(struct buf *b)
{
    if (b->len)
        buf_appends(b, "; ");
}

char *probe_assert(const struct expect *x, const struct probe_evidence *ev,
                   const struct kv *all_headers, size_t n_all_headers, int64_t now_s)
{
    struct buf b;
    bool status_ok = probe_status_matches(x, ev->status);
    bool lb = ev->origin == ORIGIN_LOAD_BALANCER;

    buf_init(&b, 64 * 1024);

    /* Who answered comes first: it explains most other failures. */
    if (x->from == FROM_LOAD_BALANCER && ev->origin == ORIGIN_SERVICE) {
        const char *server = probe_header_get(all_headers, n_all_headers, "Server");
        buf_printf(&b, "expected an answer from the load balancer itself, but the service "
                       "answered (%d%s%s)", ev->status, server ? ", Server: " : "",
                   server ? server : "");
    } else if (x->from == FROM_SERVICE && lb) {
        buf_printf(&b, "%s — expected an answer from the service",
                   ev->origin_detail ? ev->origin_detail : "the load balancer answered");
    }
    if (!status_ok) {
        sep(&b);
        if (lb && !(x->from == FROM_SERVICE)) {
            buf_printf(&b, "%s (expected ", ev->origin_detail);
            status_list(&b, x);
            buf_appends(&b, ")");
        } else if (lb) {
            buf_appends(&b, "expected ");
            status_list(&b, x);
        } else {
            buf_appends(&b, "expected ");
            status_list(&b, x);
            if (ev->origin_detail)
                buf_printf(&b, ", got %s", ev->origin_detail);
            else
                buf_printf(&b, ", got %d", ev->status);
        }
    }
    if (x->body_re) {
        int m = probe_regex_match(x->body_re, ev->body, ev->body_len);
        if (m != 1) {
            char *shown = probe_printable(ev->body, ev->body_len, PROBE_EXCERPT_SHOWN);
            sep(&b);
            if (m < 0)
                buf_printf(&b, "body could not be matched against /%s/ (not valid UTF-8 for "
                               "a UTF pattern?)", x->body_src ? x->body_src : "");
            else
                buf_printf(&b, "body does not match /%s/", x->body_src ? x->body_src : "");
            buf_printf(&b, "%s; body (%zu bytes%s): \"%s\"",
                       ev->body_truncated ? " in the first bytes read" : "",
                       ev->body_total, ev->body_truncated ? ", truncated" : "", shown);
            free(shown);
        }
    }
    for (size_t i = 0; i < x->n_headers; i++) {
        const struct header_expect *h = &x->headers[i];
        const char *v = probe_header_get(all_headers, n_all_headers, h->name);
        bool secret = probe_header_is_secret(h->name);
        if (h->absent) {
            if (v) {
                sep(&b);
                buf_printf(&b, "header %s should be absent but is \"%s\"", h->name,
                           secret ? "(redacted)" : v);
            }
            continue;
        }
        if (!v) {
            sep(&b);
            buf_printf(&b, "header %s is missing", h->name);
            continue;
        }
        if (h->equals && strcmp(v, h->equals) != 0) {
            sep(&b);
            buf_printf(&b, "header %s is \"%s\", expected \"%s\"", h->name,
                       secret ? "(redacted)" : v, h->equals);
        }
        if (h->regex && probe_regex_match(h->regex, (const unsigned char *)v, strlen(v)) != 1) {
            sep(&b);
            buf_printf(&b, "header %s (\"%s\") does not match /%s/", h->name,
                       secret ? "(redacted)" : v, h->regex_src ? h->regex_src : "");
        }
    }
    if (x->max_ms > 0 && ev->total_ms > x->max_ms) {
        sep(&b);
        buf_printf(&b, "took %.0f ms, over the latency budget of %d ms (first byte after "
                       "%.0f ms)", ev->total_ms, x->max_ms, ev->ttfb_ms);
    }
    if (x->cert_min_days >= 0 && ev->url && strncasecmp(ev->url, "https:", 6) == 0) {
        if (ev->cert_not_after_s == 0) {
            sep(&b);
            buf_appends(&b, "no certificate information was received");
        } else {
            /* Whole days left at now_s (or as recorded when now_s is 0). */
            int64_t left_s = ev->cert_not_after_s - now_s;
            bool expired = now_s > 0 ? left_s < 0 : ev->cert_days_left < 0;
            int days = now_s > 0 ? (int)(left_s / 86400) : ev->cert_days_left;
            char date[32] = "";
            time_t t = (time_t)ev->cert_not_after_s;
            struct tm tm;

            if (gmtime_r(&t, &tm))
                strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", &tm);
            if (expired || days < x->cert_min_days)
                sep(&b);
            if (expired)
                buf_printf(&b, "certificate expired on %s", date);
            else if (days < x->cert_min_days)
                buf_printf(&b, "certificate expires on %s, in %d day%s; at least %d required",
                           date, days, days == 1 ? "" : "s", x->cert_min_days);
        }
    }
    if (b.len == 0) {
        buf_cleanup(&b);
        return NULL;
    }
    return buf_steal(&b);
}
