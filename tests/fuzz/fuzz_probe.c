/* fuzz_probe.c — libFuzzer target: the probe engine's handling of an answer,
 * without a network.
 *
 * Input layout (tests/fuzz/corpus/probe/ has examples):
 *   byte 0      HTTP status: one of a table (200, 404, 502, 503, 0, …) or,
 *               with bit 7 set, 100 + the low bits * 5
 *   byte 1      flags: 1 route known, 2 fixed-response action, 4 UTF regex,
 *               8 expect from the service, 16 from the load balancer
 *   then "Name: value" header lines up to an empty line, then the body.
 * Runs origin classification, every assertion (status, body regex with and
 * without UTF, header equals/regex/absent, latency, certificate), printable
 * excerpts at several caps (checked: no control byte), header look-up
 * and the secret-header test; the first header line is also given to the
 * --connect-to/--resolve validators and the URL query appender.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/result.h"
#include "model/topology.h"
#include "probe/probe.h"
#include "util/err.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pcre2_code *re_ascii, *re_utf, *re_hdr;

static pcre2_code *compile(const char *pat, uint32_t opts)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, &ec, &off, NULL);
    if (!re)
        abort();
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

static void check_printable(const char *p)
{
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f) {
            fprintf(stderr, "probe_printable kept a control byte 0x%02x\n", c);
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int statuses[] = {200, 404, 502, 503, 504, 0, 301, 500};
    if (!re_ascii) {
        re_ascii = compile("\"service\"\\s*:\\s*\"(auth|orders)\"", 0);
        re_utf = compile("^\\p{L}+|ok$", PCRE2_UTF | PCRE2_UCP);
        re_hdr = compile("^(text|application)/", PCRE2_CASELESS);
    }
    if (size < 2)
        return 0;
    int status = (data[0] & 0x80) ? 100 + (data[0] & 0x7f) * 5 : statuses[data[0] & 7];
    uint8_t flags = data[1];

    /* headers: lines up to the first empty one */
    char *text = xstrndup((const char *)data + 2, size - 2);
    const unsigned char *body = data + 2;
    size_t body_len = size - 2;
    struct kv *hdrs = NULL;
    size_t n = 0, cap = 0;
    char *cur = text, *first_line = NULL;
    while (*cur) {
        char *nl = strchr(cur, '\n');
        size_t line_len = nl ? (size_t)(nl - cur) : strlen(cur);
        char *line = xstrndup(cur, line_len);
        if (!first_line)
            first_line = xstrdup(line);
        size_t consumed = line_len + (nl ? 1 : 0);
        body += consumed;
        body_len -= consumed;
        cur += consumed;
        if (line_len == 0 || (line_len == 1 && line[0] == '\r')) {
            free(line);
            break;
        }
        char *colon = strchr(line, ':');
        struct kv *h = ARRAY_PUSH(hdrs, n, cap);
        h->key = xstrndup(line, colon ? (size_t)(colon - line) : strlen(line));
        h->value = xstrdup(colon ? colon + 1 + (colon[1] == ' ') : "");
        free(line);
        (void)probe_header_is_secret(h->key);
    }
    /* A NUL in the input ends the header text early: the body then starts there. */

    struct rule_action fixed;
    memset(&fixed, 0, sizeof fixed);
    struct probe_route route = {"auth-tg", (flags & 32) ? 0 : 2, 2, NULL};
    if (flags & 2) {
        fixed.type = xstrdup("fixed-response");
        fixed.fixed_status = 404;
        fixed.fixed_body = xstrdup("not here");
        route.fixed = &fixed;
    }
    char *detail = NULL;
    enum probe_origin origin = probe_classify_origin(status, hdrs, n, body, body_len,
                                                     (flags & 1) ? &route : NULL, &detail);
    if (!detail)
        abort();

    struct status_range ranges[2] = {{200, 299}, {404, 404}};
    struct header_expect hx[3] = {
        {.name = (char *)"Content-Type", .regex_src = (char *)"x", .regex = re_hdr},
        {.name = (char *)"Server", .equals = (char *)"awselb/2.0"},
        {.name = (char *)"X-Debug", .absent = true},
    };
    struct expect x = {
        .status = ranges,
        .n_status = 2,
        .body_src = (char *)"x",
        .body_re = (flags & 4) ? re_utf : re_ascii,
        .headers = hx,
        .n_headers = 3,
        .max_ms = (flags & 64) ? 5 : 0,
        .from = (flags & 8) ? FROM_SERVICE : (flags & 16) ? FROM_LOAD_BALANCER : FROM_ANY,
        .cert_min_days = (flags & 128) ? 30 : -1,
    };
    struct probe_evidence ev;
    memset(&ev, 0, sizeof ev);
    ev.status = status;
    ev.response_headers = hdrs;
    ev.n_response_headers = n;
    ev.body = (unsigned char *)body;
    ev.body_len = body_len;
    ev.body_total = body_len;
    ev.total_ms = (double)(size % 50);
    ev.origin = origin;
    ev.origin_detail = detail;
    ev.cert_not_after_s = (flags & 128) ? 1764331200 + (int64_t)size * 86400 : 0;
    ev.cert_days_left = (int)(size % 90);
    (void)probe_status_matches(&x, status);
    (void)probe_regex_match(re_utf, body, body_len);
    (void)probe_regex_match(re_ascii, body, body_len);
    char *msg = probe_assert(&x, &ev, hdrs, n, (flags & 128) ? 1764331200 : 0);
    free(msg);

    static const size_t caps[] = {0, 1, 3, 200, 100000};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char *pr = probe_printable(body, body_len, caps[i]);
        check_printable(pr);
        free(pr);
    }
    (void)probe_header_get(hdrs, n, "content-type");

    if (first_line) {
        struct err e;
        err_clear(&e);
        (void)probe_connect_to_valid(first_line, &e);
        err_clear(&e);
        (void)probe_resolve_valid(first_line, &e);
        char **v = NULL;
        size_t nv = 0;
        err_clear(&e);
        (void)probe_connect_to_parse_list(first_line, &v, &nv, &e);
        strv_free(v, nv);
        if (first_line[0] == '/') {
            char *u = probe_url_add_query(first_line, "albcheck", "albcheck-fz01-1");
            if (!strstr(u, "albcheck=albcheck-fz01-1"))
                abort();
            free(u);
        }
        free(first_line);
    }

    free(detail);
    rule_action_cleanup(&fixed);
    for (size_t i = 0; i < n; i++)
        kv_cleanup(&hdrs[i]);
    free(hdrs);
    free(text);
    return 0;
}
