/* http.c — one HTTP POST over libcurl, pooled handles, shared connections
 * (see http.h).
 *
 * Handles are pooled rather than kept per thread so that a client can be
 * freed from any thread without thread-exit destructors; a handle is taken
 * for one request and returned, and the CURLSH share (locked per data kind)
 * lets every handle reuse any cached connection to the same host.
 */
#include "aws/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xmalloc.h"

struct aws_http {
    struct aws_http_opts opts;
    char *ca_file;
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    pthread_mutex_t pool_lock;
    CURL **idle;
    size_t n_idle, cap_idle;
};

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userp)
{
    (void)h;
    (void)access;
    struct aws_http *x = userp;
    if ((unsigned)data < CURL_LOCK_DATA_LAST)
        pthread_mutex_lock(&x->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *userp)
{
    (void)h;
    struct aws_http *x = userp;
    if ((unsigned)data < CURL_LOCK_DATA_LAST)
        pthread_mutex_unlock(&x->share_locks[data]);
}

struct aws_http *aws_http_new(const struct aws_http_opts *opts, struct err *e)
{
    struct aws_http *h = xcalloc(1, sizeof *h);
    h->opts = *opts;
    h->ca_file = xstrdup(opts->ca_file);
    h->opts.ca_file = h->ca_file;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&h->share_locks[i], NULL);
    pthread_mutex_init(&h->pool_lock, NULL);
    h->share = curl_share_init();
    if (!h->share) {
        aws_http_free(h);
        err_set(e, ERR_INTERNAL, "cannot create a curl share handle");
        return NULL;
    }
    curl_share_setopt(h->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(h->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(h->share, CURLSHOPT_USERDATA, h);
    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    return h;
}

void aws_http_free(struct aws_http *h)
{
    if (!h)
        return;
    /* Easy handles first: they hold references into the share. */
    for (size_t i = 0; i < h->n_idle; i++)
        curl_easy_cleanup(h->idle[i]);
    free(h->idle);
    if (h->share)
        curl_share_cleanup(h->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&h->share_locks[i]);
    pthread_mutex_destroy(&h->pool_lock);
    free(h->ca_file);
    free(h);
}

static CURL *take_handle(struct aws_http *h)
{
    CURL *c = NULL;
    pthread_mutex_lock(&h->pool_lock);
    if (h->n_idle)
        c = h->idle[--h->n_idle];
    pthread_mutex_unlock(&h->pool_lock);
    if (!c)
        c = curl_easy_init();
    else
        curl_easy_reset(c);
    return c;
}

static void return_handle(struct aws_http *h, CURL *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&h->pool_lock);
    CURL **slot = ARRAY_PUSH(h->idle, h->n_idle, h->cap_idle);
    *slot = c;
    pthread_mutex_unlock(&h->pool_lock);
}

void aws_http_response_init(struct aws_http_response *r, size_t max_bytes)
{
    memset(r, 0, sizeof *r);
    buf_init(&r->body, max_bytes);
}

void aws_http_response_cleanup(struct aws_http_response *r)
{
    if (r)
        buf_cleanup(&r->body);
}

struct xfer {
    struct aws_http_response *r;
    bool over_cap;
};

static size_t on_body(char *p, size_t size, size_t n, void *userp)
{
    struct xfer *x = userp;
    size_t len = size * n;
    if (buf_append(&x->r->body, p, len) < 0) {
        x->over_cap = true;
        return 0; /* abort the transfer: CURLE_WRITE_ERROR */
    }
    return len;
}

/* Copy a header's value (trimmed) when its name matches. */
static void header_value(const char *line, size_t len, const char *name, char *out,
                         size_t out_size)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t vl = (size_t)(end - v);
    if (vl >= out_size)
        vl = out_size - 1;
    memcpy(out, v, vl);
    out[vl] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *userp)
{
    struct xfer *x = userp;
    struct aws_http_response *r = x->r;
    size_t len = size * n;
    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        /* A new response (e.g. after 100 Continue): forget the last one's headers. */
        r->request_id[0] = r->error_type[0] = r->content_type[0] = '\0';
        return len;
    }
    header_value(p, len, "x-amzn-RequestId", r->request_id, sizeof r->request_id);
    header_value(p, len, "x-amz-request-id", r->request_id, sizeof r->request_id);
    header_value(p, len, "X-Amzn-Errortype", r->error_type, sizeof r->error_type);
    header_value(p, len, "Content-Type", r->content_type, sizeof r->content_type);
    return len;
}

