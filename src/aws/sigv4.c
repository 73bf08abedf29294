/* sigv4.c — AWS Signature Version 4 (see aws/sigv4.h).
 *
 * The canonical request is built in three parts — canonical URI, canonical
 * query string, canonical headers — each from the request as it goes on the
 * wire, plus what signing adds (X-Amz-Date, the session token, the content
 * hash, or the X-Amz-* query parameters of a presigned URL).  SHA-256 and
 * HMAC-SHA256 come from OpenSSL 3's EVP interfaces (EVP_Digest, EVP_MAC).
 *
 * Choices where the specification leaves room, matching botocore (the
 * reference the client is tested against) and the aws-c-auth vectors:
 *  - path: every byte outside the RFC 3986 unreserved set and '/' is
 *    percent-encoded again, including '%' (the "double encoding" all
 *    services but S3 expect).  Normalisation removes "." and ".." segments
 *    and empty segments; a trailing '/' is kept when segments remain.
 *  - query: each "k=v" item is percent-decoded, then encoded with the
 *    unreserved set ("%20" for space); '+' is a literal plus (encoded %2B),
 *    not a space.  Items are sorted by encoded key, then encoded value.
 *  - headers: names lower-cased; values trimmed, runs of whitespace
 *    (space, tab, CR, LF, VT, FF — so folded continuation lines too) become
 *    one space; repeated names are joined with ',' in the order given.
 *    Hop-by-hop headers and User-Agent/X-Amzn-Trace-Id are never signed
 *    (botocore's list): proxies and HTTP libraries rewrite them.
 */
#include "aws/sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "util/xmalloc.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"

/* Headers botocore never signs (SIGNED_HEADERS_BLACKLIST). */
static const char *const unsigned_headers[] = {
    "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    "authorization",
};

struct chdr {
    char *name;     /* lower case */
    char *value;    /* trimmed, whitespace collapsed */
    size_t order;   /* position given, to keep repeated headers in order */
};

struct qparam {
    char *key;      /* encoded */
    char *value;    /* encoded */
};

static void hex_encode(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 0xf];
    }
    out[2 * n] = '\0';
}

void sigv4_payload_hash(const void *body, size_t len, char out_hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    static const char empty = 0;

    if (!body)
        body = &empty;
    if (!EVP_Digest(body, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32) {
        /* Only on a broken OpenSSL install: a hash that can never verify. */
        memset(out_hex, '0', 64);
        out_hex[64] = '\0';
        return;
    }
    hex_encode(md, 32, out_hex);
}

void sigv4_amz_date(time_t now, char out[17])
{
    struct tm tm;
    if (!gmtime_r(&now, &tm) || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
        memcpy(out, "19700101T000000Z", 17);
}

/* HMAC-SHA256 with a MAC fetched once per signature (fetching is the costly
 * part of EVP_MAC; the chain below computes five HMACs). */
static int hmac_sha256(EVP_MAC *mac, const void *key, size_t key_len, const void *msg,
                       size_t msg_len, unsigned char out[32])
{
    static const char empty = 0;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    size_t out_len = 0;
    int rc = -1;

    if (!msg)
        msg = &empty;
    if (!ctx || !EVP_MAC_init(ctx, key, key_len, params) ||
        !EVP_MAC_update(ctx, msg, msg_len) || !EVP_MAC_final(ctx, out, &out_len, 32) ||
        out_len != 32)
        goto out;
    rc = 0;
out:
    EVP_MAC_CTX_free(ctx);
    return rc;
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-encode n bytes of s: unreserved bytes (and '/' when keep_slash)
 * stay, everything else becomes %XX with upper-case hex. */
static int uri_encode(struct buf *out, const char *s, size_t n, bool keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            if (buf_appendc(out, (char)c) < 0)
                return -1;
        } else {
            char esc[3] = { '%', digits[c >> 4], digits[c & 0xf] };
            if (buf_append(out, esc, 3) < 0)
                return -1;
        }
    }
    return 0;
}

/* When decode, decode %XX escapes in n bytes of s (a '%' not followed by two
 * hex digits stays as it is); then encode the result for the canonical query. */
static char *query_component(const char *s, size_t n, bool decode)
{
    struct buf dec, enc;
    char *r = NULL;

    buf_init(&dec, 0);
    buf_init(&enc, 0);
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (decode && s[i] == '%' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
            (lo = hexval((unsigned char)s[i + 2])) >= 0) {
            if (buf_appendc(&dec, (char)(hi << 4 | lo)) < 0)
                goto out;
            i += 2;
        } else if (buf_appendc(&dec, s[i]) < 0) {
            goto out;
        }
    }
    if (uri_encode(&enc, dec.data ? dec.data : "", dec.len, false) < 0)
        goto out;
    r = buf_steal(&enc);
out:
    buf_cleanup(&dec);
    buf_cleanup(&enc);
    return r;
}

