/* sigv4_vectors.c — run SigV4 test vectors in the aws-c-auth v4 layout.
 *
 *   sigv4_vectors [--tap] DIR
 *
 * Every sub-directory of DIR holding a context.json and a request.txt is a
 * case.  For the header and the query (presigned) forms, the canonical
 * request, string to sign and signature are computed with src/aws/sigv4.c and
 * compared with the expected files present.  A failing case prints one line
 * naming the first stage that differs and the first differing line.  The last
 * line is "N passed, N failed"; exit status 1 when any case failed.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "aws/sigv4.h"
#include "util/buf.h"
#include "util/xmalloc.h"

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, 1 << 24);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (len)
        *len = b.len;
    return buf_steal(&b);
}

struct parsed {
    char *method, *path, *query;
    struct sigv4_header *headers;
    size_t n_headers, cap;
    char *body;
    size_t body_len;
    char **owned;
    size_t n_owned, cap_owned;
};

static char *own(struct parsed *p, char *s)
{
    *ARRAY_PUSH(p->owned, p->n_owned, p->cap_owned) = s;
    return s;
}

/* request.txt: request line, "Name:value" lines (continuation lines start
 * with whitespace), optional blank line and body. */
static int parse_request(char *text, size_t len, struct parsed *p)
{
    memset(p, 0, sizeof *p);
    char *end = text + len;
    char *nl = memchr(text, '\n', len);
    if (!nl)
        nl = end;
    char *line = own(p, xstrndup(text, (size_t)(nl - text)));
    char *sp1 = strchr(line, ' ');
    char *sp2 = strrchr(line, ' ');
    if (!sp1 || sp1 == sp2)
        return -1;
    *sp1 = '\0';
    *sp2 = '\0';
    p->method = line;
    char *target = sp1 + 1;
    char *q = strchr(target, '?');
    if (q) {
        *q = '\0';
        p->query = q + 1;
    }
    p->path = target;
    char *cur = nl < end ? nl + 1 : end;
    while (cur < end) {
        char *eol = memchr(cur, '\n', (size_t)(end - cur));
        if (!eol)
            eol = end;
        size_t l = (size_t)(eol - cur);
        if (l && cur[l - 1] == '\r')
            l--;
        if (l == 0) {
            cur = eol < end ? eol + 1 : end;
            p->body = cur;
            p->body_len = (size_t)(end - cur);
            break;
        }
        if ((cur[0] == ' ' || cur[0] == '\t') && p->n_headers) {
            struct sigv4_header *h = &p->headers[p->n_headers - 1];
            char *joined = xasprintf("%s %.*s", h->value, (int)l, cur);
            h->value = own(p, joined);
        } else {
            char *hl = own(p, xstrndup(cur, l));
            char *colon = strchr(hl, ':');
            if (!colon)
                return -1;
            *colon = '\0';
            struct sigv4_header *h = ARRAY_PUSH(p->headers, p->n_headers, p->cap);
            h->name = hl;
            h->value = colon + 1;
        }
        cur = eol < end ? eol + 1 : end;
    }
    return 0;
}

static void parsed_cleanup(struct parsed *p)
{
    for (size_t i = 0; i < p->n_owned; i++)
        free(p->owned[i]);
    free(p->owned);
    free(p->headers);
}

/* Compare; on mismatch fill why with the first differing line. */
static int same(const char *stage, const char *got, const char *want, char *why, size_t n)
{
    if (!want)
        return 1;
    size_t wl = strlen(want);
    while (wl && (want[wl - 1] == '\n' || want[wl - 1] == '\r'))
        wl--;
    if (strlen(got) == wl && memcmp(got, want, wl) == 0)
        return 1;
    const char *g = got, *w = want;
    int lineno = 1;
    while (*g && *w && *g == *w) {
        if (*g == '\n')
            lineno++;
        g++;
        w++;
    }
    const char *gl = g, *wlp = w;
    while (gl > got && gl[-1] != '\n')
        gl--;
    while (wlp > want && wlp[-1] != '\n')
        wlp--;
    int glen = (int)strcspn(gl, "\n"), wlen = (int)strcspn(wlp, "\n");
    snprintf(why, n, "%s differs at line %d: got '%.*s', want '%.*s'", stage, lineno, glen, gl,
             wlen, wlp);
    return 0;
}

static time_t parse_ts(const char *s)
{
    struct tm tm = {0};
    if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return 0;
    return timegm(&tm);
}