static int transport_error(CURL *c, CURLcode cc, const char *errbuf, const struct aws_http *h,
                           const char *what, const char *url, struct xfer *x, struct err *e)
{
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(cc);
    long os_errno = 0;
    curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    switch (cc) {
    case CURLE_WRITE_ERROR:
        if (!x->over_cap)
            break;
        /* fall through */
    case CURLE_FILESIZE_EXCEEDED:
        return err_set(e, ERR_LIMIT, "%s: the answer from %s is larger than the %zu-byte limit",
                       what, url, h->opts.max_response_bytes);
    case CURLE_OPERATION_TIMEDOUT: {
        x->r->timed_out = true;
        double connect_s = 0;
        curl_easy_getinfo(c, CURLINFO_CONNECT_TIME, &connect_s);
        if (connect_s <= 0)
            return err_set(e, ERR_NET, "%s: %s: connect timed out after %ld ms", what, url,
                           h->opts.connect_timeout_ms);
        return err_set(e, ERR_NET, "%s: %s: timed out after %ld ms waiting for the answer", what,
                       url, h->opts.timeout_ms);
    }
    case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED || strstr(detail, "refused"))
            return err_set(e, ERR_NET, "%s: %s: connection refused", what, url);
        return err_set(e, ERR_NET, "%s: %s: cannot connect: %s", what, url, detail);
    case CURLE_COULDNT_RESOLVE_HOST:
        return err_set(e, ERR_NET, "%s: %s: cannot resolve the host name: %s", what, url, detail);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        if (os_errno == ECONNRESET || os_errno == EPIPE || strstr(detail, "reset"))
            return err_set(e, ERR_NET, "%s: %s: connection reset by the server", what, url);
        return err_set(e, ERR_NET, "%s: %s: connection failed: %s", what, url, detail);
    case CURLE_GOT_NOTHING:
        return err_set(e, ERR_NET, "%s: %s: connection closed without an answer", what, url);
    case CURLE_PARTIAL_FILE:
        return err_set(e, ERR_NET, "%s: %s: the answer was cut short (%s)", what, url, detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        x->r->permanent = true;
        return err_set(e, ERR_NET, "%s: %s: TLS failed: %s", what, url, detail);
    case CURLE_SSL_CONNECT_ERROR:
        return err_set(e, ERR_NET, "%s: %s: TLS failed: %s", what, url, detail);
    default:
        break;
    }
    return err_set(e, ERR_NET, "%s: %s: %s", what, url, detail);
}

int aws_http_post(struct aws_http *h, const char *what, const char *url,
                  const char *const *headers, size_t n_headers, const void *body, size_t len,
                  struct aws_http_response *r, struct err *e)
{
    int rc = -1;
    struct curl_slist *hl = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    struct xfer x = {.r = r};
    CURL *c = take_handle(h);
    if (!c) {
        err_set(e, ERR_INTERNAL, "%s: cannot create a curl handle", what);
        goto out;
    }
    for (size_t i = 0; i < n_headers; i++) {
        struct curl_slist *t = curl_slist_append(hl, headers[i]);
        if (!t) {
            err_set(e, ERR_INTERNAL, "%s: out of memory", what);
            goto out;
        }
        hl = t;
    }
    /* No "Expect: 100-continue" round trip for bodies over 1 KiB. */
    struct curl_slist *expect = curl_slist_append(hl, "Expect:");
    if (!expect) {
        err_set(e, ERR_INTERNAL, "%s: out of memory", what);
        goto out;
    }
    hl = expect;

    curl_easy_setopt(c, CURLOPT_SHARE, h->share);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "albcheck");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->opts.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->opts.max_response_bytes);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, h->opts.insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, h->opts.insecure ? 0L : 2L);
    if (h->opts.ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, h->opts.ca_file);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);

    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK) {
        r->status = (int)status;
        transport_error(c, cc, errbuf, h, what, url, &x, e);
        goto out;
    }
    r->status = (int)status;
    rc = 0;
out:
    curl_slist_free_all(hl);
    if (c) {
        /* Drop pointers to this call's stack before pooling the handle. */
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
        return_handle(h, c);
    }
    return rc;
}