/* The canonical URI: normalised (when asked) and encoded. */
static int canonical_uri(const char *path, bool normalize, struct buf *out)
{
    struct buf norm;
    int rc = -1;

    if (!path || !*path)
        path = "/";
    buf_init(&norm, 0);
    if (!normalize) {
        rc = uri_encode(out, path, strlen(path), true);
        goto out;
    }
    /* Segments kept so far are in norm, each preceded by '/'; ".." drops the
     * last one, "." and empty segments are skipped (botocore's
     * remove_dot_segments). */
    {
        const char *p = path;
        size_t n_kept = 0;
        while (*p) {
            const char *seg = p;
            while (*p && *p != '/')
                p++;
            size_t len = (size_t)(p - seg);
            if (*p == '/')
                p++;
            if (len == 0 || (len == 1 && seg[0] == '.'))
                continue;
            if (len == 2 && seg[0] == '.' && seg[1] == '.') {
                if (n_kept > 0) {
                    char *last = strrchr(norm.data, '/');
                    norm.len = (size_t)(last - norm.data);
                    norm.data[norm.len] = '\0';
                    n_kept--;
                }
                continue;
            }
            if (buf_appendc(&norm, '/') < 0 || buf_append(&norm, seg, len) < 0)
                goto out;
            n_kept++;
        }
        size_t plen = strlen(path);
        if (path[0] != '/' && norm.len > 0) {
            /* A relative path keeps no leading '/'. */
            memmove(norm.data, norm.data + 1, norm.len);
            norm.len--;
        }
        if (path[0] == '/' && n_kept == 0) {
            if (buf_appendc(&norm, '/') < 0)
                goto out;
        } else if (n_kept > 0 && path[plen - 1] == '/') {
            if (buf_appendc(&norm, '/') < 0)
                goto out;
        }
    }
    rc = uri_encode(out, norm.data ? norm.data : "", norm.len, true);
out:
    buf_cleanup(&norm);
    return rc;
}

static int qparam_cmp(const void *a, const void *b)
{
    const struct qparam *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

static void qparams_free(struct qparam *q, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(q[i].key);
        free(q[i].value);
    }
    free(q);
}

static int qparam_add(struct qparam **q, size_t *n, size_t *cap, const char *k, size_t klen,
                      const char *v, size_t vlen, bool decode)
{
    char *ek = query_component(k, klen, decode);
    char *ev = ek ? query_component(v, vlen, decode) : NULL;
    if (!ek || !ev) {
        free(ek);
        free(ev);
        return -1;
    }
    struct qparam *slot = ARRAY_PUSH(*q, *n, *cap);
    slot->key = ek;
    slot->value = ev;
    return 0;
}

static int qparam_adds(struct qparam **q, size_t *n, size_t *cap, const char *k, const char *v)
{
    return qparam_add(q, n, cap, k, strlen(k), v, strlen(v), false);
}

