/* sigv4.c — AWS Signature Version 4 (see sigv4.h).
 *
 * The algorithm, stage by stage (AWS General Reference, "Create a signed AWS
 * API request"; the aws-c-auth test suite conventions in
 * ../shared/sigv4-test-suite/README.txt):
 *   1. canonical request: METHOD \n canonical URI \n canonical query \n
 *      canonical headers \n signed headers \n hex(sha256(payload))
 *   2. string to sign: AWS4-HMAC-SHA256 \n date \n scope \n hex(sha256(1))
 *   3. signature: hex(HMAC(kSigning, 2)), kSigning derived from the secret
 *      through date, region, service and "aws4_request".
 * Hand-written because no maintained C library on Debian offers SigV4 with
 * its stages exposed (aws-c-auth is not packaged); OpenSSL does the hashing.
 */
#include "aws/sigv4.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

#define ALGORITHM "AWS4-HMAC-SHA256"

static const char hexdig[] = "0123456789abcdef";
static const char HEXDIG[] = "0123456789ABCDEF";

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdig[in[i] >> 4];
        out[2 * i + 1] = hexdig[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void sigv4_payload_hash(const void *body, size_t len, char out_hex[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    EVP_Digest(body ? body : "", len, md, NULL, EVP_sha256(), NULL);
    to_hex(md, sizeof md, out_hex);
}

static void hmac(const void *key, size_t keylen, const char *msg, size_t msglen,
                 unsigned char out[32])
{
    unsigned int n = 32;
    HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, msglen, out, &n);
}

void sigv4_amz_date(time_t now, char out[17])
{
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static bool unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_hex(char c)
{
    return isxdigit((unsigned char)c) != 0;
}

/* Percent-encode for the canonical query: unreserved bytes as they are, an
 * existing %XX escape kept (hex upper-cased), everything else %XX. */
static void encode_query_part(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c)) {
            buf_appendc(b, (char)c);
        } else if (c == '%' && i + 2 < n + 0 && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
            buf_appendc(b, '%');
            buf_appendc(b, (char)toupper((unsigned char)s[i + 1]));
            buf_appendc(b, (char)toupper((unsigned char)s[i + 2]));
            i += 2;
        } else {
            buf_appendc(b, '%');
            buf_appendc(b, HEXDIG[c >> 4]);
            buf_appendc(b, HEXDIG[c & 15]);
        }
    }
}

/* Percent-encode for the canonical URI: every byte but unreserved and '/'. */
static void encode_path(struct buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (unreserved(c) || c == '/') {
            buf_appendc(b, (char)c);
        } else {
            buf_appendc(b, '%');
            buf_appendc(b, HEXDIG[c >> 4]);
            buf_appendc(b, HEXDIG[c & 15]);
        }
    }
}

/* RFC 3986 remove_dot_segments plus collapsing of empty segments. */
static char *normalize_path(const char *path)
{
    size_t n = strlen(path);
    char **segs = xcalloc(n + 2, sizeof *segs);
    size_t ns = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - p);
        if (len == 0)
            break;
        if (len == 1 && p[0] == '.') {
            /* skip */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (ns)
                free(segs[--ns]);
        } else {
            segs[ns++] = xstrndup(p, len);
        }
        p = e;
    }
    bool trailing = n > 0 && path[n - 1] == '/' && ns > 0;
    /* a path ending in "/." or "/.." also ends with a slash */
    if (n >= 2 && ns > 0 && path[n - 1] == '.' && (path[n - 2] == '/' ||
                                                    (n >= 3 && path[n - 2] == '.' && path[n - 3] == '/')))
        trailing = true;
    struct buf b;
    buf_init(&b, n + 2);
    for (size_t i = 0; i < ns; i++) {
        buf_appendc(&b, '/');
        buf_appends(&b, segs[i]);
        free(segs[i]);
    }
    if (ns == 0 || trailing)
        buf_appendc(&b, '/');
    free(segs);
    return buf_steal(&b);
}

struct qpair {
    char *key, *value;
};

