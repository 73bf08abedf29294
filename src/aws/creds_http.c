/* creds_http.c — credentials over HTTP: ECS/EKS container endpoint and EC2
 * instance metadata (IMDSv2 with v1 fallback), via libcurl easy handles with
 * small capped bodies, short timeouts, no proxy and no redirects. */
#include "aws/creds.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "creds_internal.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define HTTP_BODY_MAX (64u * 1024u)

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return (v && *v) ? v : NULL;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct buf *b = ud;
    if (buf_append(b, p, size * n) < 0)
        return 0; /* over the cap: abort the transfer */
    return size * n;
}

/* One request.  Returns 0 with *status set (any HTTP status), or -1 with a
 * short reason in why ("timed out", "connection refused", …). */
static int http_do(const char *method, const char *url, struct curl_slist *headers,
                   long timeout_ms, long *status, struct buf *body, char **why)
{
    int rc = -1;
    CURL *h = curl_easy_init();
    if (!h) {
        *why = xstrdup("curl_easy_init failed");
        return -1;
    }
    buf_reset(body);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "albcheck");
    if (strcmp(method, "PUT") == 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
    }
    CURLcode cc = curl_easy_perform(h);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
        rc = 0;
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        *why = xstrdup("timed out");
    } else if (cc == CURLE_WRITE_ERROR) {
        *why = xasprintf("answer larger than %u bytes", HTTP_BODY_MAX);
    } else if (cc == CURLE_COULDNT_CONNECT) {
        *why = xstrdup("connection refused");
    } else {
        *why = xstrdup(curl_easy_strerror(cc));
    }
    curl_easy_cleanup(h);
    return rc;
}

static void sleep_default(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------ container */

static bool host_is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}

bool creds_container_url_allowed(const char *url)
{
    bool ok = false;
    char *scheme = NULL, *host = NULL;
    CURLU *u = curl_url();
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto out;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto out;
    if (strcasecmp(scheme, "https") == 0) {
        ok = true;
        goto out;
    }
    if (strcasecmp(scheme, "http") != 0)
        goto out;
    char h[256];
    size_t hl = strlen(host);
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']')
        snprintf(h, sizeof h, "%.*s", (int)(hl - 2), host + 1);
    else
        snprintf(h, sizeof h, "%s", host);
    static const char *const allowed[] = {"169.254.170.2", "169.254.170.23", "fd00:ec2::23",
                                          "localhost"};
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (strcasecmp(h, allowed[i]) == 0)
            ok = true;
    if (host_is_loopback(h))
        ok = true;
out:
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

/* The Authorization value: the token file (re-read every time) wins over the
 * variable; CR or LF inside is refused (header injection). */
