/* sigv4.h — AWS Signature Version 4, stage by stage.
 *
 * The three stages of the algorithm are separate functions so that each can
 * be tested against the official vectors (../shared/sigv4-test-suite) and
 * against botocore: the canonical request, the string to sign, and the
 * signature.  The signing time is always passed in; nothing here reads the
 * clock.  sigv4_sign_headers() and sigv4_presign() do the whole job for the
 * Authorization-header and query-string (presigned URL) forms.
 *
 * Inputs are borrowed.  Outputs are written to caller-owned struct buf (see
 * util/buf.h) or to the struct sigv4_signed, released with
 * sigv4_signed_cleanup().
 */
#ifndef ALBCHECK_AWS_SIGV4_H
#define ALBCHECK_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"

struct sigv4_header {
    const char *name;       /* any case; canonicalised to lower case */
    const char *value;      /* as sent; trimmed and space-collapsed when canonicalised */
};

/* An HTTP request as it will be sent.  `path` and `query` are taken as they
 * appear on the request line (raw bytes; UTF-8 and reserved characters are
 * encoded by the canonicaliser).  The Host header must be among `headers`. */
struct sigv4_request {
    const char *method;
    const char *path;               /* e.g. "/" */
    const char *query;              /* without '?'; NULL or "" when none */
    const struct sigv4_header *headers;
    size_t n_headers;
    const void *body;
    size_t body_len;
};

struct sigv4_params {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;      /* NULL without temporary credentials */
    const char *region;             /* "us-east-1" */
    const char *service;            /* signing name: "elasticloadbalancing", "ecs", "logs", "sts" */
    time_t now;                     /* signing time, seconds since the epoch (UTC) */
    bool normalize_path;            /* remove "." / ".." and repeated "/" (true for all but S3) */
    bool sign_body;                 /* add and sign x-amz-content-sha256 */
    bool omit_session_token;        /* add X-Amz-Security-Token after signing, unsigned */
    int expires_s;                  /* presign only: X-Amz-Expires */
};

enum sigv4_form {
    SIGV4_HEADER = 0,               /* Authorization header */
    SIGV4_QUERY,                    /* presigned URL query parameters */
};

/* Stage 1: the canonical request for `form`, including the headers or query
 * parameters that signing adds (X-Amz-Date, X-Amz-Security-Token, …). */
int sigv4_canonical_request(const struct sigv4_request *req, const struct sigv4_params *p,
                            enum sigv4_form form, struct buf *out, struct err *e);
/* Stage 2: "AWS4-HMAC-SHA256\n<amz-date>\n<scope>\n<hex sha256(canonical)>". */
int sigv4_string_to_sign(const char *canonical_request, const struct sigv4_params *p,
                         struct buf *out, struct err *e);
/* Stage 3: hex HMAC-SHA256 of the string to sign with the derived key. */
int sigv4_signature(const char *string_to_sign, const struct sigv4_params *p,
                    char out_hex[65], struct err *e);

/* The derived signing key (kSigning) for p's secret, date, region and
 * service: HMAC chain over "AWS4"+secret, date, region, service,
 * "aws4_request".  Exposed for the key-derivation known-answer test. */
int sigv4_signing_key(const struct sigv4_params *p, unsigned char key[32], struct err *e);

/* Hex SHA-256 of a payload (the canonical request's last line). */
void sigv4_payload_hash(const void *body, size_t len, char out_hex[65]);
/* "20150830T123600Z" */
void sigv4_amz_date(time_t now, char out[17]);

/* Headers to add to the request for the header form. */
struct sigv4_signed {
    char amz_date[17];              /* X-Amz-Date value */
    char *security_token;           /* X-Amz-Security-Token value, or NULL */
    char content_sha256[65];        /* x-amz-content-sha256 value when sign_body, else "" */
    char *authorization;            /* Authorization value */
    char *signed_query;             /* presign: the full query string to send (no '?') */
    char signature[65];
};

int sigv4_sign_headers(const struct sigv4_request *req, const struct sigv4_params *p,
                       struct sigv4_signed *out, struct err *e);
int sigv4_presign(const struct sigv4_request *req, const struct sigv4_params *p,
                  struct sigv4_signed *out, struct err *e);
void sigv4_signed_cleanup(struct sigv4_signed *s);

#endif