static int cmp_qpair(const void *a, const void *b)
{
    const struct qpair *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

struct hdr {
    char *name;   /* lower case */
    char *value;  /* trimmed, spaces collapsed; repeated headers joined by ',' */
};

static int cmp_hdr(const void *a, const void *b)
{
    return strcmp(((const struct hdr *)a)->name, ((const struct hdr *)b)->name);
}

/* Headers botocore never signs: proxies may change them. */
static bool unsigned_header(const char *lname)
{
    return strcmp(lname, "user-agent") == 0 || strcmp(lname, "expect") == 0 ||
           strcmp(lname, "x-amzn-trace-id") == 0 || strcmp(lname, "authorization") == 0;
}

static char *canon_value(const char *v)
{
    struct buf b;
    buf_init(&b, strlen(v) + 1);
    bool space = false;
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
        v++;
    for (; *v; v++) {
        char c = *v;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        if (space && b.len)
            buf_appendc(&b, ' ');
        space = false;
        buf_appendc(&b, c);
    }
    return buf_steal(&b);
}

struct canon {
    struct hdr *hdrs;
    size_t n_hdrs;
    char *signed_headers;
    char *credential_scope;   /* 20150830/us-east-1/service/aws4_request */
    char amz_date[17];
    char payload_hash[65];
};

static void canon_cleanup(struct canon *c)
{
    for (size_t i = 0; i < c->n_hdrs; i++) {
        free(c->hdrs[i].name);
        free(c->hdrs[i].value);
    }
    free(c->hdrs);
    free(c->signed_headers);
    free(c->credential_scope);
}

static void add_header(struct canon *c, size_t *cap, const char *name, const char *value)
{
    char *lname = xstrdup(name);
    for (char *p = lname; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    while (*lname && lname[strlen(lname) - 1] == ' ')
        lname[strlen(lname) - 1] = '\0';
    if (unsigned_header(lname)) {
        free(lname);
        return;
    }
    char *v = canon_value(value ? value : "");
    for (size_t i = 0; i < c->n_hdrs; i++)
        if (strcmp(c->hdrs[i].name, lname) == 0) {
            char *joined = xasprintf("%s,%s", c->hdrs[i].value, v);
            free(c->hdrs[i].value);
            free(v);
            free(lname);
            c->hdrs[i].value = joined;
            return;
        }
    struct hdr *h = ARRAY_PUSH(c->hdrs, c->n_hdrs, *cap);
    h->name = lname;
    h->value = v;
}

static bool has_header(const struct sigv4_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return true;
    return false;
}

static void canon_prepare(const struct sigv4_request *req, const struct sigv4_params *p,
                          enum sigv4_form form, struct canon *c)
{
    memset(c, 0, sizeof *c);
    size_t cap = 0;
    sigv4_amz_date(p->now, c->amz_date);
    char day[9];
    memcpy(day, c->amz_date, 8);
    day[8] = '\0';
    c->credential_scope = xasprintf("%s/%s/%s/aws4_request", day, p->region, p->service);
    sigv4_payload_hash(req->body, req->body_len, c->payload_hash);

    for (size_t i = 0; i < req->n_headers; i++)
        add_header(c, &cap, req->headers[i].name, req->headers[i].value);
    if (form == SIGV4_HEADER) {
        if (!has_header(req, "x-amz-date"))
            add_header(c, &cap, "x-amz-date", c->amz_date);
        if (p->session_token && !p->omit_session_token && !has_header(req, "x-amz-security-token"))
            add_header(c, &cap, "x-amz-security-token", p->session_token);
        if (p->sign_body && !has_header(req, "x-amz-content-sha256"))
            add_header(c, &cap, "x-amz-content-sha256", c->payload_hash);
    }
    qsort(c->hdrs, c->n_hdrs, sizeof *c->hdrs, cmp_hdr);
    struct buf sh;
    buf_init(&sh, 1 << 20);
    for (size_t i = 0; i < c->n_hdrs; i++)
        buf_printf(&sh, "%s%s", i ? ";" : "", c->hdrs[i].name);
    c->signed_headers = buf_steal(&sh);
}

/* The query parameters the presigned form adds (unencoded values). */
static void presign_params(const struct sigv4_params *p, const struct canon *c,
                           struct qpair *out, size_t *n)
{
    size_t k = 0;
    out[k++] = (struct qpair){xstrdup("X-Amz-Algorithm"), xstrdup(ALGORITHM)};
    out[k++] = (struct qpair){xstrdup("X-Amz-Credential"),
                              xasprintf("%s/%s", p->access_key_id, c->credential_scope)};
    out[k++] = (struct qpair){xstrdup("X-Amz-Date"), xstrdup(c->amz_date)};
    out[k++] = (struct qpair){xstrdup("X-Amz-Expires"),
                              xasprintf("%d", p->expires_s > 0 ? p->expires_s : 3600)};
    if (p->session_token && !p->omit_session_token)
        out[k++] = (struct qpair){xstrdup("X-Amz-Security-Token"), xstrdup(p->session_token)};
    out[k++] = (struct qpair){xstrdup("X-Amz-SignedHeaders"), xstrdup(c->signed_headers)};
    *n = k;
}

/* Canonical query string from the request's raw query plus `extra` pairs
 * (given unencoded). */
static void canonical_query(struct buf *out, const char *query, const struct qpair *extra,
                            size_t n_extra)
{
    size_t cap = 8 + n_extra, n = 0;
    struct qpair *pairs = xcalloc(cap, sizeof *pairs);
    const char *q = query ? query : "";
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        if (len) {
            const char *eq = memchr(q, '=', len);
            size_t klen = eq ? (size_t)(eq - q) : len;
            struct buf k, v;
            buf_init(&k, 1 << 20);
            buf_init(&v, 1 << 20);
            encode_query_part(&k, q, klen);
            if (eq)
                encode_query_part(&v, eq + 1, len - klen - 1);
            if (n == cap) {
                cap *= 2;
                pairs = xreallocarray(pairs, cap, sizeof *pairs);
            }
            pairs[n++] = (struct qpair){buf_steal(&k), buf_steal(&v)};
        }
        q += len + (amp ? 1 : 0);
        if (!amp)
            break;
    }
    for (size_t i = 0; i < n_extra; i++) {
        struct buf k, v;
        buf_init(&k, 1 << 20);
        buf_init(&v, 1 << 20);
        encode_query_part(&k, extra[i].key, strlen(extra[i].key));
        /* extra values are unencoded: '%' in them must be encoded too */
        for (const char *s = extra[i].value; *s; s++) {
            unsigned char ch = (unsigned char)*s;
            if (unreserved(ch))
                buf_appendc(&v, (char)ch);
            else
                buf_printf(&v, "%%%c%c", HEXDIG[ch >> 4], HEXDIG[ch & 15]);
        }
        if (n == cap) {
            cap *= 2;
            pairs = xreallocarray(pairs, cap, sizeof *pairs);
        }
        pairs[n++] = (struct qpair){buf_steal(&k), buf_steal(&v)};
    }
    qsort(pairs, n, sizeof *pairs, cmp_qpair);
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%s%s=%s", i ? "&" : "", pairs[i].key, pairs[i].value);
        free(pairs[i].key);
        free(pairs[i].value);
    }
    free(pairs);
}

