/* sigv4_sign.c — sign requests read as JSON lines, for differential tests.
 *
 *   sigv4_sign < requests.jsonl > results.jsonl
 *
 * Each input line is one request:
 *   {"method": "POST", "path": "/", "query": "a=1&b",
 *    "headers": [["Host", "example.com:8443"], ["X-Amz-Target", "…"]],
 *    "body_b64": "…", "access_key": "AKID…", "secret_key": "…",
 *    "token": null, "region": "us-east-1", "service": "ecs", "time": 1440938160,
 *    "normalize": true, "sign_body": false, "omit_session_token": false,
 *    "presign": false, "expires": 3600}
 * (keys after "time" are optional).  Each output line is
 *   {"canonical_request": "…", "signature": "<hex>", "authorization": "…"}
 * (presign: "signed_query" instead of "authorization"), or {"error": "…"}.
 * Only signatures and the canonical request are printed: use test keys.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "aws/sigv4.h"
#include "util/buf.h"
#include "util/xmalloc.h"

/* Decode base64 into a new buffer (caller frees); NULL on bad input. */
static unsigned char *b64_decode(const char *s, size_t *out_len)
{
    size_t n = strlen(s);
    unsigned char *out = xmalloc(n / 4 * 3 + 4);
    if (n % 4) {
        free(out);
        return NULL;
    }
    int len = n ? EVP_DecodeBlock(out, (const unsigned char *)s, (int)n) : 0;
    if (len < 0) {
        free(out);
        return NULL;
    }
    /* EVP_DecodeBlock counts the padding as zero bytes. */
    for (size_t i = n; i > 0 && s[i - 1] == '='; i--)
        len--;
    *out_len = (size_t)len;
    return out;
}

static const char *str_or(json_t *o, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : dflt;
}

static json_t *sign_one(json_t *in)
{
    struct sigv4_header *headers = NULL;
    size_t n_headers = 0, cap_headers = 0;
    unsigned char *body = NULL;
    size_t body_len = 0;
    struct buf cr;
    struct err e = {0};
    struct sigv4_signed s = {0};
    json_t *out = NULL;

    buf_init(&cr, 0);
    json_t *jh = json_object_get(in, "headers");
    size_t i;
    json_t *pair;
    json_array_foreach(jh, i, pair) {
        const char *name = json_string_value(json_array_get(pair, 0));
        const char *value = json_string_value(json_array_get(pair, 1));
        if (!name || !value) {
            out = json_pack("{s:s}", "error", "a header is not a [name, value] pair");
            goto out;
        }
        struct sigv4_header *h = ARRAY_PUSH(headers, n_headers, cap_headers);
        h->name = name;
        h->value = value;
    }
    body = b64_decode(str_or(in, "body_b64", ""), &body_len);
    if (!body) {
        out = json_pack("{s:s}", "error", "body_b64 is not base64");
        goto out;
    }
    json_t *expires = json_object_get(in, "expires");
    json_t *normalize = json_object_get(in, "normalize");
    struct sigv4_params p = {
        .access_key_id = str_or(in, "access_key", NULL),
        .secret_access_key = str_or(in, "secret_key", NULL),
        .session_token = str_or(in, "token", NULL),
        .region = str_or(in, "region", NULL),
        .service = str_or(in, "service", NULL),
        .now = (time_t)json_integer_value(json_object_get(in, "time")),
        .normalize_path = normalize ? json_is_true(normalize) : true,
        .sign_body = json_is_true(json_object_get(in, "sign_body")),
        .omit_session_token = json_is_true(json_object_get(in, "omit_session_token")),
        .expires_s = expires ? (int)json_integer_value(expires) : 3600,
    };
    struct sigv4_request r = {
        .method = str_or(in, "method", NULL),
        .path = str_or(in, "path", "/"),
        .query = str_or(in, "query", NULL),
        .headers = headers,
        .n_headers = n_headers,
        .body = body,
        .body_len = body_len,
    };
    bool presign = json_is_true(json_object_get(in, "presign"));
    enum sigv4_form form = presign ? SIGV4_QUERY : SIGV4_HEADER;
    int rc = presign ? sigv4_presign(&r, &p, &s, &e) : sigv4_sign_headers(&r, &p, &s, &e);
    if (rc < 0 || sigv4_canonical_request(&r, &p, form, &cr, &e) < 0) {
        out = json_pack("{s:s}", "error", e.msg);
        goto out;
    }
    out = json_pack("{s:s, s:s}", "canonical_request", buf_str(&cr), "signature", s.signature);
    if (presign)
        json_object_set_new(out, "signed_query", json_string(s.signed_query));
    else
        json_object_set_new(out, "authorization", json_string(s.authorization));
out:
    sigv4_signed_cleanup(&s);
    buf_cleanup(&cr);
    free(body);
    free(headers);
    return out;
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int status = 0;

    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t je;
        json_t *in = json_loadb(line, (size_t)n, 0, &je);
        json_t *res = in ? sign_one(in) : json_pack("{s:s}", "error", je.text);
        if (!res) {
            res = json_pack("{s:s}", "error", "cannot build the result (invalid UTF-8?)");
            status = 1;
        }
        char *text = json_dumps(res, JSON_COMPACT);
        puts(text ? text : "{\"error\": \"cannot serialise\"}");
        free(text);
        json_decref(res);
        json_decref(in);
    }
    free(line);
    return status;
}