/* Parse the raw query into items (empty items between '&' are dropped). */
static int parse_query(const char *query, struct qparam **q, size_t *n, size_t *cap)
{
    const char *p = query ? query : "";
    while (*p) {
        const char *item = p;
        while (*p && *p != '&')
            p++;
        size_t len = (size_t)(p - item);
        if (*p == '&')
            p++;
        if (len == 0)
            continue;
        const char *eq = memchr(item, '=', len);
        size_t klen = eq ? (size_t)(eq - item) : len;
        const char *v = eq ? eq + 1 : item + len;
        size_t vlen = eq ? len - klen - 1 : 0;
        if (qparam_add(q, n, cap, item, klen, v, vlen, true) < 0)
            return -1;
    }
    return 0;
}

static int join_query(struct qparam *q, size_t n, struct buf *out)
{
    if (n > 1)
        qsort(q, n, sizeof(*q), qparam_cmp);
    for (size_t i = 0; i < n; i++) {
        if (buf_printf(out, "%s%s=%s", i ? "&" : "", q[i].key, q[i].value) < 0)
            return -1;
    }
    return 0;
}

static int chdr_cmp(const void *a, const void *b)
{
    const struct chdr *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void chdrs_free(struct chdr *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
}

static char *lower_name(const char *name)
{
    /* Names are trimmed too: "Name :v" is not valid HTTP, but trimming makes
     * the signature match what botocore computes for such input. */
    while (is_space((unsigned char)*name))
        name++;
    size_t n = strlen(name);
    while (n > 0 && is_space((unsigned char)name[n - 1]))
        n--;
    char *r = xstrndup(name, n);
    for (char *c = r; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return r;
}

static char *trim_value(const char *v)
{
    struct buf b;
    bool pending_space = false;

    buf_init(&b, 0);
    for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p; p++) {
        if (is_space(*p)) {
            pending_space = b.len > 0;
            continue;
        }
        if ((pending_space && buf_appendc(&b, ' ') < 0) || buf_appendc(&b, (char)*p) < 0) {
            buf_cleanup(&b);
            return NULL;
        }
        pending_space = false;
    }
    return buf_steal(&b);
}

static bool is_unsigned_header(const char *lname)
{
    for (size_t i = 0; i < sizeof(unsigned_headers) / sizeof(unsigned_headers[0]); i++)
        if (strcmp(lname, unsigned_headers[i]) == 0)
            return true;
    return false;
}

static int chdr_add(struct chdr **h, size_t *n, size_t *cap, char *lname, const char *value)
{
    char *v = trim_value(value);
    if (!v) {
        free(lname);
        return -1;
    }
    struct chdr *slot = ARRAY_PUSH(*h, *n, *cap);
    slot->name = lname;
    slot->value = v;
    slot->order = *n;
    return 0;
}

static bool has_header(const struct sigv4_request *req, const char *lname)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        char *l = lower_name(req->headers[i].name ? req->headers[i].name : "");
        bool eq = strcmp(l, lname) == 0;
        free(l);
        if (eq)
            return true;
    }
    return false;
}

static void scope_date(const struct sigv4_params *p, char date[9])
{
    char amz[17];
    sigv4_amz_date(p->now, amz);
    memcpy(date, amz, 8);
    date[8] = '\0';
}

static int check_params(const struct sigv4_params *p, struct err *e)
{
    if (!p || !p->access_key_id || !p->secret_access_key || !p->region || !p->service)
        return err_set(e, ERR_INTERNAL, "sigv4: credentials, region or service missing");
    return 0;
}

/* Build the canonical request for `form` into out, and the SignedHeaders
 * list into signed_headers and (query form) the canonical query string
 * without the signature into query_out (either may be NULL). */