static int build_canonical(const struct sigv4_request *req, const struct sigv4_params *p,
                           enum sigv4_form form, const struct canon *c, struct buf *out,
                           struct err *e)
{
    if (!req->method || !req->path || !p->region || !p->service || !p->access_key_id)
        return err_set(e, ERR_INTERNAL, "sigv4: method, path, region, service and key are required");
    buf_printf(out, "%s\n", req->method);
    if (p->normalize_path) {
        char *np = normalize_path(req->path);
        encode_path(out, np);
        free(np);
    } else {
        encode_path(out, req->path[0] ? req->path : "/");
    }
    buf_appendc(out, '\n');
    struct qpair extra[8];
    size_t n_extra = 0;
    if (form == SIGV4_QUERY)
        presign_params(p, c, extra, &n_extra);
    canonical_query(out, req->query, extra, n_extra);
    for (size_t i = 0; i < n_extra; i++) {
        free(extra[i].key);
        free(extra[i].value);
    }
    buf_appendc(out, '\n');
    for (size_t i = 0; i < c->n_hdrs; i++)
        buf_printf(out, "%s:%s\n", c->hdrs[i].name, c->hdrs[i].value);
    buf_printf(out, "\n%s\n%s", c->signed_headers, c->payload_hash);
    if (!out->data)
        return err_set(e, ERR_LIMIT, "sigv4: request too large to sign");
    return 0;
}

int sigv4_canonical_request(const struct sigv4_request *req, const struct sigv4_params *p,
                            enum sigv4_form form, struct buf *out, struct err *e)
{
    struct canon c;
    canon_prepare(req, p, form, &c);
    int rc = build_canonical(req, p, form, &c, out, e);
    canon_cleanup(&c);
    return rc;
}