static int run_case(const char *dir, char *why, size_t whylen)
{
    size_t rlen;
    char *ctxs = slurp(dir, "context.json", NULL);
    char *req = slurp(dir, "request.txt", &rlen);
    int ok = 0;
    json_t *ctx = NULL;
    struct parsed p = {0};
    if (!ctxs || !req) {
        snprintf(why, whylen, "missing context.json or request.txt");
        goto out;
    }
    json_error_t je;
    ctx = json_loads(ctxs, 0, &je);
    if (!ctx) {
        snprintf(why, whylen, "context.json: %s", je.text);
        goto out;
    }
    if (parse_request(req, rlen, &p) < 0) {
        snprintf(why, whylen, "request.txt: cannot parse");
        goto out;
    }
    json_t *cr = json_object_get(ctx, "credentials");
    struct sigv4_params prm = {
        .access_key_id = json_string_value(json_object_get(cr, "access_key_id")),
        .secret_access_key = json_string_value(json_object_get(cr, "secret_access_key")),
        .session_token = json_string_value(json_object_get(cr, "token")),
        .region = json_string_value(json_object_get(ctx, "region")),
        .service = json_string_value(json_object_get(ctx, "service")),
        .now = parse_ts(json_string_value(json_object_get(ctx, "timestamp"))),
        .normalize_path = json_is_true(json_object_get(ctx, "normalize")),
        .sign_body = json_is_true(json_object_get(ctx, "sign_body")),
        .omit_session_token = json_is_true(json_object_get(ctx, "omit_session_token")),
        .expires_s = (int)json_integer_value(json_object_get(ctx, "expiration_in_seconds")),
    };
    struct sigv4_request r = {p.method, p.path, p.query, p.headers, p.n_headers, p.body,
                              p.body_len};
    static const char *const forms[2] = {"header", "query"};
    int n_expected = 0;
    ok = 1;
    for (int f = 0; f < 2 && ok; f++) {
        char name[64];
        snprintf(name, sizeof name, "%s-canonical-request.txt", forms[f]);
        char *want_cr = slurp(dir, name, NULL);
        snprintf(name, sizeof name, "%s-string-to-sign.txt", forms[f]);
        char *want_sts = slurp(dir, name, NULL);
        snprintf(name, sizeof name, "%s-signature.txt", forms[f]);
        char *want_sig = slurp(dir, name, NULL);
        n_expected += (want_cr != NULL) + (want_sts != NULL) + (want_sig != NULL);
        struct buf c, s;
        buf_init(&c, 1 << 24);
        buf_init(&s, 1 << 16);
        char sig[65] = "";
        struct err e = {0};
        char stage[64];
        if (sigv4_canonical_request(&r, &prm, f ? SIGV4_QUERY : SIGV4_HEADER, &c, &e) < 0 ||
            sigv4_string_to_sign(buf_str(&c), &prm, &s, &e) < 0 ||
            sigv4_signature(buf_str(&s), &prm, sig, &e) < 0) {
            snprintf(why, whylen, "%s form: %s", forms[f], e.msg);
            ok = 0;
        }
        snprintf(stage, sizeof stage, "%s canonical request", forms[f]);
        if (ok)
            ok = same(stage, buf_str(&c), want_cr, why, whylen);
        snprintf(stage, sizeof stage, "%s string to sign", forms[f]);
        if (ok)
            ok = same(stage, buf_str(&s), want_sts, why, whylen);
        snprintf(stage, sizeof stage, "%s signature", forms[f]);
        if (ok)
            ok = same(stage, sig, want_sig, why, whylen);
        buf_cleanup(&c);
        buf_cleanup(&s);
        free(want_cr);
        free(want_sts);
        free(want_sig);
    }
    /* A case with nothing to compare proves nothing: count it as failed. */
    if (ok && n_expected == 0) {
        snprintf(why, whylen, "no expected files (canonical request, string to sign or signature)");
        ok = 0;
    }
out:
    parsed_cleanup(&p);
    json_decref(ctx);
    free(ctxs);
    free(req);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int tap = 0;
    const char *root = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--tap") == 0)
            tap = 1;
        else
            root = argv[i];
    }
    if (!root) {
        fprintf(stderr, "usage: sigv4_vectors [--tap] DIR\n");
        return 2;
    }
    DIR *d = opendir(root);
    if (!d) {
        fprintf(stderr, "sigv4_vectors: cannot open %s\n", root);
        return 2;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096], ctxp[4200];
        snprintf(path, sizeof path, "%s/%s", root, de->d_name);
        snprintf(ctxp, sizeof ctxp, "%s/context.json", path);
        struct stat st;
        if (stat(ctxp, &st) == 0)
            *ARRAY_PUSH(names, n, cap) = xstrdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096], why[2048] = "";
        snprintf(path, sizeof path, "%s/%s", root, names[i]);
        int ok = run_case(path, why, sizeof why);
        if (ok)
            passed++;
        else
            failed++;
        if (tap)
            printf("%s %zu - %s%s%s\n", ok ? "ok" : "not ok", i + 1, names[i], ok ? "" : ": ",
                   ok ? "" : why);
        else if (!ok)
            printf("FAIL %s: %s\n", names[i], why);
        free(names[i]);
    }
    free(names);
    if (tap)
        printf("1..%zu\n", n);
    else
        printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