static int build_canonical(const struct sigv4_request *req, const struct sigv4_params *p,
                           enum sigv4_form form, struct buf *out, struct buf *signed_headers,
                           struct buf *query_out, struct err *e)
{
    struct chdr *h = NULL;
    size_t nh = 0, caph = 0;
    struct qparam *q = NULL;
    size_t nq = 0, capq = 0;
    struct buf sh, qs, credential;
    char amz_date[17], date[9], payload[65];
    int rc = -1;

    buf_init(&sh, 0);
    buf_init(&qs, 0);
    buf_init(&credential, 0);
    if (check_params(p, e) < 0)
        goto out;
    if (!req || !req->method || (req->n_headers && !req->headers)) {
        err_set(e, ERR_INTERNAL, "sigv4: no request or method");
        goto out;
    }
    if (!has_header(req, "host")) {
        err_set(e, ERR_INTERNAL, "sigv4: the request has no Host header");
        goto out;
    }
    sigv4_amz_date(p->now, amz_date);
    scope_date(p, date);
    sigv4_payload_hash(req->body, req->body_len, payload);

    /* Headers: the request's, minus those signing sets itself, plus those. */
    for (size_t i = 0; i < req->n_headers; i++) {
        char *l = lower_name(req->headers[i].name ? req->headers[i].name : "");
        bool drop = is_unsigned_header(l);
        if (form == SIGV4_HEADER) {
            drop = drop || strcmp(l, "x-amz-date") == 0 ||
                   (p->session_token && strcmp(l, "x-amz-security-token") == 0) ||
                   (p->sign_body && strcmp(l, "x-amz-content-sha256") == 0);
        }
        if (drop) {
            free(l);
            continue;
        }
        if (chdr_add(&h, &nh, &caph, l, req->headers[i].value) < 0)
            goto fail_limit;
    }
    if (form == SIGV4_HEADER) {
        if (chdr_add(&h, &nh, &caph, xstrdup("x-amz-date"), amz_date) < 0)
            goto fail_limit;
        if (p->session_token && !p->omit_session_token &&
            chdr_add(&h, &nh, &caph, xstrdup("x-amz-security-token"), p->session_token) < 0)
            goto fail_limit;
        if (p->sign_body && chdr_add(&h, &nh, &caph, xstrdup("x-amz-content-sha256"), payload) < 0)
            goto fail_limit;
    }
    if (nh > 1)
        qsort(h, nh, sizeof(*h), chdr_cmp);
    for (size_t i = 0; i < nh; i++) {
        if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0)
            continue;
        if (buf_printf(&sh, "%s%s", sh.len ? ";" : "", h[i].name) < 0)
            goto fail_limit;
    }

    /* Query: the request's items, plus the presign parameters. */
    if (parse_query(req->query, &q, &nq, &capq) < 0)
        goto fail_limit;
    if (form == SIGV4_QUERY) {
        char expires[32];
        snprintf(expires, sizeof(expires), "%d", p->expires_s);
        if (buf_printf(&credential, "%s/%s/%s/%s/aws4_request", p->access_key_id, date, p->region,
                       p->service) < 0 ||
            qparam_adds(&q, &nq, &capq, "X-Amz-Algorithm", SIGV4_ALGORITHM) < 0 ||
            qparam_adds(&q, &nq, &capq, "X-Amz-Credential", buf_str(&credential)) < 0 ||
            qparam_adds(&q, &nq, &capq, "X-Amz-Date", amz_date) < 0 ||
            qparam_adds(&q, &nq, &capq, "X-Amz-Expires", expires) < 0 ||
            (p->session_token && !p->omit_session_token &&
             qparam_adds(&q, &nq, &capq, "X-Amz-Security-Token", p->session_token) < 0) ||
            qparam_adds(&q, &nq, &capq, "X-Amz-SignedHeaders", buf_str(&sh)) < 0)
            goto fail_limit;
    }
    if (join_query(q, nq, &qs) < 0)
        goto fail_limit;

    if (buf_printf(out, "%s\n", req->method) < 0 || canonical_uri(req->path, p->normalize_path, out) < 0 ||
        buf_printf(out, "\n%s\n", buf_str(&qs)) < 0)
        goto fail_limit;
    for (size_t i = 0; i < nh; i++) {
        if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0) {
            if (buf_printf(out, ",%s", h[i].value) < 0)
                goto fail_limit;
            continue;
        }
        if (buf_printf(out, "%s%s:%s", i ? "\n" : "", h[i].name, h[i].value) < 0)
            goto fail_limit;
    }
    if (buf_printf(out, "\n\n%s\n%s", buf_str(&sh), payload) < 0)
        goto fail_limit;
    if (signed_headers && buf_appends(signed_headers, buf_str(&sh)) < 0)
        goto fail_limit;
    if (query_out && buf_appends(query_out, buf_str(&qs)) < 0)
        goto fail_limit;
    rc = 0;
    goto out;