int sigv4_string_to_sign(const char *canonical_request, const struct sigv4_params *p,
                         struct buf *out, struct err *e)
{
    char date[17], day[9], hash[65];
    sigv4_amz_date(p->now, date);
    memcpy(day, date, 8);
    day[8] = '\0';
    sigv4_payload_hash(canonical_request, strlen(canonical_request), hash);
    if (buf_printf(out, "%s\n%s\n%s/%s/%s/aws4_request\n%s", ALGORITHM, date, day, p->region,
                   p->service, hash) < 0)
        return err_set(e, ERR_LIMIT, "sigv4: string to sign too large");
    return 0;
}

int sigv4_signature(const char *string_to_sign, const struct sigv4_params *p, char out_hex[65],
                    struct err *e)
{
    if (!p->secret_access_key)
        return err_set(e, ERR_INTERNAL, "sigv4: no secret key");
    char date[17], day[9];
    sigv4_amz_date(p->now, date);
    memcpy(day, date, 8);
    day[8] = '\0';
    size_t klen = strlen(p->secret_access_key) + 4;
    char *k0 = xmalloc(klen + 1);
    memcpy(k0, "AWS4", 4);
    memcpy(k0 + 4, p->secret_access_key, klen - 4 + 1);
    unsigned char k1[32], k2[32], k3[32], k4[32], sig[32];
    hmac(k0, klen, day, 8, k1);
    hmac(k1, 32, p->region, strlen(p->region), k2);
    hmac(k2, 32, p->service, strlen(p->service), k3);
    hmac(k3, 32, "aws4_request", 12, k4);
    hmac(k4, 32, string_to_sign, strlen(string_to_sign), sig);
    to_hex(sig, 32, out_hex);
    OPENSSL_cleanse(k0, klen);
    OPENSSL_cleanse(k1, 32);
    OPENSSL_cleanse(k2, 32);
    OPENSSL_cleanse(k3, 32);
    OPENSSL_cleanse(k4, 32);
    free(k0);
    return 0;
}

static int sign_common(const struct sigv4_request *req, const struct sigv4_params *p,
                       enum sigv4_form form, struct sigv4_signed *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct canon c;
    struct buf creq, sts;
    buf_init(&creq, 64u << 20);
    buf_init(&sts, 4096);
    int rc = -1;
    canon_prepare(req, p, form, &c);
    if (build_canonical(req, p, form, &c, &creq, e) < 0)
        goto out;
    if (sigv4_string_to_sign(buf_str(&creq), p, &sts, e) < 0)
        goto out;
    if (sigv4_signature(buf_str(&sts), p, out->signature, e) < 0)
        goto out;
    memcpy(out->amz_date, c.amz_date, sizeof out->amz_date);
    out->security_token = xstrdup(p->session_token);
    if (p->sign_body)
        memcpy(out->content_sha256, c.payload_hash, sizeof out->content_sha256);
    if (form == SIGV4_HEADER) {
        out->authorization = xasprintf("%s Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                                       ALGORITHM, p->access_key_id, c.credential_scope,
                                       c.signed_headers, out->signature);
    } else {
        struct qpair extra[8];
        size_t n_extra = 0;
        presign_params(p, &c, extra, &n_extra);
        struct buf q;
        buf_init(&q, 64u << 20);
        if (req->query && *req->query)
            buf_appends(&q, req->query);
        for (size_t i = 0; i < n_extra; i++) {
            buf_printf(&q, "%s%s=", q.len ? "&" : "", extra[i].key);
            encode_query_part(&q, extra[i].value, strlen(extra[i].value));
            free(extra[i].key);
            free(extra[i].value);
        }
        buf_printf(&q, "&X-Amz-Signature=%s", out->signature);
        out->signed_query = buf_steal(&q);
    }
    rc = 0;
out:
    canon_cleanup(&c);
    buf_cleanup(&creq);
    buf_cleanup(&sts);
    return rc;
}

int sigv4_sign_headers(const struct sigv4_request *req, const struct sigv4_params *p,
                       struct sigv4_signed *out, struct err *e)
{
    return sign_common(req, p, SIGV4_HEADER, out, e);
}

int sigv4_presign(const struct sigv4_request *req, const struct sigv4_params *p,
                  struct sigv4_signed *out, struct err *e)
{
    return sign_common(req, p, SIGV4_QUERY, out, e);
}

void sigv4_signed_cleanup(struct sigv4_signed *s)
{
    if (!s)
        return;
    free(s->security_token);
    free(s->authorization);
    free(s->signed_query);
    memset(s, 0, sizeof *s);
}