static int container_auth(char **out, struct err *e)
{
    *out = NULL;
    const char *file = env_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *from = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
    char *tok = NULL;
    if (file) {
        tok = creds_read_small_file(file, 16384, "container credentials: authorization token file", e);
        if (!tok)
            return -1;
    } else if (env_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
        tok = xstrdup(getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
        from = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    } else {
        return 0;
    }
    if (strpbrk(tok, "\r\n")) {
        memset(tok, 0, strlen(tok));
        free(tok);
        return err_set(e, ERR_CONFIG, "container credentials: the authorization token from %s "
                       "contains CR or LF, which is not allowed in a header", from);
    }
    *out = tok;
    return 0;
}

enum creds_found creds_container_fetch(const struct creds_http_opts *o, struct aws_creds *out,
                                       char **why, struct err *e)
{
    enum creds_found rc = CREDS_ERROR;
    const char *rel = env_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = env_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    char *url = NULL, *auth = NULL, *reason = NULL;
    struct curl_slist *hdrs = NULL;
    json_t *j = NULL;
    struct buf body;
    buf_init(&body, HTTP_BODY_MAX);
    *why = NULL;

    if (!rel && !full) {
        *why = xstrdup("not configured");
        return CREDS_NOT_FOUND;
    }
    if (rel) {
        url = xasprintf("http://169.254.170.2%s", rel);
    } else {
        url = xstrdup(full);
        if (!creds_container_url_allowed(url)) {
            err_set(e, ERR_CONFIG, "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI "
                    "'%s' is not allowed: only https, a loopback address or 169.254.170.2, "
                    "169.254.170.23, fd00:ec2::23, localhost", url);
            goto out;
        }
    }
    long status = 0;
    int attempts = o && o->attempts > 0 ? o->attempts : 3;
    long timeout_ms = o && o->timeout_ms > 0 ? o->timeout_ms : 2000;
    void (*sleep_fn)(long) = o && o->sleep_ms ? o->sleep_ms : sleep_default;
    for (int i = 0; i < attempts; i++) {
        /* Re-read the token each attempt: EKS rotates the file. */
        free(auth);
        if (container_auth(&auth, e) < 0)
            goto out;
        curl_slist_free_all(hdrs);
        hdrs = curl_slist_append(NULL, "Accept: application/json");
        if (auth) {
            char *h = xasprintf("Authorization: %s", auth);
            hdrs = curl_slist_append(hdrs, h);
            memset(h, 0, strlen(h));
            free(h);
        }
        free(reason);
        reason = NULL;
        status = 0;
        if (http_do("GET", url, hdrs, timeout_ms, &status, &body, &reason) == 0 && status < 500)
            break;
        if (!reason)
            reason = xasprintf("HTTP %ld", status);
        if (i + 1 < attempts)
            sleep_fn(1000);
    }
    if (reason) {
        err_set(e, ERR_NET, "container credentials: %s: %s", url, reason);
        goto out;
    }
    if (status != 200) {
        err_set(e, status == 401 || status == 403 ? ERR_AUTH : ERR_AWS,
                "container credentials: %s answered HTTP %ld", url, status);
        goto out;
    }
    json_error_t je;
    j = json_loadb(buf_str(&body), body.len, 0, &je);
    if (!j || !json_is_object(j)) {
        err_set(e, ERR_PARSE, "container credentials: %s: the answer is not a JSON object", url);
        goto out;
    }
    if (creds_from_json(j, "container credentials", "Token", true, true, out, e) < 0)
        goto out;
    out->source = xstrdup("container credentials");
    rc = CREDS_FOUND;
out:
    if (body.data)
        memset(body.data, 0, body.len);
    buf_cleanup(&body);
    json_decref(j);
    curl_slist_free_all(hdrs);
    if (auth) {
        memset(auth, 0, strlen(auth));
        free(auth);
    }
    free(reason);
    free(url);
    return rc;
}

/* ------------------------------------------------------------ IMDS */

static char *imds_base(const struct aws_config *cfg, const char *profile)
{
    const char *v = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (!v && cfg && profile)
        v = aws_config_get(cfg, profile, "ec2_metadata_service_endpoint");
    if (v && *v) {
        size_t n = strlen(v);
        while (n > 0 && v[n - 1] == '/')
            n--;
        return xstrndup(v, n);
    }
    const char *mode = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    if (!mode && cfg && profile)
        mode = aws_config_get(cfg, profile, "ec2_metadata_service_endpoint_mode");
    if (mode && strcasecmp(mode, "ipv6") == 0)
        return xstrdup("http://[fd00:ec2::254]");
    return xstrdup("http://169.254.169.254");
}

enum creds_found creds_imds_fetch(const struct creds_http_opts *o, const struct aws_config *cfg,
                                  const char *profile, struct aws_creds *out, char **why,
                                  struct err *e)
{
    enum creds_found rc = CREDS_ERROR;
    char *base = imds_base(cfg, profile);
    char *token = NULL, *reason = NULL, *url = NULL, *role = NULL, *hdr = NULL;
    struct curl_slist *hdrs = NULL;
    json_t *j = NULL;
    struct buf body;
    buf_init(&body, HTTP_BODY_MAX);
    long timeout_ms = o && o->timeout_ms > 0 ? o->timeout_ms : 1000;
    long status = 0;
    *why = NULL;

    if (aws_config_bool(getenv("AWS_EC2_METADATA_DISABLED"))) {
        *why = xstrdup("disabled by AWS_EC2_METADATA_DISABLED");
        rc = CREDS_NOT_FOUND;
        goto out;
    }
    const char *v1d = env_nonempty("AWS_EC2_METADATA_V1_DISABLED");
    if (!v1d && cfg && profile)
        v1d = aws_config_get(cfg, profile, "ec2_metadata_v1_disabled");
    bool v1_disabled = aws_config_bool(v1d);

    /* IMDSv2 session token. */
    url = xasprintf("%s/latest/api/token", base);
    hdrs = curl_slist_append(NULL, "x-aws-ec2-metadata-token-ttl-seconds: 21600");
    if (http_do("PUT", url, hdrs, timeout_ms, &status, &body, &reason) == 0) {
        if (status == 200 && body.len > 0 && !strpbrk(buf_str(&body), "\r\n")) {
            token = buf_steal(&body);
            buf_init(&body, HTTP_BODY_MAX);
        } else if (status == 400) {
            *why = xasprintf("%s: token request refused (HTTP 400)", base);
            rc = CREDS_NOT_FOUND;
            goto out;
        }
        /* 403/404/405 and others: fall back to IMDSv1. */
    } else {
        /* Timeouts and connection errors also fall back, as botocore does;
         * a second failure below reports the reason. */
        free(reason);
        reason = NULL;
    }
    curl_slist_free_all(hdrs);
    hdrs = NULL;
    if (!token && v1_disabled) {
        *why = xasprintf("%s: no IMDSv2 token and IMDSv1 is disabled", base);
        rc = CREDS_NOT_FOUND;
        goto out;
    }
    if (token) {
        hdr = xasprintf("x-aws-ec2-metadata-token: %s", token);
        hdrs = curl_slist_append(NULL, hdr);
    }

    /* Role name. */
    free(url);
    url = xasprintf("%s/latest/meta-data/iam/security-credentials/", base);
    if (http_do("GET", url, hdrs, timeout_ms, &status, &body, &reason) < 0) {
        *why = xasprintf("%s: %s", base, reason);
        rc = CREDS_NOT_FOUND;
        goto out;
    }
    if (status != 200 || body.len == 0) {
        *why = xasprintf("%s: no instance role (HTTP %ld)", base, status);
        rc = CREDS_NOT_FOUND;
        goto out;
    }
    const char *r = buf_str(&body);
    size_t rl = strcspn(r, "\r\n");
    while (rl > 0 && (r[rl - 1] == ' ' || r[rl - 1] == '\t'))
        rl--;
    role = xstrndup(r, rl);
    if (!*role || strchr(role, '/')) {
        *why = xasprintf("%s: unusable role name", base);
        rc = CREDS_NOT_FOUND;
        goto out;
    }

    /* Credentials. */
    free(url);
    url = xasprintf("%s/latest/meta-data/iam/security-credentials/%s", base, role);
    if (http_do("GET", url, hdrs, timeout_ms, &status, &body, &reason) < 0) {
        *why = xasprintf("%s: %s", base, reason);
        rc = CREDS_NOT_FOUND;
        goto out;
    }
    json_error_t je;
    j = status == 200 ? json_loadb(buf_str(&body), body.len, 0, &je) : NULL;
    if (!j || !json_is_object(j)) {
        *why = xasprintf("%s: role %s: %s", base, role,
                         status == 200 ? "the answer is not JSON" : "no credentials");
        if (status != 200) {
            free(*why);
            *why = xasprintf("%s: role %s: HTTP %ld", base, role, status);
        }
        rc = CREDS_NOT_FOUND;
        goto out;
    }
    if (!json_object_get(j, "AccessKeyId") || !json_object_get(j, "SecretAccessKey") ||
        !json_object_get(j, "Token") || !json_object_get(j, "Expiration")) {
        const char *code = json_string_value(json_object_get(j, "Code"));
        *why = xasprintf("%s: role %s: no credentials in the answer%s%s%s", base, role,
                         code ? " (Code " : "", code ? code : "", code ? ")" : "");
        rc = CREDS_NOT_FOUND;
        goto out;
    }
    if (creds_from_json(j, "instance metadata", "Token", true, true, out, e) < 0)
        goto out;
    out->source = xasprintf("instance metadata (role %s)", role);
    rc = CREDS_FOUND;
out:
    if (body.data)
        memset(body.data, 0, body.len);
    buf_cleanup(&body);
    json_decref(j);
    curl_slist_free_all(hdrs);
    if (token) {
        memset(token, 0, strlen(token));
        free(token);
    }
    if (hdr) {
        memset(hdr, 0, strlen(hdr));
        free(hdr);
    }
    free(reason);
    free(url);
    free(role);
    free(base);
    return rc;
}