fail_limit:
    err_set(e, ERR_LIMIT, "sigv4: the request is too large to sign");
out:
    chdrs_free(h, nh);
    qparams_free(q, nq);
    buf_cleanup(&sh);
    buf_cleanup(&qs);
    buf_cleanup(&credential);
    return rc;
}

int sigv4_canonical_request(const struct sigv4_request *req, const struct sigv4_params *p,
                            enum sigv4_form form, struct buf *out, struct err *e)
{
    return build_canonical(req, p, form, out, NULL, NULL, e);
}

int sigv4_string_to_sign(const char *canonical_request, const struct sigv4_params *p,
                         struct buf *out, struct err *e)
{
    char amz_date[17], date[9], hash[65];

    if (check_params(p, e) < 0)
        return -1;
    sigv4_amz_date(p->now, amz_date);
    scope_date(p, date);
    sigv4_payload_hash(canonical_request, canonical_request ? strlen(canonical_request) : 0, hash);
    if (buf_printf(out, SIGV4_ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", amz_date, date,
                   p->region, p->service, hash) < 0)
        return err_set(e, ERR_LIMIT, "sigv4: string to sign too large");
    return 0;
}

/* The signing key: HMAC chain over date, region, service, "aws4_request". */
static int signing_key(EVP_MAC *mac, const struct sigv4_params *p, unsigned char key[32],
                       struct err *e)
{
    char date[9];
    unsigned char k1[32], k2[32], k3[32];
    char *secret = NULL;
    int rc = -1;

    if (check_params(p, e) < 0)
        return -1;
    scope_date(p, date);
    secret = xasprintf("AWS4%s", p->secret_access_key);
    if (!mac || hmac_sha256(mac, secret, strlen(secret), date, strlen(date), k1) < 0 ||
        hmac_sha256(mac, k1, 32, p->region, strlen(p->region), k2) < 0 ||
        hmac_sha256(mac, k2, 32, p->service, strlen(p->service), k3) < 0 ||
        hmac_sha256(mac, k3, 32, "aws4_request", 12, key) < 0) {
        err_set(e, ERR_INTERNAL, "sigv4: HMAC-SHA256 failed in OpenSSL");
        goto out;
    }
    rc = 0;
out:
    if (secret) {
        OPENSSL_cleanse(secret, strlen(secret));
        free(secret);
    }
    OPENSSL_cleanse(k1, sizeof(k1));
    OPENSSL_cleanse(k2, sizeof(k2));
    OPENSSL_cleanse(k3, sizeof(k3));
    return rc;
}

int sigv4_signing_key(const struct sigv4_params *p, unsigned char key[32], struct err *e)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    int rc = signing_key(mac, p, key, e);
    EVP_MAC_free(mac);
    return rc;
}

int sigv4_signature(const char *string_to_sign, const struct sigv4_params *p, char out_hex[65],
                    struct err *e)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    unsigned char key[32], sig[32];
    int rc = -1;

    out_hex[0] = '\0';
    if (signing_key(mac, p, key, e) < 0)
        goto out;
    if (!string_to_sign)
        string_to_sign = "";
    if (hmac_sha256(mac, key, 32, string_to_sign, strlen(string_to_sign), sig) < 0) {
        err_set(e, ERR_INTERNAL, "sigv4: HMAC-SHA256 failed in OpenSSL");
        goto out;
    }
    hex_encode(sig, 32, out_hex);
    rc = 0;
out:
    OPENSSL_cleanse(key, sizeof(key));
    EVP_MAC_free(mac);
    return rc;
}

static void signed_init(struct sigv4_signed *out)
{
    memset(out, 0, sizeof(*out));
}

/* The three stages for `form`; fills signature, amz_date and the lists. */
static int sign_form(const struct sigv4_request *req, const struct sigv4_params *p,
                     enum sigv4_form form, struct sigv4_signed *out, struct buf *sh,
                     struct buf *qs, struct err *e)
{
    struct buf cr, sts;
    int rc = -1;

    buf_init(&cr, 0);
    buf_init(&sts, 0);
    if (build_canonical(req, p, form, &cr, sh, qs, e) < 0 ||
        sigv4_string_to_sign(buf_str(&cr), p, &sts, e) < 0 ||
        sigv4_signature(buf_str(&sts), p, out->signature, e) < 0)
        goto out;
    sigv4_amz_date(p->now, out->amz_date);
    if (p->session_token)
        out->security_token = xstrdup(p->session_token);
    rc = 0;
out:
    buf_cleanup(&cr);
    buf_cleanup(&sts);
    return rc;
}

int sigv4_sign_headers(const struct sigv4_request *req, const struct sigv4_params *p,
                       struct sigv4_signed *out, struct err *e)
{
    struct buf sh;
    char date[9];
    int rc = -1;

    signed_init(out);
    buf_init(&sh, 0);
    if (sign_form(req, p, SIGV4_HEADER, out, &sh, NULL, e) < 0)
        goto out;
    if (p->sign_body)
        sigv4_payload_hash(req->body, req->body_len, out->content_sha256);
    scope_date(p, date);
    out->authorization = xasprintf(SIGV4_ALGORITHM " Credential=%s/%s/%s/%s/aws4_request, "
                                   "SignedHeaders=%s, Signature=%s",
                                   p->access_key_id, date, p->region, p->service, buf_str(&sh),
                                   out->signature);
    rc = 0;
out:
    buf_cleanup(&sh);
    if (rc < 0)
        sigv4_signed_cleanup(out);
    return rc;
}

int sigv4_presign(const struct sigv4_request *req, const struct sigv4_params *p,
                  struct sigv4_signed *out, struct err *e)
{
    struct buf qs;
    int rc = -1;

    signed_init(out);
    buf_init(&qs, 0);
    if (sign_form(req, p, SIGV4_QUERY, out, NULL, &qs, e) < 0)
        goto out;
    if (buf_printf(&qs, "%sX-Amz-Signature=%s", qs.len ? "&" : "", out->signature) < 0)
        goto fail_limit;
    if (p->session_token && p->omit_session_token) {
        char *tok = query_component(p->session_token, strlen(p->session_token), false);
        int r = tok ? buf_printf(&qs, "&X-Amz-Security-Token=%s", tok) : -1;
        free(tok);
        if (r < 0)
            goto fail_limit;
    }
    out->signed_query = buf_steal(&qs);
    rc = 0;
    goto out;
fail_limit:
    err_set(e, ERR_LIMIT, "sigv4: the presigned query is too large");
out:
    buf_cleanup(&qs);
    if (rc < 0)
        sigv4_signed_cleanup(out);
    return rc;
}

void sigv4_signed_cleanup(struct sigv4_signed *s)
{
    if (!s)
        return;
    free(s->security_token);
    free(s->authorization);
    free(s->signed_query);
    s->security_token = s->authorization = s->signed_query = NULL;
}
